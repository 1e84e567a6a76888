"""Reviewer assignment (coordinator) and the reviewers' own routes (role `reviewer`, on the roster)."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body

from ..domain import CaseNotFound
from ..projections import list_assignments, workloads
from .dependencies import (
    ClockDep,
    CompetenciesDep,
    Coordinator,
    PoolDep,
    ReviewerIdentity,
    ReviewsDep,
    TenantsDep,
    actor,
    roster_member,
    tenant_of,
)
from .requests import (
    AssignReviewerRequest,
    DeclineRequest,
    InformationRequest,
    RecommendationRequest,
    WithdrawReviewerRequest,
)
from .reviewer_schemas import AssignmentPage, AssignmentSummaryOut, ReviewerCaseOut, ReviewerOut, SuggestionsOut
from .schemas import CaseOut

router = APIRouter(prefix="/reviews", tags=["reviewers"])


@router.get("/cases/{case_id}/reviewer-suggestions", response_model=SuggestionsOut)
async def suggest_reviewers(case_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep,
                            pool: PoolDep) -> SuggestionsOut:
    """Eligible reviewers without a conflict of interest, least open work first."""
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    candidates = await asyncio.to_thread(reviews.reviewing.suggested_reviewers, case_id, tenant=tenant)
    by_subject = await workloads(pool, tenant.slug)
    load = {r.email: by_subject.get(reviews.address_subject(tenant.slug, r.email), 0) for r in candidates}
    ranked = sorted(candidates, key=lambda r: (load[r.email], r.email))
    return SuggestionsOut(items=[ReviewerOut.of(r, load[r.email]) for r in ranked])


@router.post("/cases/{case_id}/reviewers", response_model=CaseOut)
def assign_reviewer(case_id: UUID, body: AssignReviewerRequest, coordinator: Coordinator,
                    reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Assign a reviewer from the roster (`ReviewerAssigned`); eligibility and conflicts are checked, and the
    case's review cycle must have opened (409 CYCLE_NOT_OPEN)."""
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    now = clock()
    return CaseOut.of(reviews.reviewing.assign_reviewer(case_id, tenant=tenant,
                                                        by=actor(coordinator), reviewer_email=str(body.email), now=now),
                      now=now)


@router.post("/cases/{case_id}/reviewers/withdraw", response_model=CaseOut)
def withdraw_reviewer(case_id: UUID, body: WithdrawReviewerRequest, coordinator: Coordinator,
                      reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Free a reviewer's slot for reassignment (before they recommended)."""
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    return CaseOut.of(reviews.reviewing.withdraw_reviewer(case_id, tenant=tenant,
                                                          by=actor(coordinator), reviewer_email=str(body.email),
                                                          reason=body.reason),
                      now=clock())


@router.get("/assignments", response_model=AssignmentPage)
async def get_my_assignments(reviewer: ReviewerIdentity, reviews: ReviewsDep, tenants: TenantsDep,
                             pool: PoolDep) -> AssignmentPage:
    """The caller's open assignments, oldest first."""
    member = roster_member(tenant_of(tenants, reviewer, CaseNotFound), reviewer)
    rows = await list_assignments(pool, reviewer.tenant, reviews.address_subject(reviewer.tenant, member.email))
    return AssignmentPage(items=[AssignmentSummaryOut.of(r) for r in rows])


@router.get("/assignments/{case_id}", response_model=ReviewerCaseOut)
def get_assigned_case(case_id: UUID, reviewer: ReviewerIdentity, reviews: ReviewsDep,
                      tenants: TenantsDep) -> ReviewerCaseOut:
    tenant = tenant_of(tenants, reviewer, CaseNotFound)
    member = roster_member(tenant, reviewer)
    case = reviews.reviewing.reviewer_case(case_id, tenant=tenant, reviewer_email=member.email)
    return ReviewerCaseOut.of(case, reviews.address_subject(tenant.slug, member.email))


def _answer(case_id: UUID, reviewer: ReviewerIdentity, reviews: ReviewsDep, tenants: TenantsDep,
            accept: bool, reason: str | None) -> ReviewerCaseOut:
    tenant = tenant_of(tenants, reviewer, CaseNotFound)
    member = roster_member(tenant, reviewer)
    case = reviews.reviewing.answer_assignment(case_id, tenant=tenant, by=actor(reviewer),
                                               reviewer_email=member.email, accept=accept, reason=reason)
    return ReviewerCaseOut.of(case, reviews.address_subject(tenant.slug, member.email))


@router.post("/assignments/{case_id}/accept", response_model=ReviewerCaseOut)
def accept_assignment(case_id: UUID, reviewer: ReviewerIdentity, reviews: ReviewsDep,
                      tenants: TenantsDep) -> ReviewerCaseOut:
    return _answer(case_id, reviewer, reviews, tenants, True, None)


@router.post("/assignments/{case_id}/decline")
def decline_assignment(case_id: UUID, reviewer: ReviewerIdentity, reviews: ReviewsDep, tenants: TenantsDep,
                       body: Annotated[DeclineRequest | None, Body()] = None) -> dict[str, str]:
    """Decline; the case leaves the caller's queue and the coordinator assigns someone else."""
    _answer(case_id, reviewer, reviews, tenants, False, (body or DeclineRequest()).reason)
    return {"status": "declined"}


@router.post("/assignments/{case_id}/recommendation", response_model=ReviewerCaseOut)
def recommend(case_id: UUID, body: RecommendationRequest, reviewer: ReviewerIdentity, reviews: ReviewsDep,
              tenants: TenantsDep, competencies: CompetenciesDep) -> ReviewerCaseOut:
    """Submit the recommendation; the last one required concludes the review (consensus or escalation)."""
    tenant = tenant_of(tenants, reviewer, CaseNotFound)
    member = roster_member(tenant, reviewer)
    case = reviews.reviewing.recommend(
        case_id, tenant=tenant, by=actor(reviewer), reviewer_email=member.email,
        recommendation=body.recommendation, comments_for_applicant=body.comments_for_applicant,
        private_notes=body.private_notes, domains_met=body.domains_met,
        checklist=[tick.item() for tick in body.checklist], competencies=competencies,
    )
    return ReviewerCaseOut.of(case, reviews.address_subject(tenant.slug, member.email))


@router.post("/assignments/{case_id}/request-information", response_model=ReviewerCaseOut)
def reviewer_requests_information(case_id: UUID, body: InformationRequest, reviewer: ReviewerIdentity,
                                  reviews: ReviewsDep, tenants: TenantsDep) -> ReviewerCaseOut:
    """Ask the applicant for more; the case pauses until the application is resubmitted."""
    tenant = tenant_of(tenants, reviewer, CaseNotFound)
    member = roster_member(tenant, reviewer)
    case = reviews.intake.request_information(case_id, tenant=tenant, by=actor(reviewer),
                                              items=body.items, message=body.message, reviewer_email=member.email)
    return ReviewerCaseOut.of(case, reviews.address_subject(tenant.slug, member.email))
