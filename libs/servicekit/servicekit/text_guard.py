"""Text PostgreSQL cannot store (a NUL character, an unpaired surrogate) is refused at the edge with 422.

Without this guard such text reaches the database driver and fails there, which answers 503 "please retry"
(a NUL in a query parameter) or, worse, is stored (a NUL in a JSON field of an event). The middleware checks the
path, the query string, JSON bodies (including `\\u0000` and lone `\\ud800` escapes) and urlencoded forms;
multipart fields are checked where they are parsed, with `StorableText` or `refuse_unstorable`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .asgi_body import replaying
from .problems import UNSUPPORTED_CHARACTERS_TYPE, Problem, problem_response

CODE = "UNSUPPORTED_CHARACTERS"
ERROR_TYPE = UNSUPPORTED_CHARACTERS_TYPE
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL, and surrogates (only unpaired ones survive decoding): PostgreSQL text and UTF-8 cannot hold them."""
MAX_INSPECTED_BYTES = 8 * 1024 * 1024
"""Bodies beyond this are passed on unread (the gateway caps bodies well below it)."""
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def unsupported_characters(location: str) -> Problem:
    """The refusal, naming where the text was (`query.category`, `body.name`, `path`)."""
    return Problem(
        422, "Unsupported characters",
        f"{location} holds a character that cannot be stored (NUL or an unpaired surrogate)", code=CODE,
        errors=[{"location": location, "message": "NUL characters and unpaired surrogates are not accepted",
                 "type": ERROR_TYPE}],
    )


def _storable(value: str) -> str:
    if unstorable(value):
        raise PydanticCustomError(ERROR_TYPE, "NUL characters and unpaired surrogates are not accepted")
    return value


StorableText = Annotated[str, AfterValidator(_storable)]
"""A `str` field that refuses NUL and unpaired surrogates (for multipart forms, which the middleware passes on)."""


def refuse_unstorable(location: str, value: str) -> str:
    """`value`, or the `UNSUPPORTED_CHARACTERS` problem when it holds text PostgreSQL cannot store."""
    if unstorable(value):
        raise unsupported_characters(location)
    return value


def _field(name: str) -> str:
    return UNSTORABLE.sub("?", name)[:64]


def _in_pairs(location: str, pairs: list[tuple[str, str]]) -> str | None:
    for name, value in pairs:
        if unstorable(name) or unstorable(value):
            return f"{location}.{_field(name)}"
    return None


def _walk(value: Any, location: str) -> Iterator[str]:
    if isinstance(value, str):
        if unstorable(value):
            yield location
    elif isinstance(value, dict):
        for key, item in value.items():
            if unstorable(key):
                yield f"{location}.{_field(key)}"
            yield from _walk(item, f"{location}.{_field(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{location}.{index}")


def json_location(body: bytes) -> str | None:
    """Where a JSON body holds unstorable text, if it does; bodies that are no JSON are left to the route."""
    if b"\\u" not in body:
        return None  # a raw NUL or surrogate makes the JSON (or its UTF-8) invalid: the route refuses it
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return next(_walk(document, "body"), None)


def _target_location(scope: Scope) -> str | None:
    if unstorable(scope.get("path", "")):
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" not in query and "\x00" not in query:
        return None  # percent-decoding as UTF-8 never yields a surrogate
    return _in_pairs("query", parse_qsl(query, keep_blank_values=True))


def _body_kind(headers: Headers) -> str | None:
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in ("", "application/json") or media_type.endswith("+json"):
        return "json"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return None  # multipart and files: checked where the fields are parsed


class TextGuardMiddleware:
    """Refuses requests whose path, query, JSON body or urlencoded form holds text PostgreSQL cannot store."""

    def __init__(self, app: ASGIApp, max_inspected_bytes: int = MAX_INSPECTED_BYTES,
                 inspects_body: Callable[[Scope], bool] = lambda scope: True) -> None:
        """`inspects_body(scope)` False passes a request's body on unread (its path and query are still checked):
        for a part that answers such bodies its own way (the gateway's portal pages)."""
        self.app = app
        self.max_inspected_bytes = max_inspected_bytes
        self.inspects_body = inspects_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        location = _target_location(scope)
        if location is not None:
            await self._refuse(location, scope, receive, send)
            return
        kind = _body_kind(Headers(scope=scope)) if scope.get("method") in METHODS_WITH_BODY else None
        if kind is not None and not self.inspects_body(scope):
            kind = None
        if kind is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more and size <= self.max_inspected_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk: bytes = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if not more:
            location = json_location(body) if kind == "json" else _form_location(body)
            if location is not None:
                await self._refuse(location, scope, receive, send)
                return
        await self.app(scope, replaying(body, receive, more=more), send)

    async def _refuse(self, location: str, scope: Scope, receive: Receive, send: Send) -> None:
        instance = UNSTORABLE.sub("", scope.get("path", ""))
        await problem_response(unsupported_characters(location), instance)(scope, receive, send)


def _form_location(body: bytes) -> str | None:
    if b"%00" not in body and b"\x00" not in body:
        return None
    return _in_pairs("body", parse_qsl(body.decode("latin-1"), keep_blank_values=True))
