"""HTTP bodies of the endorsement register."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..application import EndorsementFile
from ..domain import EndorsementStatus
from ..projections import EndorsementRow
from .schemas import CATEGORY_CODE, MAX_PAGE, ApplicantOut, AuditEntryOut


class EndorsementListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: EndorsementStatus | None = None
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)] | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class EndorsementSummaryOut(BaseModel):
    id: UUID
    review_case_id: UUID
    application_id: UUID
    holder_account_id: UUID
    holder_name: str | None = Field(description="None once the person was erased (docs/erasure.md).")
    category: str
    category_name: str
    designation: str | None
    status: EndorsementStatus
    effective_date: date
    renewal_date: date
    removal_date: date
    emerging_until: date | None
    granted_at: datetime
    changed_at: datetime

    @classmethod
    def of(cls, row: EndorsementRow) -> EndorsementSummaryOut:
        return cls(**vars(row))


class EndorsementPage(BaseModel):
    items: list[EndorsementSummaryOut]
    total: int
    limit: int
    offset: int


class EndorsementOut(BaseModel):
    id: UUID
    tenant: str
    review_case_id: UUID
    application_id: UUID
    holder: ApplicantOut
    category: str
    category_name: str
    designation: str | None
    status: EndorsementStatus
    effective_date: date
    renewal_date: date
    removal_date: date
    emerging_until: date | None
    renewals: list[int]
    version: int
    history: list[AuditEntryOut]

    @classmethod
    def of(cls, file: EndorsementFile) -> EndorsementOut:
        e = file.endorsement
        return cls(
            id=e.id, tenant=e.tenant, review_case_id=e.review_case_id, application_id=e.application_id,
            holder=ApplicantOut(account_id=e.holder.account_id, name=e.holder.name, email=e.holder.email),
            category=e.category, category_name=e.category_name, designation=e.designation, status=e.status,
            effective_date=e.effective_date, renewal_date=e.renewal_date, removal_date=e.removal_date,
            emerging_until=e.emerging_until, renewals=list(e.renewals), version=e.version,
            history=[AuditEntryOut.of(h) for h in file.history],
        )
