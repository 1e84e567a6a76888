"""The review's outcome on an application, as the applicant and coordinators see it (`ApplicationOut.review`)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from ..domain import Application, Status


class InformationRequestOut(BaseModel):
    stage: str = Field(description="`completeness` (returned as incomplete before review) or `review`.")
    items: list[str] = Field(description="What to add or change before resubmitting.")
    message: str | None
    requested_at: datetime


class DeferralOut(BaseModel):
    reasons: list[str]
    recommendations: list[str] = Field(description="Recommended training and reflective supervision.")
    earliest_rereview_on: date = Field(description="The first date (the association's) a resubmission is accepted.")
    deferred_at: datetime


class ExamResultOut(BaseModel):
    attempt: int
    taken_on: date
    passed: bool
    retake_eligible_on: date | None


class EndorsementOut(BaseModel):
    endorsement_id: UUID
    effective_date: date
    renewal_date: date
    emerging_until: date | None


class ReviewCycleOut(BaseModel):
    """The review cycle (intake window) of the latest submission's review case."""

    cycle_id: str = Field(description="e.g. `2026-Q4` (quarterly) or `2026-03` (monthly).", examples=["2026-Q4"])
    opens_at: datetime | None = Field(description="When the cycle's review starts; the case waits until then.")
    deadline: datetime | None = Field(description="When the cycle's intake closes.")
    waiting: bool = Field(description="The cycle has not opened yet: the case waits for it (no review until then).")


class ReviewOut(BaseModel):
    """What the review asked or decided. Returned and deferred applications are editable again."""

    in_response_to: str | None = Field(
        description="What the latest submission answered: `information_request` or `deferral`; null for a first "
        "submission."
    )
    information_request: InformationRequestOut | None = Field(description="While returned: what is asked.")
    deferral: DeferralOut | None = Field(description="While deferred: why, and from when to resubmit.")
    exam_results: list[ExamResultOut]
    endorsement: EndorsementOut | None
    denial_reasons: list[str]
    decided_at: datetime | None
    cycle: ReviewCycleOut | None = Field(
        description="The review cycle the latest submission's case belongs to; null until a case is opened, and on "
        "rolling intake (no cycles).")

    @classmethod
    def of(cls, application: Application, now: datetime) -> ReviewOut:
        request, deferral, endorsement = application.information_request, application.deferral, application.endorsement
        case = application.review_case
        return cls(
            cycle=ReviewCycleOut(cycle_id=case.cycle.id, opens_at=case.cycle.opens_at, deadline=case.cycle.deadline,
                                 waiting=case.waits_for_cycle(now))
            if case is not None and case.cycle is not None
            else None,
            in_response_to=application.in_response_to,
            information_request=InformationRequestOut(
                stage=request.stage,
                items=list(request.items),
                message=request.message,
                requested_at=request.requested_at,
            )
            if request is not None and application.status is Status.RETURNED
            else None,
            deferral=DeferralOut(
                reasons=list(deferral.reasons),
                recommendations=list(deferral.recommendations),
                earliest_rereview_on=deferral.earliest_rereview_on,
                deferred_at=deferral.deferred_at,
            )
            if deferral is not None and application.status is Status.DEFERRED
            else None,
            exam_results=[ExamResultOut(**vars(r)) for r in application.exam_results],
            endorsement=EndorsementOut(
                endorsement_id=endorsement.endorsement_id,
                effective_date=endorsement.effective_date,
                renewal_date=endorsement.renewal_date,
                emerging_until=endorsement.emerging_until,
            )
            if endorsement is not None
            else None,
            denial_reasons=list(application.denial_reasons),
            decided_at=application.decided_at,
        )
