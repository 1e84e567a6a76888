"""Passes every request no gateway or service route takes on to the portal (server-rendered pages)."""

from __future__ import annotations

import logging
from html import escape

import httpx
from servicekit.problems import Problem
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from .targets import has_dot_segment, redacted, target_url

log = logging.getLogger(__name__)

PORTAL_REQUEST_HEADERS = (
    "cookie",
    "accept-language",
    "content-type",
    "accept",
    "hx-request",
    "hx-current-url",
    "hx-target",
    "referer",
    "origin",
    "user-agent",
    "x-request-id",
)
PORTAL_RESPONSE_HEADERS = (
    "location",
    "content-type",
    "content-disposition",
    "cache-control",
    "etag",
    "content-security-policy",
    "referrer-policy",
    "x-content-type-options",
    "x-frame-options",
    "permissions-policy",
    "vary",
    "hx-redirect",
    "hx-push-url",
    "hx-trigger",
)

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body>
<main>
<h1>{title}</h1>
<p>{detail}</p>
<p lang="es">El portal no está disponible en este momento. Vuelva a intentarlo en unos minutos.</p>
</main>
</body>
</html>
"""


class PortalForwarder:
    def __init__(self, client: httpx.AsyncClient, portal_url: str) -> None:
        self._client = client
        self._url = portal_url

    async def forward(self, request: Request) -> Response:
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        if has_dot_segment(raw_path):
            raise Problem(400, "Invalid path", "paths with '.' or '..' segments are not forwarded",
                          code="INVALID_PATH")
        url = target_url(self._url, raw_path, request.scope.get("query_string", b""))
        headers = {name: request.headers[name] for name in PORTAL_REQUEST_HEADERS if name in request.headers}
        headers |= {
            "accept-encoding": "identity",  # bodies come back byte for byte, without a content-encoding to pass on
            "x-forwarded-proto": request.url.scheme,
            "x-forwarded-host": request.headers.get("host", ""),
            "x-forwarded-for": request.client.host if request.client else "",
        }
        body = await request.body()
        upstream = self._client.build_request(request.method, url, content=body or None, headers=headers)
        try:
            answer = await self._client.send(upstream, stream=True)
        except httpx.TimeoutException:
            log.warning("%s %s: the portal timed out", request.method, redacted(request.url.path))
            return unavailable(request, 504, "The portal did not answer in time",
                               "The portal did not answer in time. Please try again in a minute.", "PORTAL_TIMEOUT")
        except httpx.TransportError as exc:
            log.warning("%s %s: the portal is unreachable (%s)", request.method, redacted(request.url.path),
                        type(exc).__name__)
            return unavailable(request, 503, "The portal is unavailable",
                               "The portal is not available at the moment. Please try again in a few minutes.",
                               "PORTAL_UNAVAILABLE")
        returned = {name: answer.headers[name] for name in PORTAL_RESPONSE_HEADERS if name in answer.headers}
        response = StreamingResponse(answer.aiter_raw(), status_code=answer.status_code, headers=returned,
                                     background=BackgroundTask(answer.aclose))
        for cookie in answer.headers.get_list("set-cookie"):
            response.headers.append("set-cookie", cookie)
        return response


def unavailable(request: Request, status: int, title: str, detail: str, code: str) -> Response:
    """An HTML page for browsers, a problem for everyone else."""
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(UNAVAILABLE_PAGE.format(title=escape(title), detail=escape(detail)), status_code=status,
                            headers={"retry-after": "30", "cache-control": "no-store"})
    raise Problem(status, title, detail, code=code)
