"""Sends one request on to a service and hands back its answer; transport failures become problems.

A service may run as several replicas: requests go to them in turn, and one that fails on the way goes to the
next replica when that is safe (`replicas.may_try_next`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import httpx
from servicekit.problems import Problem
from starlette.requests import Request
from starlette.responses import Response

from .replicas import Replicas, may_try_next
from .targets import has_dot_segment, redacted, target_url

log = logging.getLogger(__name__)

FORWARDED_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "idempotency-key",
    "x-request-id",
    "if-none-match",
    "if-match",
)
RETURNED_RESPONSE_HEADERS = (
    "content-type",
    "location",
    "retry-after",
    "cache-control",
    "etag",
    "vary",
    "content-security-policy",
    "referrer-policy",
    "content-disposition",
    "x-content-type-options",
)


class Forwarder:
    def __init__(self, client: httpx.AsyncClient, upstream_urls: Mapping[str, str | Sequence[str]]) -> None:
        self._client = client
        self._replicas = {name: Replicas([urls] if isinstance(urls, str) else urls)
                          for name, urls in upstream_urls.items()}

    async def forward(self, request: Request, upstream: str, identity_token: str | None) -> Response:
        """Pass the request on; the client's own Authorization header never reaches the service."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        if has_dot_segment(raw_path):
            raise Problem(400, "Invalid path", "paths with '.' or '..' segments are not forwarded",
                          code="INVALID_PATH")
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
        if request.client is not None:  # as ClientAddressMiddleware established it; services rate-limit on it
            headers["x-forwarded-for"] = request.client.host
        if identity_token is not None:
            headers["authorization"] = f"Bearer {identity_token}"
        body = await request.body()
        query = request.scope.get("query_string", b"")
        try:
            answer = await self._send(request.method, upstream, raw_path, query, body, headers)
        except httpx.TimeoutException as exc:
            log.warning("%s %s: %s timed out (%s)", request.method, redacted(request.url.path), upstream,
                        type(exc).__name__)
            raise Problem(504, "Service timed out", f"the {upstream} service did not answer in time; "
                          "the request may or may not have been carried out", code="UPSTREAM_TIMEOUT") from exc
        except httpx.ConnectError as exc:
            log.warning("%s %s: %s unreachable", request.method, redacted(request.url.path), upstream)
            raise Problem(503, "Service unavailable", f"the {upstream} service is not reachable; nothing was "
                          "changed, please retry", code="UPSTREAM_UNAVAILABLE") from exc
        except httpx.TransportError as exc:
            log.warning("%s %s: %s failed (%s)", request.method, redacted(request.url.path), upstream,
                        type(exc).__name__)
            raise Problem(502, "Bad gateway", f"the {upstream} service gave no usable answer",
                          code="UPSTREAM_ERROR") from exc
        returned = {name: answer.headers[name] for name in RETURNED_RESPONSE_HEADERS if name in answer.headers}
        return Response(content=answer.content, status_code=answer.status_code, headers=returned)

    async def _send(self, method: str, upstream: str, raw_path: bytes, query: bytes, body: bytes,
                    headers: dict[str, str]) -> httpx.Response:
        """Send to the next replica in turn; on a failure that allows it, to the following ones."""
        replicas = self._replicas[upstream].in_turn()
        for attempt, base_url in enumerate(replicas, start=1):
            try:
                return await self._client.request(method, target_url(base_url, raw_path, query),
                                                  content=body or None, headers=headers)
            except httpx.TransportError as exc:
                if attempt == len(replicas) or not may_try_next(method, exc):
                    raise
                log.warning("%s %s: %s replica %d of %d failed (%s); trying the next", method,
                            redacted(raw_path.decode("latin-1")), upstream, attempt, len(replicas),
                            type(exc).__name__)
        raise AssertionError("unreachable: the last replica's failure is raised")
