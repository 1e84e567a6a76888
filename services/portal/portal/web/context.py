"""Per request: the browser's session, the association's profile and the language, put on request.state."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from ..config import PortalSettings
from ..gateway_client import ApiError, ApiUnavailable, GatewayClient
from ..sessions import PortalSession, SessionStore, new_session
from .i18n import LANGUAGES, current_language, current_timezone, negotiate
from .profile import current_profile
from .security import is_https

log = logging.getLogger(__name__)
COOKIE = "portal_session"
UNTRACKED_PREFIXES = ("/static/", "/portal/healthz", "/portal/livez", "/portal/readyz", "/favicon.ico")
FALLBACK_TENANT: dict[str, Any] = {
    "slug": "", "name": "Endorsement portal", "short_name": "Endorsement", "timezone": "UTC",
    "languages": ["en", "es"], "default_language": "en", "categories": {}, "contact_email": "", "website": "",
}


class TenantProfile:
    """The association's public profile from the gateway, cached for a few minutes."""

    def __init__(self, slug: str | None, ttl_seconds: float = 300.0) -> None:
        self._slug = slug
        self._ttl = ttl_seconds
        self._profile: dict[str, Any] | None = None
        self._loaded_at = 0.0

    async def get(self, http: httpx.AsyncClient) -> dict[str, Any]:
        if self._profile is not None and time.monotonic() - self._loaded_at < self._ttl:
            return self._profile
        client = GatewayClient(http)
        try:
            slug = self._slug
            if not slug:
                listed = await client.get("/tenants")
                items = listed.get("items", listed.get("tenants", [])) if isinstance(listed, dict) else listed
                first = items[0] if items else None
                slug = first if isinstance(first, str) else (first or {}).get("slug")
            if slug:
                profile = await client.get(f"/tenants/{slug}/profile")
                if isinstance(profile, dict):
                    self._profile = {**FALLBACK_TENANT, **profile}
                    self._loaded_at = time.monotonic()
                    self._slug = slug
        except (ApiError, ApiUnavailable, LookupError, AttributeError, TypeError):
            log.warning("the association's profile could not be read from the gateway")
        return self._profile or {**FALLBACK_TENANT, "slug": self._slug or ""}


@dataclass
class Runtime:
    """What the pages share: settings, the gateway's HTTP client, the session store, the tenant profile."""

    settings: PortalSettings
    http: httpx.AsyncClient
    store: SessionStore
    tenant: TenantProfile


def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def choose_language(request: Request, session: PortalSession | None, tenant: dict[str, Any]) -> str:
    """The session's choice, then the account's, then Accept-Language, then the association's default."""
    offered = [lang for lang in tenant.get("languages") or LANGUAGES if lang in LANGUAGES] or list(LANGUAGES)
    for candidate in (session.language if session else None,
                      (session.account or {}).get("language") if session else None):
        if candidate in offered:
            return str(candidate)
    negotiated = negotiate(request.headers.get("accept-language"), offered)
    if negotiated:
        return negotiated
    default = tenant.get("default_language")
    return str(default) if default in offered else offered[0]


def _shows_a_page(request: Request, session: PortalSession) -> bool:
    """A whole page (GET, not an htmx fragment); for an unconfirmed email any request, since its banner names the
    address on every page, a form's error page included."""
    if not (session.account or {}).get("email_verified", True):
        return True
    return request.method == "GET" and request.headers.get("hx-request") != "true"


def use_language(request: Request, language: str) -> None:
    """Show this request in `language` (e.g. a rater's link says ?lang=es)."""
    if language in LANGUAGES:
        request.state.lang = language
        current_language.set(language)


def rotate_session(request: Request) -> PortalSession:
    """A new session id and CSRF token (at sign-in, against fixation); the old row is deleted afterwards."""
    old: PortalSession = request.state.session
    fresh = new_session(timedelta(hours=runtime(request).settings.session_ttl_hours))
    fresh.language = old.language
    request.state.session = fresh
    return fresh


def end_session(request: Request) -> PortalSession:
    """Sign out: the row is deleted and the browser gets a fresh, anonymous session (the language is kept)."""
    return rotate_session(request)


async def _read_profile(request: Request) -> None:
    """Once per signed-in page: the gateway's view of the account (name and email for the page, kept on the
    request only). A token the gateway no longer knows (an account deleted after an erasure, a sign-out
    elsewhere) ends the session here, so the page is served signed out: an account page goes to sign-in."""
    try:
        await current_profile(request)
    except ApiError:  # only a 401 comes through: other refusals leave the page without the name
        end_session(request)


async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    if request.url.path.startswith(UNTRACKED_PREFIXES):
        return await call_next(request)
    rt = runtime(request)
    cookie = request.cookies.get(COOKIE)
    session = await rt.store.load(cookie) if cookie else None
    if session is None:
        session = new_session(timedelta(hours=rt.settings.session_ttl_hours))
    request.state.session = session
    if session.signed_in and _shows_a_page(request, session):
        await _read_profile(request)
        session = request.state.session
    tenant = await rt.tenant.get(rt.http)
    request.state.tenant = tenant
    current_timezone.set(str(tenant.get("timezone") or "UTC"))
    use_language(request, choose_language(request, session, tenant))

    response = await call_next(request)

    final: PortalSession = request.state.session
    if cookie and final.id != cookie:
        await rt.store.delete(cookie)
    if final.dirty:
        await rt.store.save(final)
    if final.id != cookie:
        max_age = max(0, int((final.expires_at - datetime.now(UTC)).total_seconds()))
        secure = is_https(request) or rt.settings.environment == "production"
        response.set_cookie(COOKIE, final.id, max_age=max_age, path="/", httponly=True, samesite="lax",
                            secure=secure)
    return response
