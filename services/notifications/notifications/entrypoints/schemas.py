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
    id: UUID
    tenant: str
    recipient: str
    kind: str
    subject: str
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
    """An email as it was (or will be) sent, and what caused it."""

    recipient_name: str
    reply_to: str
    text_body: str
    html_body: str
    message_id: str | None
    cause_id: str
    cause_type: str
