"""HTTP bodies of the examination API: what the coordinator, the examinee and a scorer each send and see.

A scorer's bodies (`Scoring*`) are built from the scoring assignment alone: candidate number, the responses'
reference, the vignettes and their own verdicts. Nothing in them comes from the examinee or the examination.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from ..domain import ExaminationRules
from ..domain.examination.aggregate import Examination, ExamStatus, OpenSitting
from ..domain.examination.attempt import MAX_REFERENCE_LENGTH, MAX_VIGNETTES, Accommodations, Attempt, ScoringAssignment
from ..projections.examinations import ExamRow, ScoringRow
from ..use_cases.examinations import ExaminationFile, ScoringView
from .schemas import ApplicantOut, AuditEntryOut

Message = Annotated[str, StringConstraints(max_length=4000)]
Verdict = Literal["pass", "fail"]
Verdicts = Annotated[
    list[Verdict],
    Field(min_length=1, max_length=MAX_VIGNETTES, description="Pass or fail per vignette response, in their order."),
]
MAX_PAGE = 100


def passes(verdicts: Sequence[Verdict]) -> list[bool]:
    return [v == "pass" for v in verdicts]


def _verdicts(verdicts: Sequence[bool] | None) -> list[Verdict] | None:
    return None if verdicts is None else ["pass" if v else "fail" for v in verdicts]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Requests -------------------------------------------------------------------------------------------


class RegistrationRequest(_Body):
    sitting: date = Field(description="The day of one of the association's sittings.")
    accommodations: Message | None = Field(default=None, description="Accommodations needed, if any.")


class WithdrawRegistrationRequest(_Body):
    reason: Message | None = None


class AccommodationsRequest(_Body):
    details: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class AccommodationsDecisionRequest(_Body):
    granted: bool
    note: Message | None = None


class Part1Request(_Body):
    percent: int = Field(ge=0, le=100, description="Multiple choice, percent correct.")


class ScoringRequest(_Body):
    responses_ref: Annotated[str, StringConstraints(min_length=1, max_length=MAX_REFERENCE_LENGTH)] = Field(
        description="Where the scorers find the responses; must not identify the examinee."
    )
    vignettes: int = Field(ge=1, le=MAX_VIGNETTES, description="How many vignette responses there are.")
    scorers: list[EmailStr] = Field(min_length=2, max_length=2)
    due_on: date | None = Field(default=None, description="Default: `scoring_days` from today.")


class ScorerRequest(_Body):
    email: EmailStr
    due_on: date | None = None


class WithdrawScorerRequest(_Body):
    email: EmailStr
    reason: Message | None = None


class ReconcileRequest(_Body):
    vignettes: Verdicts
    note: Message | None = None


class FeedbackRequest(_Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class ScoreRequest(_Body):
    vignettes: Verdicts
    comments: Message | None = Field(default=None, description="For the coordinator's feedback to the examinee.")


class ExamListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sitting: date | None = None
    status: ExamStatus | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


# The coordinator's view -------------------------------------------------------------------------------


class SittingOut(BaseModel):
    on: date
    register_by: date

    @classmethod
    def of(cls, open_sitting: OpenSitting) -> SittingOut:
        return cls(on=open_sitting.sitting.on, register_by=open_sitting.register_by)


class AccommodationsOut(BaseModel):
    details: str | None = Field(description="None once the examinee was erased (docs/erasure.md).")
    status: str
    requested_at: datetime
    note: str | None
    decided_at: datetime | None

    @classmethod
    def of(cls, a: Accommodations | None) -> AccommodationsOut | None:
        return (
            None
            if a is None
            else cls(
                details=a.details, status=a.status, requested_at=a.requested_at, note=a.note, decided_at=a.decided_at
            )
        )


class ScorerOut(BaseModel):
    assignment_id: UUID
    email: str | None = Field(description="None once the scorer was erased (docs/erasure.md).")
    name: str | None
    slot: int
    status: str
    assigned_at: datetime
    due_on: date
    verdicts: list[Verdict] | None
    comments: str | None
    scored_at: datetime | None

    @classmethod
    def of(cls, a: ScoringAssignment) -> ScorerOut:
        return cls(
            assignment_id=a.id,
            email=a.scorer_email,
            name=a.scorer_name,
            slot=a.slot,
            status=a.status,
            assigned_at=a.assigned_at,
            due_on=a.due_on,
            verdicts=_verdicts(a.verdicts),
            comments=a.comments,
            scored_at=a.scored_at,
        )


class AttemptOut(BaseModel):
    number: int
    sitting: date
    parts: list[int]
    candidate_number: str | None
    retake: bool
    registered_at: datetime
    accommodations: AccommodationsOut | None
    part1_percent: int | None
    part1_passed: bool | None
    responses_ref: str | None
    vignettes: int | None
    scorers: list[ScorerOut]
    disputed_vignettes: list[int] = Field(description="1-based numbers of the responses the scorers disagree on.")
    part2_verdicts: list[Verdict] | None
    part2_passed: bool | None
    reconciled_by: str | None
    reconciliation_note: str | None
    concluded: bool
    passed: bool | None
    retake_eligible_on: date | None
    feedback: str | None
    feedback_at: datetime | None

    @classmethod
    def of(cls, a: Attempt) -> AttemptOut:
        return cls(
            number=a.number,
            sitting=a.sitting,
            parts=list(a.parts),
            candidate_number=a.candidate_number,
            retake=a.retake,
            registered_at=a.registered_at,
            accommodations=AccommodationsOut.of(a.accommodations),
            part1_percent=a.part1_percent,
            part1_passed=a.part1_passed,
            responses_ref=a.responses_ref,
            vignettes=a.vignettes,
            scorers=[ScorerOut.of(s) for s in sorted(a.assignments.values(), key=lambda s: (s.assigned_at, s.slot))],
            disputed_vignettes=[i + 1 for i in a.disputed],
            part2_verdicts=_verdicts(a.part2_verdicts),
            part2_passed=a.part2_passed,
            reconciled_by=a.reconciled_by,
            reconciliation_note=a.reconciliation_note,
            concluded=a.concluded,
            passed=a.passed,
            retake_eligible_on=a.retake_eligible_on,
            feedback=a.feedback,
            feedback_at=a.feedback_at,
        )


class ExaminationOut(BaseModel):
    id: UUID
    tenant: str
    review_case_id: UUID
    application_id: UUID
    applicant: ApplicantOut
    category: str
    category_name: str
    status: ExamStatus
    parts_passed: list[int]
    attempts_taken: int
    retake_eligible_on: date | None
    open_sittings: list[SittingOut]
    current: AttemptOut | None
    attempts: list[AttemptOut]
    version: int
    history: list[AuditEntryOut]

    @classmethod
    def of(cls, exam_file: ExaminationFile, *, today: date, rules: ExaminationRules) -> ExaminationOut:
        e = exam_file.examination
        return cls(
            id=e.id,
            tenant=e.tenant,
            review_case_id=e.review_case_id,
            application_id=e.application_id,
            applicant=ApplicantOut(account_id=e.applicant.account_id, name=e.applicant.name, email=e.applicant.email),
            category=e.category,
            category_name=e.category_name,
            status=e.status,
            parts_passed=sorted(e.record.parts_passed),
            attempts_taken=e.record.attempts,
            retake_eligible_on=e.record.retake_eligible_on,
            open_sittings=[SittingOut.of(s) for s in e.open_sittings(today, rules)],
            current=None if e.current is None else AttemptOut.of(e.current),
            attempts=[AttemptOut.of(a) for a in e.attempts],
            version=e.version,
            history=[AuditEntryOut.of(h) for h in exam_file.history],
        )


class ExamSummaryOut(BaseModel):
    id: UUID
    review_case_id: UUID
    application_id: UUID
    applicant_name: str | None = Field(description="None once the person was erased (docs/erasure.md).")
    category: str
    status: ExamStatus
    attempts: int
    sitting: date | None
    candidate_number: str | None
    opened_at: datetime
    status_since: datetime

    @classmethod
    def of(cls, row: ExamRow) -> ExamSummaryOut:
        return cls(**vars(row))


class ExamPage(BaseModel):
    items: list[ExamSummaryOut]
    total: int
    limit: int
    offset: int


# The examinee's view ----------------------------------------------------------------------------------


class OwnAccommodationsOut(BaseModel):
    details: str | None = Field(description="None once the examinee was erased (docs/erasure.md).")
    status: str
    note: str | None


class OwnAttemptOut(BaseModel):
    """No candidate number, scorers or their verdicts: the results and the coordinator's feedback."""

    number: int
    sitting: date
    parts: list[int]
    retake: bool
    accommodations: OwnAccommodationsOut | None
    part1_percent: int | None
    part1_passed: bool | None
    part2_passed: bool | None
    concluded: bool
    passed: bool | None
    feedback: str | None

    @classmethod
    def of(cls, a: Attempt) -> OwnAttemptOut:
        acc = a.accommodations
        return cls(
            number=a.number,
            sitting=a.sitting,
            parts=list(a.parts),
            retake=a.retake,
            accommodations=None
            if acc is None
            else OwnAccommodationsOut(details=acc.details, status=acc.status, note=acc.note),
            part1_percent=a.part1_percent,
            part1_passed=a.part1_passed,
            part2_passed=a.part2_passed if a.concluded else None,
            concluded=a.concluded,
            passed=a.passed,
            feedback=a.feedback,
        )


class OwnExamOut(BaseModel):
    id: UUID
    category: str
    category_name: str
    status: ExamStatus
    parts_passed: list[int]
    retake_eligible_on: date | None
    open_sittings: list[SittingOut]
    current: OwnAttemptOut | None
    attempts: list[OwnAttemptOut]

    @classmethod
    def of(cls, e: Examination, *, today: date, rules: ExaminationRules) -> OwnExamOut:
        return cls(
            id=e.id,
            category=e.category,
            category_name=e.category_name,
            status=e.status,
            parts_passed=sorted(e.record.parts_passed),
            retake_eligible_on=e.record.retake_eligible_on,
            open_sittings=[SittingOut.of(s) for s in e.open_sittings(today, rules)],
            current=None if e.current is None else OwnAttemptOut.of(e.current),
            attempts=[OwnAttemptOut.of(a) for a in e.attempts],
        )


class OwnExamPage(BaseModel):
    items: list[OwnExamOut]


# A scorer's view --------------------------------------------------------------------------------------


class ScoringOut(BaseModel):
    """A scoring assignment as its scorer sees it: blind to who the examinee is."""

    assignment_id: UUID
    candidate_number: str
    part: Literal[2] = 2
    vignettes: int
    responses_ref: str
    due_on: date
    status: str
    assigned_at: datetime
    verdicts: list[Verdict] | None = None
    comments: str | None = None
    scored_at: datetime | None = None

    @classmethod
    def of_row(cls, row: ScoringRow) -> ScoringOut:
        return cls(
            assignment_id=row.assignment_id,
            candidate_number=row.candidate_number,
            vignettes=row.vignettes,
            responses_ref=row.responses_ref,
            due_on=row.due_on,
            status=row.status,
            assigned_at=row.assigned_at,
        )

    @classmethod
    def of(cls, view: ScoringView) -> ScoringOut:
        attempt, a = view.attempt, view.assignment
        assert attempt.candidate_number is not None and attempt.responses_ref is not None
        assert attempt.vignettes is not None
        return cls(
            assignment_id=a.id,
            candidate_number=attempt.candidate_number,
            vignettes=attempt.vignettes,
            responses_ref=attempt.responses_ref,
            due_on=a.due_on,
            status=a.status,
            assigned_at=a.assigned_at,
            verdicts=_verdicts(a.verdicts),
            comments=a.comments,
            scored_at=a.scored_at,
        )


class ScoringPage(BaseModel):
    items: list[ScoringOut]
