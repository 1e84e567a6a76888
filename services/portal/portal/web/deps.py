"""Annotated dependencies every page uses: the session, the gateway client, sign-in and CSRF checks."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from ..config import PortalSettings
from ..gateway_client import GatewayClient, trace_context
from ..sessions import PortalSession
from .context import runtime
from .security import CsrfFailed, csrf_matches, submitted_csrf_token
from .unstorable import refuse_unstorable_form


class SignInRequired(Exception):
    """The page needs an account: answered with a 303 to the sign-in page, which comes back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"/account/sign-in?next={quote(self.next_path, safe='/')}"


async def get_session(request: Request) -> PortalSession:
    session: PortalSession = request.state.session
    return session


async def get_lang(request: Request) -> str:
    return str(request.state.lang)


async def get_tenant(request: Request) -> dict[str, Any]:
    tenant: dict[str, Any] = request.state.tenant
    return tenant


async def get_settings(request: Request) -> PortalSettings:
    return runtime(request).settings


async def get_api(request: Request) -> GatewayClient:
    session: PortalSession = request.state.session
    return GatewayClient(runtime(request).http, session.access_token if session.signed_in else None,
                         str(request.state.lang), trace_context(request.headers))


async def signed_in(request: Request) -> PortalSession:
    session: PortalSession = request.state.session
    if not session.signed_in:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path if request.method == "GET" else "/dashboard")
    return session


async def csrf_checked(request: Request) -> None:
    session: PortalSession = request.state.session
    if session.is_new or not csrf_matches(session.csrf_token, await submitted_csrf_token(request)):
        raise CsrfFailed()
    await refuse_unstorable_form(request)  # every POST route is CSRF-checked: so every form is checked here


SessionDep = Annotated[PortalSession, Depends(get_session)]
ApiDep = Annotated[GatewayClient, Depends(get_api)]
SignedIn = Annotated[PortalSession, Depends(signed_in)]
CsrfChecked = Annotated[None, Depends(csrf_checked)]
LangDep = Annotated[str, Depends(get_lang)]
TenantDep = Annotated[dict[str, Any], Depends(get_tenant)]
SettingsDep = Annotated[PortalSettings, Depends(get_settings)]
