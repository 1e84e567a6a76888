"""Reading a request body in ASGI middleware and handing it on unchanged."""

from __future__ import annotations

from starlette.types import Message, Receive


def replaying(body: bytes, receive: Receive, *, more: bool = False) -> Receive:
    """A `receive` that first delivers `body` (already read by the middleware) as one message, then defers to the
    original `receive` (for the rest of a body when `more`, or for a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": more}

    return replay
