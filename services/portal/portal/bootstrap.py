"""Composition root: build(settings) -> the portal's FastAPI app (pages, static files, sessions, error pages)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .config import PortalSettings
from .gateway_client import ApiError, ApiUnavailable
from .pages import account, dashboard, home, rater, verify
from .pages import apply as apply_pages
from .sessions import PostgresSessionStore, SessionStore
from .web.context import Runtime, TenantProfile, end_session, request_context
from .web.deps import SignInRequired
from .web.i18n import load_catalogs
from .web.security import SECURITY_HEADERS, CsrfFailed, security_headers
from .web.templating import redirect, render
from .web.unstorable import UnstorableText, unstorable_text_page

log = logging.getLogger("portal")
access_log = logging.getLogger("portal.access")
STATIC_DIR = Path(__file__).resolve().parent / "static"
PURGE_EVERY_SECONDS = 600
PROBE_PATHS = ("/portal/livez", "/portal/readyz", "/portal/healthz")
"""Liveness, readiness, and /portal/healthz (= readiness, kept for the launcher): not logged, no session."""
DATABASE_WAIT_SECONDS = 2.0
READINESS_TIMEOUT_SECONDS = 1.0
# single-use links carry their secret in the path: never log it
_SECRET_PATHS = re.compile(r"^/(rate|account/verify|account/password/reset)/[^/]+")


def redact(path: str) -> str:
    return _SECRET_PATHS.sub(lambda m: f"/{m.group(1)}/***", path)


def install_error_pages(app: FastAPI) -> None:
    async def on_csrf(request: Request, exc: Exception) -> Response:
        return render(request, "errors/403.html", status_code=403)

    async def on_sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return redirect(request, exc.location)

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        return render(request, "errors/503.html", status_code=503, headers={"retry-after": "30"})

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if exc.status == 401 and getattr(request.state, "session", None) is not None:
            # the gateway no longer knows the token (expired, signed out elsewhere): sign in again
            end_session(request)
            return redirect(request, str(SignInRequired(request.url.path).location))
        if exc.status == 404:
            return render(request, "errors/404.html", status_code=404)
        return render(request, "errors/problem.html", status_code=exc.status if exc.status < 500 else 503,
                      problem=exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            return render(request, "errors/404.html", status_code=405)
        if exc.status_code == 404 or exc.status_code >= 500:
            return render(request, "errors/404.html", status_code=404)
        return render(request, "errors/problem.html", status_code=exc.status_code,
                      problem=ApiError(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail), ""))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, redact(request.url.path))
        # this handler answers from outside every middleware: the security headers are added here
        headers = {**SECURITY_HEADERS, "cache-control": "no-store"}
        try:
            return render(request, "errors/500.html", status_code=500, headers=headers)
        except Exception:  # noqa: BLE001 - the error page itself failed: plain text, still no stack trace
            return Response("Something went wrong. Please try again later.", status_code=500, headers=headers)

    app.add_exception_handler(CsrfFailed, on_csrf)
    app.add_exception_handler(UnstorableText, unstorable_text_page)
    app.add_exception_handler(SignInRequired, on_sign_in)
    app.add_exception_handler(ApiUnavailable, on_unavailable)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


async def _purge_loop(store: SessionStore) -> None:
    while True:
        try:
            removed = await store.purge_expired()
            if removed:
                log.info("removed %d expired sessions", removed)
        except Exception:
            log.warning("could not remove expired sessions; will retry", exc_info=True)
        await asyncio.sleep(PURGE_EVERY_SECONDS)


def build(settings: PortalSettings, *, store: SessionStore | None = None,
          transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The portal. Tests pass a `store` (no database) and a `transport` (a fake gateway)."""
    load_catalogs()
    # httpx logs every request's URL at INFO, and the gateway's URLs carry raters' single-use tokens
    logging.getLogger("httpx").setLevel(logging.WARNING)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool: asyncpg.Pool | None = None
        sessions = store
        if sessions is None:
            # bounded connecting and commands: a dead database gives an error page quickly, not a hang
            pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10,
                                             timeout=DATABASE_WAIT_SECONDS, command_timeout=10.0)
            app.state.session_pool = pool
            await PostgresSessionStore.create_schema(pool)
            sessions = PostgresSessionStore(pool, settings.portal_session_key.get_secret_value())
        # Idle connections are dropped before the gateway's uvicorn closes them (5 s keep-alive): a request sent
        # on a connection the server is closing gets no answer, and a POST cannot safely be sent again.
        http = httpx.AsyncClient(base_url=settings.gateway_url, transport=transport,
                                 limits=httpx.Limits(keepalive_expiry=2.0),
                                 timeout=settings.gateway_timeout_seconds, follow_redirects=False)
        app.state.runtime = Runtime(settings, http, sessions, TenantProfile(settings.portal_tenant))
        purge = asyncio.create_task(_purge_loop(sessions))
        try:
            yield
        finally:
            purge.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purge
            await http.aclose()
            if pool is not None:
                await pool.close()

    app = FastAPI(title="Endorsement portal", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    install_error_pages(app)

    @app.get("/portal/livez", include_in_schema=False)
    async def livez() -> JSONResponse:
        """The process answers; never fails for the database or the gateway (a restart would not help)."""
        return JSONResponse({"status": "ok"})

    @app.get("/portal/readyz", include_in_schema=False)
    @app.get("/portal/healthz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Ready when the session database answers within READINESS_TIMEOUT_SECONDS; else a 503 problem."""
        return await _readiness(getattr(request.app.state, "session_pool", None), request.url.path)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (home, account, rater, verify, dashboard, apply_pages):
        app.include_router(module.router)

    # the last added middleware runs first: headers wrap everything, the access log wraps the page context
    app.middleware("http")(request_context)
    app.middleware("http")(_access_log)
    app.middleware("http")(security_headers)
    return app


async def _readiness(pool: asyncpg.Pool | None, path: str) -> JSONResponse:
    if pool is None:  # sessions kept elsewhere (tests): nothing to wait for
        return JSONResponse({"status": "ok", "checks": {"database": "not used"}})
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS), pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        database = f"failing: {type(exc).__name__}"
        body = {"type": "https://endorsement.example/problems/not-ready", "title": "Not ready", "status": 503,
                "detail": "failing: database", "instance": path, "code": "NOT_READY", "failing": ["database"],
                "checks": {"database": database}}
        return JSONResponse(body, status_code=503, media_type="application/problem+json",
                            headers={"Retry-After": "2"})
    return JSONResponse({"status": "ok", "checks": {"database": "ok"}})


async def _access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    if not request.url.path.startswith(("/static/", *PROBE_PATHS)):
        access_log.info("%s %s %s %.0fms", request.method, redact(request.url.path), response.status_code,
                        (time.perf_counter() - started) * 1000,
                        extra={"correlation_id": request.headers.get("x-request-id")})
    return response
