"""The examination API (paths `/reviews/exams/...`). The examinee (role `applicant`) registers and asks for
accommodations on their own examination; the coordinator does the same on a written request and runs results,
scoring, reconciliation and feedback; a scorer (role `scorer`, on the association's roster) sees and scores their
assignments blind."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query
from servicekit.identity import CurrentIdentity, Identity, require_role

from ..config import Tenant
from ..domain import Reviewer, normalised_email
from ..domain.errors import ExaminationNotFound, ScoringAssignmentNotFound
from ..projections.examinations import (
    ExaminationQuery,
    examinations_of,
    list_examinations,
    scoring_exam_id,
    scoring_queue,
)
from ..use_cases.examinations import ExaminationFile
from .dependencies import COORDINATOR, ClockDep, Coordinator, PoolDep, ReviewsDep, TenantsDep, actor, tenant_of
from .examination_schemas import (
    AccommodationsDecisionRequest,
    AccommodationsRequest,
    ExaminationOut,
    ExamListParams,
    ExamPage,
    ExamSummaryOut,
    FeedbackRequest,
    OwnExamOut,
    OwnExamPage,
    Part1Request,
    ReconcileRequest,
    RegistrationRequest,
    ScoreRequest,
    ScorerRequest,
    ScoringOut,
    ScoringPage,
    ScoringRequest,
    WithdrawRegistrationRequest,
    WithdrawScorerRequest,
    passes,
)

APPLICANT = "applicant"
SCORER = "scorer"

router = APIRouter(prefix="/reviews", tags=["exam"])


@dataclass(frozen=True)
class Candidate:
    """The examinee acting on their own examination, or a coordinator acting on their written request."""

    identity: Identity
    applicant_id: UUID | None


def examinee_or_coordinator(identity: CurrentIdentity) -> Candidate:
    if identity.has_role(COORDINATOR):
        return Candidate(identity, None)
    require_role(identity, APPLICANT)
    return Candidate(identity, identity.account_id)


def current_applicant(identity: CurrentIdentity) -> Identity:
    require_role(identity, APPLICANT)
    return identity


def current_scorer(identity: CurrentIdentity) -> Identity:
    require_role(identity, SCORER)
    return identity


CandidateDep = Annotated[Candidate, Depends(examinee_or_coordinator)]
ApplicantIdentity = Annotated[Identity, Depends(current_applicant)]
ScorerIdentity = Annotated[Identity, Depends(current_scorer)]


def scorer_member(tenant: Tenant, identity: Identity) -> Reviewer:
    """The scorer the caller is on the association's roster; anyone else has nothing to score."""
    scorer = tenant.policy.exam.scorers.get(normalised_email(identity.email))
    if scorer is None:
        raise ScoringAssignmentNotFound("you are not on this association's roster of exam scorers")
    return scorer


def _full(exam_file: ExaminationFile, tenant: Tenant, clock: ClockDep) -> ExaminationOut:
    return ExaminationOut.of(exam_file, today=tenant.today(clock()), rules=tenant.policy.exam)


# The examinee ---------------------------------------------------------------------------------------


@router.get("/exams/mine", response_model=OwnExamPage)
async def get_my_exams(
    applicant: ApplicantIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep, clock: ClockDep
) -> OwnExamPage:
    """The caller's examinations: status, results, feedback, and the sittings open to them now."""
    tenant = tenant_of(tenants, applicant, ExaminationNotFound)
    ids = await examinations_of(pool, tenant.slug, applicant.account_id)
    exams = [
        await asyncio.to_thread(reviews.get_examination, i, tenant.slug, applicant_id=applicant.account_id) for i in ids
    ]
    today = tenant.today(clock())
    return OwnExamPage(items=[OwnExamOut.of(e, today=today, rules=tenant.policy.exam) for e in exams])


@router.post("/exams/{exam_id}/registrations", response_model=OwnExamOut)
def register(
    exam_id: UUID,
    body: RegistrationRequest,
    caller: CandidateDep,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> OwnExamOut:
    """Register every part not yet passed for a sitting (`ExamRegistered`); retakes keep the notice and wait."""
    tenant, now = tenant_of(tenants, caller.identity, ExaminationNotFound), clock()
    exam = reviews.register_for_exam(
        exam_id,
        tenant=tenant,
        by=actor(caller.identity),
        applicant_id=caller.applicant_id,
        sitting_on=body.sitting,
        accommodations=body.accommodations,
        now=now,
    )
    return OwnExamOut.of(exam, today=tenant.today(now), rules=tenant.policy.exam)


@router.post("/exams/{exam_id}/registrations/withdraw", response_model=OwnExamOut)
def withdraw_registration(
    exam_id: UUID,
    caller: CandidateDep,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
    body: Annotated[WithdrawRegistrationRequest | None, Body()] = None,
) -> OwnExamOut:
    """Withdraw before the sitting; no attempt is counted."""
    tenant, now = tenant_of(tenants, caller.identity, ExaminationNotFound), clock()
    exam = reviews.withdraw_exam_registration(
        exam_id,
        tenant=tenant,
        by=actor(caller.identity),
        applicant_id=caller.applicant_id,
        reason=(body or WithdrawRegistrationRequest()).reason,
        now=now,
    )
    return OwnExamOut.of(exam, today=tenant.today(now), rules=tenant.policy.exam)


@router.post("/exams/{exam_id}/accommodations", response_model=OwnExamOut)
def request_accommodations(
    exam_id: UUID,
    body: AccommodationsRequest,
    caller: CandidateDep,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> OwnExamOut:
    """Ask for accommodations at the registered sitting, at least `accommodations_notice_weeks` before it."""
    tenant, now = tenant_of(tenants, caller.identity, ExaminationNotFound), clock()
    exam = reviews.request_accommodations(
        exam_id,
        tenant=tenant,
        by=actor(caller.identity),
        applicant_id=caller.applicant_id,
        details=body.details,
        now=now,
    )
    return OwnExamOut.of(exam, today=tenant.today(now), rules=tenant.policy.exam)


# The coordinator ------------------------------------------------------------------------------------


@router.get("/exams", response_model=ExamPage)
async def list_exams(
    coordinator: Coordinator, tenants: TenantsDep, pool: PoolDep, params: Annotated[ExamListParams, Query()]
) -> ExamPage:
    """The association's examinations by sitting, filterable by sitting and status."""
    tenant = tenant_of(tenants, coordinator, ExaminationNotFound)
    rows, total = await list_examinations(
        pool,
        ExaminationQuery(
            tenant=tenant.slug, sitting=params.sitting, status=params.status, limit=params.limit, offset=params.offset
        ),
    )
    return ExamPage(items=[ExamSummaryOut.of(r) for r in rows], total=total, limit=params.limit, offset=params.offset)


@router.get("/exams/{exam_id}", response_model=ExaminationOut)
def get_exam(
    exam_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep
) -> ExaminationOut:
    tenant = tenant_of(tenants, coordinator, ExaminationNotFound)
    return _full(reviews.examination_file(exam_id, tenant.slug), tenant, clock)


@router.post("/exams/{exam_id}/accommodations/decision", response_model=ExaminationOut)
def decide_accommodations(
    exam_id: UUID,
    body: AccommodationsDecisionRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    tenant = tenant_of(tenants, coordinator, ExaminationNotFound)
    exam_file = reviews.decide_accommodations(
        exam_id,
        tenant=tenant,
        by=actor(coordinator),
        granted=body.granted,
        note=body.note,
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/part1", response_model=ExaminationOut)
def record_part1(
    exam_id: UUID,
    body: Part1Request,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    """The multiple-choice result; when it completes the attempt's results, the case records them."""
    tenant, now = tenant_of(tenants, coordinator, ExaminationNotFound), clock()
    exam_file = reviews.record_part1(
        exam_id, tenant=tenant, by=actor(coordinator), percent=body.percent, now=now
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/scoring", response_model=ExaminationOut)
def open_scoring(
    exam_id: UUID,
    body: ScoringRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    """Hand the vignette responses to two distinct, eligible, unconflicted scorers."""
    tenant, now = tenant_of(tenants, coordinator, ExaminationNotFound), clock()
    exam_file = reviews.open_scoring(
        exam_id,
        tenant=tenant,
        by=actor(coordinator),
        scorer_emails=[str(e) for e in body.scorers],
        responses_ref=body.responses_ref,
        vignettes=body.vignettes,
        due_on=body.due_on,
        now=now,
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/scorers", response_model=ExaminationOut)
def assign_scorer(
    exam_id: UUID,
    body: ScorerRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    """Replace a withdrawn scorer, or, once the two disagree, ask a third to break the tie."""
    tenant, now = tenant_of(tenants, coordinator, ExaminationNotFound), clock()
    exam_file = reviews.assign_scorer(
        exam_id,
        tenant=tenant,
        by=actor(coordinator),
        scorer_email=str(body.email),
        due_on=body.due_on,
        now=now,
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/scorers/withdraw", response_model=ExaminationOut)
def withdraw_scorer(
    exam_id: UUID,
    body: WithdrawScorerRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    tenant = tenant_of(tenants, coordinator, ExaminationNotFound)
    exam_file = reviews.withdraw_scorer(
        exam_id,
        tenant=tenant,
        by=actor(coordinator),
        scorer_email=str(body.email),
        reason=body.reason,
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/reconciliation", response_model=ExaminationOut)
def reconcile(
    exam_id: UUID,
    body: ReconcileRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    """Decide the vignettes the scorers disagree on (all responses' verdicts are given)."""
    tenant, now = tenant_of(tenants, coordinator, ExaminationNotFound), clock()
    exam_file = reviews.reconcile_part2(
        exam_id,
        tenant=tenant,
        by=actor(coordinator),
        verdicts=passes(body.vignettes),
        note=body.note,
        now=now,
    )
    return _full(exam_file, tenant, clock)


@router.post("/exams/{exam_id}/feedback", response_model=ExaminationOut)
def send_feedback(
    exam_id: UUID,
    body: FeedbackRequest,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    clock: ClockDep,
) -> ExaminationOut:
    """Feedback to the examinee on their latest concluded attempt, whatever its outcome."""
    tenant = tenant_of(tenants, coordinator, ExaminationNotFound)
    exam_file = reviews.send_exam_feedback(
        exam_id, tenant=tenant, by=actor(coordinator), text=body.text
    )
    return _full(exam_file, tenant, clock)


# The scorers ----------------------------------------------------------------------------------------


@router.get("/scoring", response_model=ScoringPage)
async def get_my_scoring(
    scorer: ScorerIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep
) -> ScoringPage:
    """The caller's assignments still to score, the earliest due first."""
    member = scorer_member(tenant_of(tenants, scorer, ScoringAssignmentNotFound), scorer)
    rows = await scoring_queue(pool, scorer.tenant, reviews.address_subject(scorer.tenant, member.email))
    return ScoringPage(items=[ScoringOut.of_row(r) for r in rows])


async def _exam_behind(pool: PoolDep, reviews: ReviewsDep, tenant: Tenant, assignment_id: UUID,
                       member: Reviewer) -> UUID:
    exam_id = await scoring_exam_id(pool, tenant.slug, assignment_id, reviews.address_subject(tenant.slug,
                                                                                              member.email))
    if exam_id is None:
        raise ScoringAssignmentNotFound(f"no scoring assignment {assignment_id}")
    return exam_id


@router.get("/scoring/{assignment_id}", response_model=ScoringOut)
async def get_scoring(
    assignment_id: UUID, scorer: ScorerIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep
) -> ScoringOut:
    tenant = tenant_of(tenants, scorer, ScoringAssignmentNotFound)
    member = scorer_member(tenant, scorer)
    exam_id = await _exam_behind(pool, reviews, tenant, assignment_id, member)
    view = await asyncio.to_thread(
        reviews.scoring_view, exam_id, assignment_id, tenant=tenant, scorer_email=member.email
    )
    return ScoringOut.of(view)


@router.post("/scoring/{assignment_id}", response_model=ScoringOut)
async def score(
    assignment_id: UUID,
    body: ScoreRequest,
    scorer: ScorerIdentity,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    pool: PoolDep,
    clock: ClockDep,
) -> ScoringOut:
    """Pass or fail per vignette response, once; the second scorer's verdicts reconcile the part or escalate it."""
    tenant = tenant_of(tenants, scorer, ScoringAssignmentNotFound)
    member = scorer_member(tenant, scorer)
    exam_id = await _exam_behind(pool, reviews, tenant, assignment_id, member)
    view = await asyncio.to_thread(
        reviews.submit_score,
        exam_id,
        assignment_id,
        tenant=tenant,
        by=actor(scorer),
        scorer_email=member.email,
        verdicts=passes(body.vignettes),
        comments=body.comments,
        now=clock(),
    )
    return ScoringOut.of(view)
