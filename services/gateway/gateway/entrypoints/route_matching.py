"""Which requests the gateway's API takes (its own routes that read a body, and the forwarded ones), known before
routing: everything else goes to the portal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.routing import APIRoute
from starlette.routing import compile_path
from starlette.types import Scope

from ..forwarding.routes import FORWARDED_METHODS, FORWARDED_ROUTES
from . import auth_api, erasures_api


@dataclass(frozen=True)
class ApiPath:
    template: str
    pattern: re.Pattern[str]
    methods: frozenset[str]


def _api_paths() -> tuple[ApiPath, ...]:
    own = [ApiPath(route.path, route.path_regex, frozenset(route.methods or ()))
           for router in (auth_api.router, erasures_api.me_router, erasures_api.admin_router)
           for route in router.routes if isinstance(route, APIRoute)]
    forwarded = [ApiPath(route.path, compile_path(route.path)[0], frozenset(FORWARDED_METHODS))
                 for route in FORWARDED_ROUTES]
    return (*own, *forwarded)


API_PATHS = _api_paths()


def api_route(scope: Scope) -> str | None:
    """The template of the API route that takes this request (`/auth/signup`, `/applications/{path:path}`), if
    any; None for the portal's (and for the gateway's own GET-only pages)."""
    method, path = scope.get("method", ""), scope.get("path", "")
    for api in API_PATHS:
        if method in api.methods and api.pattern.match(path):
            return api.template
    return None


def goes_to_portal(scope: Scope) -> bool:
    """For requests with a body: the portal answers them (its forms), pages and errors alike."""
    return api_route(scope) is None
