"""Coordinator routes that decide a case: approve (also as emerging), approve for the exam, exam results, defer,
deny."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body

from ..domain import CaseNotFound
from .dependencies import ClockDep, Coordinator, ReviewsDep, TenantsDep, actor, tenant_of
from .requests import ApproveRequest, DeferRequest, DenyRequest, ExamResultRequest
from .schemas import CaseOut

router = APIRouter(prefix="/reviews/cases", tags=["decisions"])


@router.post("/{case_id}/approve", response_model=CaseOut)
def approve_case(case_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep,
                 clock: ClockDep, body: Annotated[ApproveRequest | None, Body()] = None) -> CaseOut:
    """Endorse the applicant (`EndorsementGranted`); 409 CASE_NOT_OPEN when the case was already decided. A renewal
    case renews its endorsement (`RenewalApproved`), a reinstatement case reinstates it (`EndorsementReinstated`)."""
    request = body or ApproveRequest()
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    now = clock()
    case_file = reviews.decisions.approve(
        case_id, tenant=tenant, by=actor(coordinator), designation=request.designation,
        effective_date=request.effective_date, emerging=request.emerging, now=now,
    )
    return CaseOut.of(case_file, now=now)


@router.post("/{case_id}/approve-for-exam", response_model=CaseOut)
def approve_for_exam(case_id: UUID, coordinator: Coordinator, reviews: ReviewsDep,
                     tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Approve the applicant to sit the exam their category requires (`ApprovedForExam`)."""
    tenant, now = tenant_of(tenants, coordinator, CaseNotFound), clock()
    return CaseOut.of(reviews.decisions.approve_for_exam(case_id, tenant=tenant, by=actor(coordinator), now=now),
                      now=now)


@router.post("/{case_id}/exam-results", response_model=CaseOut)
def record_exam_result(case_id: UUID, body: ExamResultRequest, coordinator: Coordinator, reviews: ReviewsDep,
                       tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Record one attempt's reconciled result (`ExamScored`); once every part passed the case can be approved."""
    tenant, now = tenant_of(tenants, coordinator, CaseNotFound), clock()
    case_file = reviews.decisions.record_exam_result(
        case_id, tenant=tenant, by=actor(coordinator), taken_on=body.taken_on,
        part1_percent=body.part1_percent, part2_passed=body.part2_passed, now=now,
    )
    return CaseOut.of(case_file, now=now)


@router.post("/{case_id}/defer", response_model=CaseOut)
def defer_case(case_id: UUID, body: DeferRequest, coordinator: Coordinator, reviews: ReviewsDep,
               tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Defer with reasons, recommended training/RSC and the earliest re-review date (`ApplicationDeferred`)."""
    tenant, now = tenant_of(tenants, coordinator, CaseNotFound), clock()
    case_file = reviews.decisions.defer(
        case_id, tenant=tenant, by=actor(coordinator), reasons=body.reasons,
        recommendations=body.recommendations, earliest_rereview_on=body.earliest_rereview_on, now=now,
    )
    return CaseOut.of(case_file, now=now)


@router.post("/{case_id}/deny", response_model=CaseOut)
def deny_case(case_id: UUID, body: DenyRequest, coordinator: Coordinator, reviews: ReviewsDep,
              tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Deny (`EndorsementDenied`), where the association's policy allows it."""
    tenant, now = tenant_of(tenants, coordinator, CaseNotFound), clock()
    return CaseOut.of(reviews.decisions.deny(case_id, tenant=tenant, by=actor(coordinator), reasons=body.reasons,
                                             now=now),
                      now=now)
