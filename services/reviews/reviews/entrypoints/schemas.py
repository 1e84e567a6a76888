"""HTTP request and response bodies of the reviews API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..application import CaseFile
from ..domain import MAX_DESIGNATION_LENGTH, AuditEntry, ReviewCase, Status
from ..projections import CaseRow

CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"
MAX_PAGE = 100


class CaseListParams(BaseModel):
    """Filters and paging of the case queue; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)] | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class ApproveRequest(BaseModel):
    """Approve the case; both fields are optional."""

    model_config = ConfigDict(extra="forbid")

    designation: Annotated[str, StringConstraints(max_length=MAX_DESIGNATION_LENGTH)] | None = Field(
        default=None, description="A short qualifier of the endorsement, e.g. a specialisation; blank means none."
    )
    effective_date: date | None = Field(
        default=None, description="Defaults to today in the association's timezone; never in the future."
    )


class PersonOut(BaseModel):
    account_id: UUID
    name: str


class ApplicantOut(PersonOut):
    email: str


class DecisionOut(BaseModel):
    outcome: Status
    endorsement_id: UUID
    designation: str | None
    effective_date: date
    renewal_date: date
    decided_by: PersonOut
    decided_at: datetime


class AuditEntryOut(BaseModel):
    version: int
    action: str
    at: datetime
    by_account_id: UUID | None
    by_name: str | None
    by_role: str
    details: dict[str, str]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(version=entry.version, action=entry.action, at=entry.at, by_account_id=entry.by_account_id,
                   by_name=entry.by_name, by_role=entry.by_role, details=entry.details)


class CaseOut(BaseModel):
    id: UUID
    tenant: str
    application_id: UUID
    submission_number: int
    applicant: ApplicantOut
    category: str
    category_name: str
    rule_set_version: str
    received_at: datetime
    opened_at: datetime
    status: Status
    version: int
    decision: DecisionOut | None
    history: list[AuditEntryOut]

    @classmethod
    def of(cls, case_file: CaseFile) -> CaseOut:
        case = case_file.case
        return cls(
            id=case.id,
            tenant=case.tenant,
            application_id=case.application_id,
            submission_number=case.submission_number,
            applicant=ApplicantOut(account_id=case.applicant.account_id, name=case.applicant.name,
                                   email=case.applicant.email),
            category=case.category,
            category_name=case.category_name,
            rule_set_version=case.rule_set_version,
            received_at=case.received_at,
            opened_at=case.opened_at,
            status=case.status,
            version=case.version,
            decision=_decision(case),
            history=[AuditEntryOut.of(e) for e in case_file.history],
        )


def _decision(case: ReviewCase) -> DecisionOut | None:
    if (case.endorsement_id is None or case.decided_by is None or case.decided_at is None
            or case.effective_date is None or case.renewal_date is None):
        return None
    return DecisionOut(
        outcome=case.status,
        endorsement_id=case.endorsement_id,
        designation=case.designation,
        effective_date=case.effective_date,
        renewal_date=case.renewal_date,
        decided_by=PersonOut(account_id=case.decided_by.account_id, name=case.decided_by.name),
        decided_at=case.decided_at,
    )


class CaseSummaryOut(BaseModel):
    id: UUID
    application_id: UUID
    submission_number: int
    applicant_name: str
    category: str
    category_name: str
    status: Status
    received_at: datetime
    opened_at: datetime
    decided_at: datetime | None
    decided_by: UUID | None

    @classmethod
    def of(cls, row: CaseRow) -> CaseSummaryOut:
        return cls(**vars(row))


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    total: int
    limit: int
    offset: int
