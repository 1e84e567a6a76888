"""The examination API (paths `/reviews/exams/...`). The examinee (role `applicant`) registers and asks for
accommodations on their own examination; the coordinator does the same on a written request and runs results,
scoring, reconciliation and feedback; a scorer (role `scorer`, on the association's roster) sees and scores their
assignments blind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Body, Depends, Query
from servicekit.clock import Clock
from servicekit.identity import CurrentIdentity, Identity, require_role

from ..application import Reviews
from ..config import Tenant, TenantCatalog
from ..domain import Actor, Reviewer, normalised_email
from ..domain.errors import ExaminationNotFound, ScoringAssignmentNotFound
from ..domain.examination.aggregate import Examination
from ..projections.examinations import (
    ExaminationQuery,
    examinations_of,
    list_examinations,
    scoring_exam_id,
    scoring_queue,
)
from ..use_cases.examinations import ExaminationFile
from .dependencies import (
    COORDINATOR,
    ClockDep,
    Coordinator,
    PoolDep,
    ReviewsDep,
    TenantsDep,
    actor,
    caller_in_role,
    tenant_of,
)
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

current_applicant = caller_in_role(APPLICANT)
current_scorer = caller_in_role(SCORER)

ApplicantIdentity = Annotated[Identity, Depends(current_applicant)]
ScorerIdentity = Annotated[Identity, Depends(current_scorer)]


@dataclass(frozen=True)
class ExamDesk:
    """What a command on one examination works with: the caller (`applicant_id`: the examinee acting for
    themselves; None: the coordinator), the store, the associations and business time. The caller's association
    is looked up when the route runs, after the request is validated."""

    identity: Identity
    applicant_id: UUID | None
    reviews: Reviews
    tenants: TenantCatalog
    clock: Clock

    def tenant(self) -> Tenant:
        return tenant_of(self.tenants, self.identity, ExaminationNotFound)


def candidate_desk(identity: CurrentIdentity, reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> ExamDesk:
    """The examinee acting on their own examination, or a coordinator acting on their written request."""
    if identity.has_role(COORDINATOR):
        return ExamDesk(identity, None, reviews, tenants, clock)
    require_role(identity, APPLICANT)
    return ExamDesk(identity, identity.account_id, reviews, tenants, clock)


def coordinator_desk(coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> ExamDesk:
    return ExamDesk(coordinator, None, reviews, tenants, clock)


CandidateDesk = Annotated[ExamDesk, Depends(candidate_desk)]
CoordinatorDesk = Annotated[ExamDesk, Depends(coordinator_desk)]

# A command given the caller's association, who acts and (for the examinee's commands) the business time.
OwnCommand = Callable[[Tenant, Actor, datetime], Examination]
CoordinatorCommand = Callable[[Tenant, Actor], ExaminationFile]


def scorer_member(tenant: Tenant, identity: Identity) -> Reviewer:
    """The scorer the caller is on the association's roster; anyone else has nothing to score."""
    scorer = tenant.policy.exam.scorers.get(normalised_email(identity.email))
    if scorer is None:
        raise ScoringAssignmentNotFound("you are not on this association's roster of exam scorers")
    return scorer


def _own(desk: ExamDesk, command: OwnCommand) -> OwnExamOut:
    """Run a command on the caller's own examination (or, for a coordinator, on the examinee's request), at one
    business time, and answer with the examinee's view of it."""
    tenant, now = desk.tenant(), desk.clock()
    exam = command(tenant, actor(desk.identity), now)
    return OwnExamOut.of(exam, today=tenant.today(now), rules=tenant.policy.exam)


def _coordinated(desk: ExamDesk, command: CoordinatorCommand) -> ExaminationOut:
    """Run a coordinator's command and answer with the examination in full."""
    tenant = desk.tenant()
    exam_file = command(tenant, actor(desk.identity))
    return ExaminationOut.of(exam_file, today=tenant.today(desk.clock()), rules=tenant.policy.exam)


# The examinee ---------------------------------------------------------------------------------------


@router.get("/exams/mine", response_model=OwnExamPage)
async def get_my_exams(
    applicant: ApplicantIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep, clock: ClockDep
) -> OwnExamPage:
    """The caller's examinations: status, results, feedback, and the sittings open to them now."""
    tenant = tenant_of(tenants, applicant, ExaminationNotFound)
    ids = await examinations_of(pool, tenant.slug, applicant.account_id)
    exams = [
        await asyncio.to_thread(reviews.examinations.get_examination, i, tenant.slug,
                                applicant_id=applicant.account_id)
        for i in ids
    ]
    today = tenant.today(clock())
    return OwnExamPage(items=[OwnExamOut.of(e, today=today, rules=tenant.policy.exam) for e in exams])


@router.post("/exams/{exam_id}/registrations", response_model=OwnExamOut)
def register(exam_id: UUID, body: RegistrationRequest, desk: CandidateDesk) -> OwnExamOut:
    """Register every part not yet passed for a sitting (`ExamRegistered`); retakes keep the notice and wait."""
    return _own(desk, lambda tenant, by, now: desk.reviews.examinations.register_for_exam(
        exam_id, tenant=tenant, by=by, applicant_id=desk.applicant_id, sitting_on=body.sitting,
        accommodations=body.accommodations, now=now,
    ))


@router.post("/exams/{exam_id}/registrations/withdraw", response_model=OwnExamOut)
def withdraw_registration(
    exam_id: UUID, desk: CandidateDesk, body: Annotated[WithdrawRegistrationRequest | None, Body()] = None
) -> OwnExamOut:
    """Withdraw before the sitting; no attempt is counted."""
    return _own(desk, lambda tenant, by, now: desk.reviews.examinations.withdraw_exam_registration(
        exam_id, tenant=tenant, by=by, applicant_id=desk.applicant_id,
        reason=(body or WithdrawRegistrationRequest()).reason, now=now,
    ))


@router.post("/exams/{exam_id}/accommodations", response_model=OwnExamOut)
def request_accommodations(exam_id: UUID, body: AccommodationsRequest, desk: CandidateDesk) -> OwnExamOut:
    """Ask for accommodations at the registered sitting, at least `accommodations_notice_weeks` before it."""
    return _own(desk, lambda tenant, by, now: desk.reviews.examinations.request_accommodations(
        exam_id, tenant=tenant, by=by, applicant_id=desk.applicant_id, details=body.details, now=now,
    ))


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
def get_exam(exam_id: UUID, desk: CoordinatorDesk) -> ExaminationOut:
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.examination_file(exam_id, tenant.slug))


@router.post("/exams/{exam_id}/accommodations/decision", response_model=ExaminationOut)
def decide_accommodations(exam_id: UUID, body: AccommodationsDecisionRequest, desk: CoordinatorDesk) -> ExaminationOut:
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.decide_accommodations(
        exam_id, tenant=tenant, by=by, granted=body.granted, note=body.note,
    ))


@router.post("/exams/{exam_id}/part1", response_model=ExaminationOut)
def record_part1(exam_id: UUID, body: Part1Request, desk: CoordinatorDesk) -> ExaminationOut:
    """The multiple-choice result; when it completes the attempt's results, the case records them."""
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.record_part1(
        exam_id, tenant=tenant, by=by, percent=body.percent, now=desk.clock(),
    ))


@router.post("/exams/{exam_id}/scoring", response_model=ExaminationOut)
def open_scoring(exam_id: UUID, body: ScoringRequest, desk: CoordinatorDesk) -> ExaminationOut:
    """Hand the vignette responses to two distinct, eligible, unconflicted scorers."""
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.open_scoring(
        exam_id, tenant=tenant, by=by, scorer_emails=[str(e) for e in body.scorers],
        responses_ref=body.responses_ref, vignettes=body.vignettes, due_on=body.due_on, now=desk.clock(),
    ))


@router.post("/exams/{exam_id}/scorers", response_model=ExaminationOut)
def assign_scorer(exam_id: UUID, body: ScorerRequest, desk: CoordinatorDesk) -> ExaminationOut:
    """Replace a withdrawn scorer, or, once the two disagree, ask a third to break the tie."""
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.assign_scorer(
        exam_id, tenant=tenant, by=by, scorer_email=str(body.email), due_on=body.due_on, now=desk.clock(),
    ))


@router.post("/exams/{exam_id}/scorers/withdraw", response_model=ExaminationOut)
def withdraw_scorer(exam_id: UUID, body: WithdrawScorerRequest, desk: CoordinatorDesk) -> ExaminationOut:
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.withdraw_scorer(
        exam_id, tenant=tenant, by=by, scorer_email=str(body.email), reason=body.reason,
    ))


@router.post("/exams/{exam_id}/reconciliation", response_model=ExaminationOut)
def reconcile(exam_id: UUID, body: ReconcileRequest, desk: CoordinatorDesk) -> ExaminationOut:
    """Decide the vignettes the scorers disagree on (all responses' verdicts are given)."""
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.reconcile_part2(
        exam_id, tenant=tenant, by=by, verdicts=passes(body.vignettes), note=body.note, now=desk.clock(),
    ))


@router.post("/exams/{exam_id}/feedback", response_model=ExaminationOut)
def send_feedback(exam_id: UUID, body: FeedbackRequest, desk: CoordinatorDesk) -> ExaminationOut:
    """Feedback to the examinee on their latest concluded attempt, whatever its outcome."""
    return _coordinated(desk, lambda tenant, by: desk.reviews.examinations.send_exam_feedback(
        exam_id, tenant=tenant, by=by, text=body.text,
    ))


# The scorers ----------------------------------------------------------------------------------------


@router.get("/scoring", response_model=ScoringPage)
async def get_my_scoring(
    scorer: ScorerIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep
) -> ScoringPage:
    """The caller's assignments still to score, the earliest due first."""
    member = scorer_member(tenant_of(tenants, scorer, ScoringAssignmentNotFound), scorer)
    rows = await scoring_queue(pool, scorer.tenant, reviews.address_subject(scorer.tenant, member.email))
    return ScoringPage(items=[ScoringOut.of_row(r) for r in rows])


@dataclass(frozen=True)
class ScorersAssignment:
    """A scorer's own assignment: their association, their place on its roster, and the examination behind it."""

    tenant: Tenant
    member: Reviewer
    exam_id: UUID


async def _scorers_assignment(assignment_id: UUID, scorer: Identity, reviews: Reviews, tenants: TenantCatalog,
                              pool: asyncpg.Pool) -> ScorersAssignment:
    tenant = tenant_of(tenants, scorer, ScoringAssignmentNotFound)
    member = scorer_member(tenant, scorer)
    exam_id = await scoring_exam_id(pool, tenant.slug, assignment_id, reviews.address_subject(tenant.slug,
                                                                                              member.email))
    if exam_id is None:
        raise ScoringAssignmentNotFound(f"no scoring assignment {assignment_id}")
    return ScorersAssignment(tenant, member, exam_id)


@router.get("/scoring/{assignment_id}", response_model=ScoringOut)
async def get_scoring(
    assignment_id: UUID, scorer: ScorerIdentity, reviews: ReviewsDep, tenants: TenantsDep, pool: PoolDep
) -> ScoringOut:
    mine = await _scorers_assignment(assignment_id, scorer, reviews, tenants, pool)
    view = await asyncio.to_thread(
        reviews.examinations.scoring_view, mine.exam_id, assignment_id, tenant=mine.tenant,
        scorer_email=mine.member.email,
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
    mine = await _scorers_assignment(assignment_id, scorer, reviews, tenants, pool)
    view = await asyncio.to_thread(
        reviews.examinations.submit_score,
        mine.exam_id,
        assignment_id,
        tenant=mine.tenant,
        by=actor(scorer),
        scorer_email=mine.member.email,
        verdicts=passes(body.vignettes),
        comments=body.comments,
        now=clock(),
    )
    return ScoringOut.of(view)
