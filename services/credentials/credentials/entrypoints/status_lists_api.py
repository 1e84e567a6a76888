"""`GET /status-lists/{tenant}/{purpose}`: a tenant's signed BitstringStatusListCredential, cacheable.

`Cache-Control: public, max-age=<ttl>` (the same time as the list's `ttl`), a strong `ETag` (a hash of
the exact body), and `304 Not Modified` when the client's `If-None-Match` names it.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC
from email.utils import format_datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from servicekit.problems import Problem

from credentials.adapters.status_lists import PublishedStatusList, StatusListPublisher
from credentials.domain.status_list import StatusPurpose
from credentials.entrypoints.negotiation import preferred_media_type

MEDIA_TYPES = ("application/json", "application/vc", "application/ld+json")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def status_lists_router(publisher: StatusListPublisher) -> APIRouter:
    router = APIRouter(tags=["public"])

    @router.get("/status-lists/{tenant}/{purpose}", summary="A tenant's signed status list (revocation or suspension)",
                response_class=Response, responses={200: {"content": {"application/json": {}}}, 304: {}})
    async def status_list(tenant: str, purpose: str, request: Request) -> Response:
        if not _SLUG.match(tenant) or purpose not in {p.value for p in StatusPurpose}:
            raise _not_found(tenant, purpose)
        published = await asyncio.to_thread(publisher.get, tenant, StatusPurpose(purpose))
        if published is None:
            raise _not_found(tenant, purpose)
        headers = {
            "Cache-Control": f"public, max-age={publisher.ttl_seconds}",
            "ETag": published.etag,
            "Vary": "Accept",
            "Last-Modified": _http_date(published),
        }
        if _matches(request.headers.get("if-none-match"), published.etag):
            return Response(status_code=304, headers=headers)
        media_type = preferred_media_type(request.headers.get("accept"), MEDIA_TYPES)
        return Response(published.body, media_type=media_type, headers=headers)

    return router


def _matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison against each listed tag, or `*`."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _http_date(published: PublishedStatusList) -> str:
    return format_datetime(published.changed_at.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_found(tenant: str, purpose: str) -> Problem:
    detail = f"no {purpose[:20]!r} status list of {tenant[:40]!r} is published here"
    return Problem(404, "Status list not found", detail, code="STATUS_LIST_NOT_FOUND")
