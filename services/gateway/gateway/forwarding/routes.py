"""Which public paths go to which service, and whether they need an account."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ForwardedRoute:
    path: str
    """Route template, as FastAPI matches it."""
    upstream: str
    """Name of the service (its URL comes from the settings)."""
    authenticated: bool
    """True: 401 without a session. False: forwarded anyway, with an identity only when a session is given."""


FORWARDED_ROUTES = (
    ForwardedRoute("/applications", "applications", authenticated=True),
    ForwardedRoute("/applications/{path:path}", "applications", authenticated=True),
    ForwardedRoute("/reviews/{path:path}", "reviews", authenticated=True),
    ForwardedRoute("/notifications/{path:path}", "notifications", authenticated=True),
    ForwardedRoute("/credentials", "credentials", authenticated=False),
    ForwardedRoute("/credentials/{path:path}", "credentials", authenticated=False),
    ForwardedRoute("/tenants/{slug}/did.json", "credentials", authenticated=False),
    ForwardedRoute("/status-lists/{path:path}", "credentials", authenticated=False),
    ForwardedRoute("/registry/{path:path}", "credentials", authenticated=False),
    ForwardedRoute("/references/{path:path}", "applications", authenticated=False),
)

FORWARDED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

UPLOAD_PATHS = (
    re.compile(r"^/applications/[^/]+/documents/?$"),
    re.compile(r"^/apply/[^/]+/documents(/[^/]+)?/?$"),  # the portal's upload form, passed on to the API
)
"""POSTs here carry documents (multipart): their bodies may reach MAX_UPLOAD_BYTES instead of MAX_BODY_BYTES."""
