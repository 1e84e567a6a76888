"""Per-client token buckets for anonymous, costly routes (`POST /credentials/verify`).

The client is the address the request came from, or, when that peer is a trusted proxy (the gateway),
the last address the proxy appended to `X-Forwarded-For`. Buckets live in this process's memory (each
replica limits on its own) and the least recently seen clients are forgotten beyond `max_clients`.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from servicekit.problems import Problem, problem_response
from starlette.requests import Request
from starlette.responses import Response


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate_per_second: float, burst: int, *, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when `client` may go on (one token taken), else the seconds until a token is available."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[client] = bucket
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate if self.rate > 0 else math.inf


class ClientAddresses:
    """Who a request comes from: the peer, or the address a trusted proxy forwarded."""

    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self._networks = [ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted_proxies
                          if entry.strip()]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def of(self, request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded and self._trusted(peer):
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            while hops:  # the rightmost address no trusted proxy stands for is the client
                hop = hops.pop()
                if not self._trusted(hop) or not hops:
                    return hop[:64]
        return peer


def retry_later(status: int, title: str, detail: str, code: str, seconds: float, instance: str) -> Response:
    """A problem answer with `Retry-After` (whole seconds, at least 1)."""
    retry_after = str(max(1, math.ceil(seconds))) if math.isfinite(seconds) else "3600"
    response = problem_response(Problem(status, title, detail, code=code), instance)
    response.headers["Retry-After"] = retry_after
    return response


class RateLimit:
    def __init__(self, buckets: TokenBuckets, clients: ClientAddresses) -> None:
        self.buckets = buckets
        self.clients = clients

    def refusal(self, request: Request) -> Response | None:
        """None when the request's client has a token (one is taken), else a 429 problem with Retry-After."""
        wait = self.buckets.take(self.clients.of(request))
        if wait <= 0:
            return None
        return retry_later(429, "Too many verification requests",
                           f"this client may verify {self.buckets.rate:g} credentials a second "
                           f"(bursts of {self.buckets.burst}); retry later", "RATE_LIMITED", wait, request.url.path)
