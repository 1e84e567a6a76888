"""What the HTTP API accepts and returns."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ..domain import EmailStatus


class EmailQuery(BaseModel):
    """Filters and paging of the email list; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    recipient: str | None = Field(default=None, min_length=3, max_length=320, description="Exact address, any case.")
    status: EmailStatus | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class EmailSummary(BaseModel):
    """Which email it was (`kind`, its template id) and where it stands, never what it said; `recipient` is null
    once the recipient was erased."""

    id: UUID
    tenant: str
    recipient: str | None
    kind: str = Field(description="The template id, e.g. `reference-requested`.")
    status: EmailStatus
    queued_at: datetime
    sent_at: datetime | None
    failure: str | None


class EmailPage(BaseModel):
    items: list[EmailSummary]
    total: int
    limit: int
    offset: int


class EmailDetail(EmailSummary):
    """An email and what caused it. What it says (`subject`, the bodies) is shown only while it is queued: once it
    was sent or failed for good, its key is destroyed and they are null. The recipient is null once erased."""

    recipient_name: str | None
    subject: str | None
    reply_to: str
    text_body: str | None
    html_body: str | None
    message_id: str | None
    cause_id: str
    cause_type: str
