"""The catch-all: every path no gateway route and no forwarded service route takes belongs to the portal.

Include this router LAST: FastAPI matches routes in the order they were added.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from .runtime import RuntimeDep

PORTAL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def portal_router() -> APIRouter:
    router = APIRouter()

    async def to_portal(request: Request, runtime: RuntimeDep) -> Response:
        refuse_other_methods_of_api_routes(request)
        return await runtime.portal.forward(request)

    router.add_api_route("/{path:path}", to_portal, methods=PORTAL_METHODS, include_in_schema=False)
    return router


def refuse_other_methods_of_api_routes(request: Request) -> None:
    """`GET /auth/login` stays a 405 of the API rather than a page request to the portal."""
    endpoint = request.scope.get("endpoint")
    routes: list[BaseRoute] = request.app.router.routes
    for route in routes:
        if getattr(route, "endpoint", None) is endpoint:
            return
        match, _ = route.matches(request.scope)
        if match == Match.PARTIAL:
            allowed = ", ".join(sorted(getattr(route, "methods", None) or ()))
            raise HTTPException(405, headers={"Allow": allowed} if allowed else None)
