"""HTTP response bodies a reviewer sees: their queue and a case as far as the blind policy lets them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from ..domain import ReviewCase, Reviewer
from ..projections import AssignmentRow
from .schemas import ApplicantOut, AssignmentOut


class AssignmentSummaryOut(BaseModel):
    case_id: UUID
    application_id: UUID
    applicant_name: str | None = Field(description="None once the person was erased (docs/erasure.md).")
    category: str
    category_name: str
    case_status: str
    slot: int
    status: str
    assigned_at: datetime
    answered_at: datetime | None
    recommendation: str | None
    recommended_at: datetime | None
    cycle: str | None

    @classmethod
    def of(cls, row: AssignmentRow) -> AssignmentSummaryOut:
        return cls(**vars(row))


class AssignmentPage(BaseModel):
    items: list[AssignmentSummaryOut]


class ReviewerCaseOut(BaseModel):
    """No audit trail and no private notes; others' recommendations only as the blind policy allows."""

    id: UUID
    application_id: UUID
    latest_submission: int
    applicant: ApplicantOut
    category: str
    category_name: str
    rule_set_version: str
    received_at: datetime
    status: str
    requested_items: list[str]
    assignment: AssignmentOut
    visible_assignments: list[AssignmentOut]

    @classmethod
    def of(cls, case: ReviewCase, reviewer: str) -> ReviewerCaseOut:
        """The case as the reviewer (by the subject of their address) may see it."""
        own = case.assignment_of(reviewer)
        return cls(
            id=case.id, application_id=case.application_id, latest_submission=case.latest_submission,
            applicant=ApplicantOut(account_id=case.applicant.account_id, name=case.applicant.name,
                                   email=case.applicant.email),
            category=case.category, category_name=case.category_name, rule_set_version=case.rule_set_version,
            received_at=case.received_at, status=case.status, requested_items=list(case.requested_items),
            assignment=AssignmentOut.of(own),
            visible_assignments=[AssignmentOut.of(a) for a in case.visible_assignments(reviewer)],
        )


class ReviewerOut(BaseModel):
    email: str
    name: str
    category: str
    employer: str | None
    open_assignments: int

    @classmethod
    def of(cls, reviewer: Reviewer, open_assignments: int) -> ReviewerOut:
        return cls(email=reviewer.email, name=reviewer.name, category=reviewer.category, employer=reviewer.employer,
                   open_assignments=open_assignments)


class SuggestionsOut(BaseModel):
    items: list[ReviewerOut]
