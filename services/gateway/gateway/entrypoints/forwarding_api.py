"""The forwarded prefixes: each becomes a route that passes the request on to its service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response

from ..domain.errors import EmailNotVerified
from ..forwarding.routes import FORWARDED_METHODS, FORWARDED_ROUTES, ForwardedRoute
from .dependencies import CurrentSession, OptionalSession
from .runtime import RuntimeDep

Endpoint = Callable[..., Awaitable[Response]]
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def forwarding_router() -> APIRouter:
    router = APIRouter()
    for route in FORWARDED_ROUTES:
        router.add_api_route(route.path, _endpoint_for(route), methods=FORWARDED_METHODS, include_in_schema=False)
    return router


def _endpoint_for(route: ForwardedRoute) -> Endpoint:
    if route.authenticated:
        async def forward_with_identity(request: Request, runtime: RuntimeDep, session: CurrentSession) -> Response:
            if request.method not in READING_METHODS and not session.account.may_change_data(
                    runtime.settings.require_verified_email):
                raise EmailNotVerified("confirm your email address first: open the link we emailed you (or ask "
                                       "for a new one with POST /auth/email-verification/resend)")
            token = runtime.signer.token_for(session.account)
            return await runtime.forwarder.forward(request, route.upstream, token)

        return forward_with_identity

    async def forward_public(request: Request, runtime: RuntimeDep, session: OptionalSession) -> Response:
        token = None if session is None else runtime.signer.token_for(session.account)
        return await runtime.forwarder.forward(request, route.upstream, token)

    return forward_public
