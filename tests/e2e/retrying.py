"""A client that rides out a process restart the way a careful API client would.

Each POST carries an `Idempotency-Key` (the same on every retry of that request), so repeating a request whose
answer was lost is safe. A request is repeated while the gateway is unreachable or answers 502/503/504, or 409
"this key is in use" (the first try is still running), with a short pause, until a deadline.
"""

from __future__ import annotations

import time
import uuid

import httpx

RETRIED_STATUSES = frozenset({502, 503, 504})
KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"
PAUSE_SECONDS = 0.25


class RetryingTransport(httpx.BaseTransport):
    """Wraps a transport; counts the retries it made (`retries`)."""

    def __init__(self, inner: httpx.BaseTransport | None = None, deadline_seconds: float = 90.0) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self._deadline_seconds = deadline_seconds
        self.retries = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "idempotency-key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        request.read()  # the body is sent again on a retry
        deadline = time.monotonic() + self._deadline_seconds
        while True:
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError:
                if time.monotonic() >= deadline:
                    raise
            else:
                if not _worth_retrying(response) or time.monotonic() >= deadline:
                    return response
                response.close()
            self.retries += 1
            time.sleep(PAUSE_SECONDS)

    def close(self) -> None:
        self._inner.close()


def _worth_retrying(response: httpx.Response) -> bool:
    if response.status_code in RETRIED_STATUSES:
        return True
    if response.status_code != 409:
        return False
    response.read()
    return KEY_IN_USE in response.text


def retrying_client(base_url: str, deadline_seconds: float = 90.0, timeout: float = 30.0) -> httpx.Client:
    """An httpx client for `base_url` whose requests retry through a restart (see the module docstring)."""
    limits = httpx.Limits(max_connections=64)
    transport = RetryingTransport(httpx.HTTPTransport(limits=limits), deadline_seconds)
    return httpx.Client(base_url=base_url, transport=transport, timeout=timeout)
