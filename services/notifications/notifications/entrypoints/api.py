"""HTTP API for support staff: which emails went out to whom, and why one did not."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, FastAPI, Query, Request
from servicekit.identity import CurrentIdentity, require_role
from servicekit.refusals import Family, Refusals

from ..application import NotificationsApplication
from ..domain import Email, EmailNotFound, NotificationError
from ..templates import kinds
from .schemas import EmailDetail, EmailPage, EmailQuery, EmailSummary

ROLE = "coordinator"
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": title, "content": {"application/problem+json": {}}}
    for status, title in ((401, "Unauthenticated"), (403, "Forbidden"), (404, "Not found"), (422, "Invalid request"))
}

REFUSALS = Refusals(NotificationError, (Family(EmailNotFound, 404, "Email not found"),))
"""The domain's refusals as problems (`servicekit.refusals`); no other refusal reaches a route."""

SUMMARY_COLUMNS = "id, tenant, recipient, kind, status, queued_at, sent_at, failure"
FILTER = "tenant = $1 AND ($2::text IS NULL OR lower(recipient) = lower($2)) AND ($3::text IS NULL OR status = $3)"


def create_api(app: NotificationsApplication) -> FastAPI:
    api = FastAPI(title="Notifications", version="0.1.0", responses=PROBLEM_RESPONSES,
                  docs_url=None, redoc_url=None)  # API docs: the gateway's /docs (vendored, no CDN)
    api.include_router(_router(app))
    REFUSALS.install(api)
    return api


def _router(app: NotificationsApplication) -> APIRouter:
    router = APIRouter(prefix="/notifications", tags=["notifications"])

    @router.get("/emails", response_model=EmailPage, summary="Emails of the caller's association")
    async def list_emails(
        request: Request, identity: CurrentIdentity, query: Annotated[EmailQuery, Query()]
    ) -> EmailPage:
        require_role(identity, ROLE)
        pool: asyncpg.Pool = request.app.state.pool
        status = query.status.value if query.status else None
        async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            total = await conn.fetchval(
                f"SELECT count(*) FROM emails WHERE {FILTER}", identity.tenant, query.recipient, status
            )
            rows = await conn.fetch(
                f"SELECT {SUMMARY_COLUMNS} FROM emails WHERE {FILTER} ORDER BY queued_at DESC, id LIMIT $4 OFFSET $5",
                identity.tenant,
                query.recipient,
                status,
                query.limit,
                query.offset,
            )
        items = [EmailSummary.model_validate(dict(row)) for row in rows]
        return EmailPage(items=items, total=int(total), limit=query.limit, offset=query.offset)

    @router.get("/emails/{email_id}", response_model=EmailDetail, summary="One email, and its cause")
    def get_email(email_id: UUID, identity: CurrentIdentity) -> EmailDetail:
        require_role(identity, ROLE)
        try:
            email = app.get_email(email_id, tenant=identity.tenant)
        except EmailNotFound:
            raise EmailNotFound(f"no email {email_id} in your association") from None
        return _detail(email)

    return router


WITHHELD = "(withheld: this email carries a single-use link that lets anyone act as its recipient)"


def _detail(email: Email) -> EmailDetail:
    """The email; the bodies of a reference request, an email confirmation or a password reset are withheld, as
    their link lets anyone act as the recipient. What it said is null once it ended (its key is destroyed), and its
    recipient is null once they are erased."""
    secret = email.kind in kinds.SECRET_LINK_KINDS and not email.wording_gone
    return EmailDetail(
        id=email.id,
        tenant=email.tenant,
        recipient=email.recipient,
        recipient_name=email.recipient_name,
        kind=email.kind,
        subject=email.subject,
        status=email.status,
        queued_at=email.queued_at,
        sent_at=email.sent_at,
        failure=email.failure,
        reply_to=email.reply_to,
        text_body=WITHHELD if secret else email.text_body,
        html_body=WITHHELD if secret else email.html_body,
        message_id=email.message_id,
        cause_id=email.cause_id,
        cause_type=email.cause_type,
    )
