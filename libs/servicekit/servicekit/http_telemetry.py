"""HTTP's share of telemetry: a SERVER span, a latency observation and a correlation id per request (ASGI
middleware), and a CLIENT span with `traceparent` injected per outgoing call (an httpx transport)."""

from __future__ import annotations

import time

import httpx
from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import correlation_id
from .metrics import REQUEST_DURATION
from .telemetry import client_span, context_of, finish_server_span, inject_http, server_span

UNMATCHED_ROUTE = "unmatched"
"""The route label of requests no route took (404s): paths themselves would make unbounded label values."""


class TelemetryMiddleware:
    """Traces, times and correlates every HTTP request. `trust_incoming=False` (a public edge) starts a new trace
    whatever `traceparent` a client sends; services behind the gateway continue the gateway's trace."""

    def __init__(self, app: ASGIApp, api: FastAPI, trust_incoming: bool = True) -> None:
        self.app = app
        self.api = api
        self.trust_incoming = trust_incoming

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        parent = context_of(headers.get("traceparent"), headers.get("tracestate")) if self.trust_incoming else None
        request_id = headers.get("x-request-id")
        method: str = scope["method"]
        status = 500
        started = time.perf_counter()

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        token = correlation_id.set(request_id)
        try:
            with server_span(method, scope["path"], parent, request_id) as span:
                try:
                    await self.app(scope, receive, send_observed)
                finally:
                    route = self.route_of(scope)
                    finish_server_span(span, method, route, status)
                    REQUEST_DURATION.labels(route, method, str(status)).observe(time.perf_counter() - started)
        finally:
            correlation_id.reset(token)

    def route_of(self, scope: Scope) -> str:
        """The template of the route that took the request (`/applications/{application_id}`)."""
        route = scope.get("route")
        if route is not None and hasattr(route, "path"):
            return str(route.path)
        for candidate in self.api.router.routes:
            match, _ = candidate.matches(scope)
            if match is not Match.NONE and hasattr(candidate, "path"):
                return str(candidate.path)
        return UNMATCHED_ROUTE


def install_http_telemetry(api: FastAPI, *, trust_incoming: bool = True) -> None:
    """Add the middleware as the outermost so far: call it after the middleware it should time.

    FastAPI's own telemetry is turned off for this API: it would open a server span around everything first,
    continuing any client's `traceparent` and recording paths unredacted (raters' links)."""
    for part in ("tracing", "metrics", "logs"):
        api._telemetry[part] = False  # type: ignore[literal-required]
    api.add_middleware(TelemetryMiddleware, api=api, trust_incoming=trust_incoming)


class TracingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: each request gets a CLIENT span and carries its `traceparent`."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with client_span(request.method, request.url.host, request.url.path) as span:
            inject_http(request.headers)
            response = await self.inner.handle_async_request(request)
            span.set_attribute("http.response.status_code", response.status_code)
            return response

    async def aclose(self) -> None:
        await self.inner.aclose()
