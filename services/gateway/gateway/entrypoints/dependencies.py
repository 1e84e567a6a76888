"""Who is calling: the session behind the bearer token, required or optional."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..domain.errors import InvalidSession, Unauthenticated
from ..domain.sessions import ActiveSession
from .runtime import RuntimeDep


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def current_session(request: Request, runtime: RuntimeDep) -> ActiveSession:
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("log in first and send the access token as 'Authorization: Bearer <token>'")
    return await runtime.auth.authenticate(token)


async def optional_session(request: Request, runtime: RuntimeDep) -> ActiveSession | None:
    """The caller's session if a valid one is presented; anything else counts as anonymous."""
    token = bearer_token(request)
    if token is None:
        return None
    try:
        return await runtime.auth.authenticate(token)
    except InvalidSession:
        return None


CurrentSession = Annotated[ActiveSession, Depends(current_session)]
OptionalSession = Annotated[ActiveSession | None, Depends(optional_session)]
