"""The signed-in person's name and email: read from the gateway per request, never kept in the session row.

The session row holds only the account's id, roles and flags (`sessions.ACCOUNT_FIELDS`). A page that shows the
name or email asks the gateway (`GET /auth/me`) through `current_profile`, at most once per request: the answer
is kept on `request.state`, which ends with the request. So after an erasure, when the gateway has deleted the
account, the portal holds nothing that names the person, and their next page signs them out.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request

from ..gateway_client import ApiError, ApiUnavailable, GatewayClient
from ..sessions import PortalSession

log = logging.getLogger(__name__)


def known_profile(request: Request) -> dict[str, Any] | None:
    """The profile this request has already read, if any (templates are rendered synchronously)."""
    profile = getattr(request.state, "profile", None)
    return profile if isinstance(profile, dict) else None


async def current_profile(request: Request) -> dict[str, Any] | None:
    """The account as the gateway shows it now (with name and email); None when signed out or unavailable.

    Raises the gateway's 401 (ApiError): the token is no longer valid (signed out elsewhere, expired, the account
    deleted after an erasure). Pages let it through to the error handler, which signs the person out."""
    if hasattr(request.state, "profile"):
        return known_profile(request)
    session: PortalSession = request.state.session
    if not session.signed_in:
        return None
    request.state.profile = None
    http = request.app.state.runtime.http
    try:
        me = await GatewayClient(http, session.access_token).get("/auth/me")
    except ApiError as exc:
        if exc.status == 401:
            raise
        log.warning("the account could not be read from the gateway: %s", exc.code)
        return None
    except ApiUnavailable:
        return None
    if not isinstance(me, dict):
        return None
    session.set_account(me)  # the roles or the confirmed email may have changed; saved only when they did
    request.state.profile = me
    return me
