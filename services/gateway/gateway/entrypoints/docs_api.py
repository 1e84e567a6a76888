"""GET /openapi.json (the whole public API in one document), /docs (Swagger UI), /redoc and their vendored assets.

The viewers are vendored under `gateway/static/` and served from `/docs/assets/…` (the portal owns `/static/`), so
both pages work offline under a Content-Security-Policy without remote origins or inline scripts.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastapi.routing
from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from servicekit.problems import Problem

from ..application.openapi_catalog import UpstreamDocuments
from ..application.openapi_merge import Access, merge_openapi
from ..forwarding.routes import FORWARDED_ROUTES
from .dependencies import current_session, optional_session
from .runtime import get_runtime

STATIC = Path(__file__).resolve().parents[1] / "static"
OPENAPI_URL = "/openapi.json"
ASSETS = "/docs/assets"


@dataclass(frozen=True)
class Asset:
    file: Path
    media_type: str


ASSET_FILES = {
    "swagger-ui/swagger-ui-bundle.js": Asset(STATIC / "vendor/swagger-ui-dist/swagger-ui-bundle.js",
                                             "text/javascript; charset=utf-8"),
    "swagger-ui/swagger-ui.css": Asset(STATIC / "vendor/swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"),
    "redoc/redoc.standalone.js": Asset(STATIC / "vendor/redoc/redoc.standalone.js", "text/javascript; charset=utf-8"),
    "swagger-init.js": Asset(STATIC / "docs/swagger-init.js", "text/javascript; charset=utf-8"),
    "redoc-init.js": Asset(STATIC / "docs/redoc-init.js", "text/javascript; charset=utf-8"),
}
"""The only files served under /docs/assets/ (an allow-list: no directory is exposed)."""

def _policy(*, style_src: str, worker_src: str | None = None) -> str:
    return "; ".join(part for part in (
        "default-src 'none'",
        "script-src 'self'",  # no 'unsafe-inline', no 'unsafe-eval': both viewers run without (checked in Chromium)
        f"style-src {style_src}",
        "img-src 'self' data:",  # Swagger UI's icons are data: SVGs in its stylesheet
        "font-src 'self'",
        "connect-src 'self'",  # the document itself, and Swagger UI's "Try it out" calls to this gateway
        f"worker-src {worker_src}" if worker_src else "",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ) if part)


SWAGGER_CSP = _policy(style_src="'self'")
REDOC_CSP = _policy(
    # ReDoc styles itself with styled-components, which inserts <style> elements at run time: without
    # 'unsafe-inline' for styles it does not render at all. Scripts stay 'self' only.
    style_src="'self' 'unsafe-inline'",
    # ReDoc's search index runs in a Web Worker built from a Blob of its own bundle; without it search finds nothing.
    worker_src="blob:",
)
"""ReDoc's sidebar also shows Redocly's logo from cdn.redoc.ly: img-src blocks it (no request leaves the browser)
and ReDoc then hides the image."""
_PAGE_HEADERS = {"referrer-policy": "no-referrer", "x-content-type-options": "nosniff", "cache-control": "no-cache"}


def install_docs(api: FastAPI) -> None:
    """Replace FastAPI's /openapi.json with the merged public document; add /docs, /redoc and their assets."""
    api.router.routes[:] = [route for route in api.router.routes if getattr(route, "path", None) != OPENAPI_URL]
    api.openapi_url = OPENAPI_URL
    api.state.upstream_documents = UpstreamDocuments()
    api.include_router(_router(api))


def gateway_access(api: FastAPI) -> dict[tuple[str, str], Access]:
    """Which of the gateway's own documented operations need (or accept) a session, read from their dependencies."""
    access: dict[tuple[str, str], Access] = {}
    for route in _documented_routes(api):
        calls = set(_calls(route.dependant))
        level = (Access.REQUIRED if current_session in calls
                 else Access.OPTIONAL if optional_session in calls else Access.NONE)
        for method in route.methods or ():
            access[(route.path_format, method.lower())] = level
    return access


def _documented_routes(api: FastAPI) -> Iterator[Any]:
    """The application's API routes with their full paths, through included routers (FastAPI >= 0.16x includes
    routers lazily: `iter_route_contexts` walks them; older versions list the routes themselves)."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: Iterable[Any] = iterate(api.routes) if iterate is not None else api.routes
    for route in routes:
        if isinstance(getattr(route, "original_route", route), APIRoute) and route.include_in_schema:
            yield route


def _calls(dependant: Dependant) -> list[object]:
    found: list[object] = [dependant.call] if dependant.call is not None else []
    for sub in dependant.dependencies:
        found.extend(_calls(sub))
    return found


def _router(api: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(OPENAPI_URL)
    async def openapi(request: Request) -> JSONResponse:
        runtime = get_runtime(request)
        documents: UpstreamDocuments = request.app.state.upstream_documents
        upstreams = await documents.current(runtime.client, runtime.settings.upstream_replicas())
        document = merge_openapi(api.openapi(), gateway_access(api), upstreams, FORWARDED_ROUTES)
        return JSONResponse(document, headers={"cache-control": "no-cache"})

    @router.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(_page("Swagger UI", stylesheet="swagger-ui/swagger-ui.css", root_id="swagger-ui",
                                  scripts=("swagger-ui/swagger-ui-bundle.js", "swagger-init.js")),
                            headers={**_PAGE_HEADERS, "content-security-policy": SWAGGER_CSP})

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return HTMLResponse(_page("ReDoc", stylesheet=None, root_id="redoc",
                                  scripts=("redoc/redoc.standalone.js", "redoc-init.js")),
                            headers={**_PAGE_HEADERS, "content-security-policy": REDOC_CSP})

    @router.get(ASSETS + "/{name:path}")
    async def asset(name: str) -> Response:
        found = ASSET_FILES.get(name)
        if found is None:
            raise Problem(404, "Not found", "no such documentation asset", code="NOT_FOUND")
        return Response(_read(found.file), media_type=found.media_type, headers={
            "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff"})

    return router


@cache
def _read(file: Path) -> bytes:
    return file.read_bytes()


def _page(viewer: str, *, stylesheet: str | None, root_id: str, scripts: tuple[str, ...]) -> str:
    title = html.escape(f"Endorsement API - {viewer}")
    style = f'<link rel="stylesheet" href="{ASSETS}/{stylesheet}">' if stylesheet else ""
    script_tags = "".join(f'<script src="{ASSETS}/{script}"></script>' for script in scripts)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>{style}'
            f'</head><body><div id="{root_id}" data-openapi-url="{OPENAPI_URL}"></div>{script_tags}</body></html>')
