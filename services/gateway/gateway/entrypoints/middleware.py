"""ASGI middleware: a request id on every request and response, a cap on request body size, and servicekit's edge
guards (text PostgreSQL cannot store refused with 422, secrets redacted from every log line)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from servicekit.asgi_body import replaying
from servicekit.edge import install_edge_guards
from servicekit.problems import Problem, problem_response
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = "x-request-id"
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
__all__ = ["BodyLimitMiddleware", "RequestIdMiddleware", "install_edge_guards"]


class RequestIdMiddleware:
    """Keeps a well-formed client X-Request-ID, else makes one; services and the client see the same id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID)
        request_id = given if given and ACCEPTABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != REQUEST_ID.encode()]
        scope = {**scope, "headers": [*headers, (REQUEST_ID.encode(), request_id.encode())]}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers[REQUEST_ID] = request_id
                response_headers.setdefault("x-content-type-options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Refuses request bodies over `max_bytes` with 413, whether or not they announce their length; POSTs to
    `upload_paths` may reach `upload_max_bytes` instead."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int | None = None,
                 upload_paths: Sequence[re.Pattern[str]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = max(upload_max_bytes or max_bytes, max_bytes)
        self.upload_paths = tuple(upload_paths)

    def limit_for(self, scope: Scope) -> int:
        upload = scope.get("method") == "POST" and any(p.match(scope["path"]) for p in self.upload_paths)
        return self.upload_max_bytes if upload else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, replaying(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        problem = Problem(413, "Payload too large", f"request bodies are limited to {limit} bytes",
                          code="PAYLOAD_TOO_LARGE")
        await problem_response(problem, scope["path"])(scope, receive, send)
