"""HTTP response bodies (and the query parameters) of the coordinator's case API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..application import CaseFile
from ..domain import Assignment, AuditEntry, CaseKind, ReviewCase, Status
from ..domain.examination.aggregate import examination_id_for
from ..projections import CaseRow, StateStay

CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"
CYCLE_ID = r"^[0-9A-Za-z][0-9A-Za-z-]{0,39}$"
MAX_PAGE = 100


class CaseListParams(BaseModel):
    """Filters and paging of the case queue; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)] | None = None
    kind: CaseKind | None = None
    cycle: Annotated[str, StringConstraints(pattern=CYCLE_ID)] | None = Field(
        default=None, description="A review cycle, e.g. `2026-Q4`."
    )
    waiting: bool | None = Field(default=None, description="Only cases that wait (or no longer wait) for their "
                                 "cycle to open.")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class PersonOut(BaseModel):
    account_id: UUID
    name: str | None = Field(description="None once the person was erased (docs/erasure.md).")


class ApplicantOut(PersonOut):
    email: str | None = Field(description="None once the person was erased (docs/erasure.md).")


class DecisionOut(BaseModel):
    outcome: Status
    decided_by: PersonOut
    decided_at: datetime
    endorsement_id: UUID | None = None
    designation: str | None = None
    effective_date: date | None = None
    renewal_date: date | None = None
    emerging: bool = False
    emerging_until: date | None = None
    reasons: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    earliest_rereview_on: date | None = None


class ChecklistTickOut(BaseModel):
    area: str
    met: bool
    section: str | None
    note: str | None


class RecommendationOut(BaseModel):
    recommendation: str
    at: datetime
    comments_for_applicant: str | None
    domains_met: list[str]
    checklist: list[ChecklistTickOut] = Field(default_factory=list)


class AssignmentOut(BaseModel):
    email: str | None = Field(description="None once the reviewer was erased (docs/erasure.md).")
    name: str | None
    slot: int
    status: str
    assigned_at: datetime
    recommendation: RecommendationOut | None

    @classmethod
    def of(cls, a: Assignment) -> AssignmentOut:
        r = a.recommendation
        return cls(email=a.email, name=a.name, slot=a.slot, status=a.status, assigned_at=a.assigned_at,
                   recommendation=None if r is None else RecommendationOut(
                       recommendation=r.kind, at=r.at, comments_for_applicant=r.comments_for_applicant,
                       domains_met=list(r.domains_met),
                       checklist=[ChecklistTickOut(**t.as_dict()) for t in r.checklist]))


class ReviewOut(BaseModel):
    reviewers_required: int
    sequential: bool
    blind: bool
    assignments: list[AssignmentOut]
    consensus: str | None


class ExamOut(BaseModel):
    attempts: int
    parts_passed: list[int]
    retake_eligible_on: date | None
    examination_id: UUID | None = Field(default=None, description="Once approved for the exam: `/reviews/exams/{id}`.")


class CycleOut(BaseModel):
    id: str
    opens_at: datetime
    deadline: datetime
    waiting: bool = Field(description="The cycle has not opened yet: no reviewer is assigned and nothing decided.")


class StateStayOut(BaseModel):
    state: str
    entered_at: datetime
    left_at: datetime | None
    hours: float

    @classmethod
    def of(cls, stay: StateStay) -> StateStayOut:
        return cls(state=stay.state, entered_at=stay.entered_at, left_at=stay.left_at,
                   hours=round(stay.seconds / 3600, 2))


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
    kind: CaseKind
    application_id: UUID
    endorsement_id: UUID | None = Field(description="A renewal's or reinstatement's endorsement; for an "
                                        "application, the one its approval granted.")
    renewal_year: int | None
    cycle: CycleOut | None = Field(description="The review cycle; none on rolling intake.")
    submission_number: int
    latest_submission: int
    applicant: ApplicantOut
    category: str
    category_name: str
    rule_set_version: str
    received_at: datetime
    opened_at: datetime
    status: Status
    version: int
    requested_items: list[str]
    review: ReviewOut
    exam: ExamOut
    decision: DecisionOut | None
    history: list[AuditEntryOut]
    time_in_state: list[StateStayOut] = Field(
        default_factory=list, description="Each stay in a state, from the reports read model (GET only)."
    )

    @classmethod
    def of(cls, case_file: CaseFile, *, now: datetime,
           time_in_state: list[StateStay] | None = None) -> CaseOut:
        case = case_file.case
        return cls(
            id=case.id, tenant=case.tenant, kind=case.kind, application_id=case.application_id,
            endorsement_id=case.endorsement_id, renewal_year=case.renewal_year, cycle=cycle_of(case, now),
            submission_number=case.submission_number, latest_submission=case.latest_submission,
            applicant=ApplicantOut(account_id=case.applicant.account_id, name=case.applicant.name,
                                   email=case.applicant.email),
            category=case.category, category_name=case.category_name, rule_set_version=case.rule_set_version,
            received_at=case.received_at, opened_at=case.opened_at, status=case.status, version=case.version,
            requested_items=list(case.requested_items),
            review=ReviewOut(reviewers_required=case.reviewers_required, sequential=case.sequential,
                             blind=case.blind, assignments=[AssignmentOut.of(a) for a in case.assignments.values()],
                             consensus=case.consensus),
            exam=ExamOut(attempts=case.exam.attempts, parts_passed=sorted(case.exam.parts_passed),
                         retake_eligible_on=case.exam.retake_eligible_on,
                         examination_id=(examination_id_for(case.id) if any(
                             h.action == "approved_for_exam" for h in case_file.history) else None)),
            decision=decision_of(case),
            history=[AuditEntryOut.of(e) for e in case_file.history],
            time_in_state=[StateStayOut.of(s) for s in time_in_state or ()],
        )


def cycle_of(case: ReviewCase, now: datetime) -> CycleOut | None:
    if case.cycle is None or case.cycle_opens_at is None or case.cycle_deadline is None:
        return None
    return CycleOut(id=case.cycle, opens_at=case.cycle_opens_at, deadline=case.cycle_deadline,
                    waiting=case.is_waiting(now))


def decision_of(case: ReviewCase) -> DecisionOut | None:
    if case.decided_by is None or case.decided_at is None:
        return None
    return DecisionOut(
        outcome=case.status, decided_by=PersonOut(account_id=case.decided_by.account_id, name=case.decided_by.name),
        decided_at=case.decided_at, endorsement_id=case.endorsement_id, designation=case.designation,
        effective_date=case.effective_date, renewal_date=case.renewal_date, emerging=case.emerging,
        emerging_until=case.emerging_until, reasons=list(case.decision_reasons),
        recommendations=list(case.recommendations), earliest_rereview_on=case.earliest_rereview_on,
    )


class CaseSummaryOut(BaseModel):
    id: UUID
    application_id: UUID
    submission_number: int
    latest_submission: int
    applicant_name: str | None = Field(description="None once the person was erased (docs/erasure.md).")
    category: str
    category_name: str
    status: Status
    received_at: datetime
    opened_at: datetime
    status_since: datetime
    decided_at: datetime | None
    decided_by: UUID | None
    kind: CaseKind
    cycle: str | None
    cycle_opens_at: datetime | None
    waiting: bool

    @classmethod
    def of(cls, row: CaseRow) -> CaseSummaryOut:
        return cls(**vars(row))


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    total: int
    limit: int
    offset: int
