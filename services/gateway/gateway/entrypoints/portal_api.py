"""GET /: the applicant portal's landing page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ..tenants import TenantDirectory
from .portal_page import render_portal


def portal_router(tenants: TenantDirectory) -> APIRouter:
    page = render_portal(tenants)
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def portal() -> HTMLResponse:
        return HTMLResponse(page.html, headers={"content-security-policy": page.content_security_policy,
                                                "referrer-policy": "no-referrer"})

    return router
