"""Request and response bodies of the erasure and legal hold routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..application.erasures import Progress, Target
from ..domain.erasures import MAX_REASON_CHARS, Erasure, ErasureState, Hold
from .schemas import Email, Password

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REASON_CHARS), Field(
    description="Why, for the audit (kept for ever in the ledger): it must not name the person or hold their "
                "email; refer to a case or ticket number instead.",
    examples=["the person asked in writing, ticket 4711"])]
HELD_DETAIL = ("A legal hold covers this person's data: the request is recorded and runs when the hold is lifted. "
               "Nobody is told by email afterwards.")
ERASING_DETAIL = ("The request was received and runs now. The platform no longer knows the email address, so no "
                  "email comes afterwards.")


class NamedPerson(BaseModel):
    """Exactly one of `account_id` (an account of your association) and `rater_email` (a rater, who has none)."""

    model_config = ConfigDict(extra="forbid")

    account_id: UUID | None = None
    rater_email: Email | None = None
    reason: Reason

    @model_validator(mode="after")
    def _exactly_one_person(self) -> Self:
        if (self.account_id is None) == (self.rater_email is None):
            raise ValueError("give exactly one of account_id and rater_email")
        return self

    def target(self) -> Target:
        return Target(account_id=self.account_id, rater_email=self.rater_email)


class OwnErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password = Field(description="Your password: erasing an account asks for it again.")


class LiftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class OwnErasureOut(BaseModel):
    id: UUID
    state: ErasureState
    requested_at: datetime
    detail: str

    @classmethod
    def of(cls, erasure: Erasure) -> OwnErasureOut:
        return cls(id=erasure.id, state=erasure.state, requested_at=erasure.requested_at,
                   detail=HELD_DETAIL if erasure.state is ErasureState.HELD else ERASING_DETAIL)


class ErasureOut(BaseModel):
    id: UUID
    tenant: str
    subject: str = Field(description="`account:<uuid>` or `rater:<tenant>:<hex HMAC of the email>`: names nobody.")
    requested_by: str = Field(description="`account:<uuid>` of whoever asked, or `system`.")
    reason: str | None = Field(description="The coordinator's audited reason, or the retention rule's "
                               "(`retention: inactive for 7 years`) when `system` asked; null when the person asked.")
    requested_at: datetime
    state: ErasureState
    hold_id: UUID | None = Field(description="The hold that keeps it waiting (state `held`).")
    started_at: datetime | None
    done_at: datetime | None
    detail: str
    progress: dict[str, datetime | None] | None = Field(default=None, description=(
        "Each erasing service and when it answered (null: not yet); on GET /admin/erasures/{id} only."))

    @classmethod
    def of(cls, erasure: Erasure, progress: Progress | None = None) -> ErasureOut:
        return cls(id=erasure.id, tenant=erasure.tenant, subject=erasure.subject, requested_by=erasure.requested_by,
                   reason=erasure.reason, requested_at=erasure.requested_at, state=erasure.state,
                   hold_id=erasure.hold_id, started_at=erasure.started_at, done_at=erasure.done_at,
                   detail=HELD_DETAIL if erasure.state is ErasureState.HELD else ERASING_DETAIL,
                   progress=None if progress is None else progress.answers)


class ErasurePageOut(BaseModel):
    items: list[ErasureOut] = Field(description="Newest first.")
    limit: int
    offset: int


class HoldOut(BaseModel):
    id: UUID
    tenant: str
    subject: str
    reason: str
    placed_by: str
    placed_at: datetime
    active: bool
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None

    @classmethod
    def of(cls, hold: Hold) -> HoldOut:
        return cls(id=hold.id, tenant=hold.tenant, subject=hold.subject, reason=hold.reason, placed_by=hold.placed_by,
                   placed_at=hold.placed_at, active=hold.active, lifted_by=hold.lifted_by, lifted_at=hold.lifted_at,
                   lift_reason=hold.lift_reason)


class HoldPageOut(BaseModel):
    items: list[HoldOut] = Field(description="Newest first.")
    limit: int
    offset: int


class LiftedOut(BaseModel):
    hold: HoldOut
    started: list[ErasureOut] = Field(description="The subject's held erasures that run now (none while another "
                                                  "active hold still covers the subject).")
