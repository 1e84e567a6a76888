"""Review outcomes: the reviews service returns, defers, approves for the exam, endorses or denies an application.

A mixin of the `Application` aggregate: its events become `Application.ReturnedForInformation`, `.Deferred`,
`.ApprovedForExam`, `.ExamResultRecorded`, `.Endorsed` and `.Denied` (stored topics
`applications.domain.model:Application.<name>`). Each outcome is applied once: a second copy of the same review
event (republished, or delivered again) changes nothing, and so does one that arrives after the application was
withdrawn or decided. An outcome that fits neither (e.g. a deferral of a draft) is refused with
`REVIEW_OUTCOME_DOES_NOT_FIT`. Which status admits which outcome is data in `lifecycle.py`.

What a review says to the applicant (the items and message of a return, the reasons and recommendations of a
deferral, the reasons of a denial) is stored sealed under the applicant's subject, so it is gone with their key; the
aggregate's values are then empty.

A returned or deferred application is editable again and may be resubmitted (`resubmission_answers`); a deferred one
only from its earliest re-review date, in the association's local date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from .errors import OutcomeDoesNotFit, TooEarlyToResubmit
from .legacy import applicant_items, applicant_text
from .lifecycle import OUTCOME_ADMITTED_IN, RESUBMITTABLE, SETTLED, Outcome, Status
from .values import Applicant, PersonalItems, PersonalText


@dataclass(frozen=True)
class InformationRequest:
    review_case_id: UUID
    submission_number: int
    stage: str
    """`completeness` (returned as incomplete before review) or `review`."""
    items: tuple[str, ...]
    message: str | None
    requested_at: datetime


@dataclass(frozen=True)
class Deferral:
    review_case_id: UUID
    reasons: tuple[str, ...]
    recommendations: tuple[str, ...]
    earliest_rereview_on: date
    deferred_at: datetime


@dataclass(frozen=True)
class ExamResult:
    attempt: int
    taken_on: date
    passed: bool
    retake_eligible_on: date | None


@dataclass(frozen=True)
class EndorsementRecord:
    endorsement_id: UUID
    effective_date: date
    renewal_date: date
    emerging_until: date | None
    endorsed_at: datetime


def _key(outcome: Outcome, review_case_id: UUID, *more: object) -> str:
    """Names one review event's effect, so a second copy of it is recognised."""
    return "/".join([outcome.value, str(review_case_id), *map(str, more)])


class ReviewOutcomes:
    """Commands and events of the review's outcomes; the aggregate provides `status`, `submission_number`."""

    information_request: InformationRequest | None = None
    deferral: Deferral | None = None
    exam_results: tuple[ExamResult, ...] = ()
    endorsement: EndorsementRecord | None = None
    denial_reasons: tuple[str, ...] = ()
    decided_at: datetime | None = None
    handled_outcomes: frozenset[str] = frozenset()
    """Keys of the review events already applied (see `_key`)."""
    in_response_to: str | None = None
    """What the latest submission answered (`information_request`, `deferral`), None for a first submission.
    Class-level defaults: applications stored before outcomes existed read back without any."""

    if TYPE_CHECKING:
        status: Status
        submission_number: int
        applicant: Applicant

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class ReviewOutcome(Aggregate.Event):
        """What every outcome event records and how it changes the status."""

        status_after: ClassVar[Status | None] = None
        """The status the outcome leaves (None: unchanged), for the aggregate and the read models."""
        outcome_key: str

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_outcomes = aggregate.handled_outcomes | {self.outcome_key}
            if self.status_after is not None:
                aggregate.status = self.status_after
            self.record(aggregate)

        def record(self, aggregate: Any) -> None:
            raise NotImplementedError

    class ReturnedForInformation(ReviewOutcome):
        status_after = Status.RETURNED
        class_version = 2
        review_case_id: UUID
        submission_number: int
        stage: str
        asked: PersonalItems
        note: PersonalText
        requested_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: plaintext `items` and `message`."""
            state["asked"] = applicant_items(state, state.pop("items"))
            state["note"] = applicant_text(state, state.pop("message"))

        @property
        def items(self) -> tuple[str, ...]:
            return self.asked.items

        @property
        def message(self) -> str | None:
            return self.note.text

        def record(self, aggregate: Any) -> None:
            aggregate.information_request = InformationRequest(
                self.review_case_id,
                self.submission_number,
                self.stage,
                tuple(self.items),
                self.message,
                self.requested_at,
            )

    class Deferred(ReviewOutcome):
        status_after = Status.DEFERRED
        class_version = 2
        review_case_id: UUID
        why: PersonalItems
        advice: PersonalItems
        earliest_rereview_on: date
        deferred_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: plaintext `reasons` and `recommendations`."""
            state["why"] = applicant_items(state, state.pop("reasons"))
            state["advice"] = applicant_items(state, state.pop("recommendations"))

        @property
        def reasons(self) -> tuple[str, ...]:
            return self.why.items

        @property
        def recommendations(self) -> tuple[str, ...]:
            return self.advice.items

        def record(self, aggregate: Any) -> None:
            aggregate.deferral = Deferral(
                self.review_case_id,
                tuple(self.reasons),
                tuple(self.recommendations),
                self.earliest_rereview_on,
                self.deferred_at,
            )

    class ApprovedForExam(ReviewOutcome):
        status_after = Status.APPROVED_FOR_EXAM
        review_case_id: UUID
        approved_at: datetime

        def record(self, aggregate: Any) -> None:
            pass

    class ExamResultRecorded(ReviewOutcome):
        review_case_id: UUID
        attempt: int
        taken_on: date
        passed: bool
        retake_eligible_on: date | None

        def record(self, aggregate: Any) -> None:
            result = ExamResult(self.attempt, self.taken_on, self.passed, self.retake_eligible_on)
            aggregate.exam_results = (*aggregate.exam_results, result)

    class Endorsed(ReviewOutcome):
        status_after = Status.ENDORSED
        review_case_id: UUID
        endorsement_id: UUID
        effective_date: date
        renewal_date: date
        emerging_until: date | None
        endorsed_at: datetime

        def record(self, aggregate: Any) -> None:
            aggregate.endorsement = EndorsementRecord(
                self.endorsement_id, self.effective_date, self.renewal_date, self.emerging_until, self.endorsed_at
            )
            aggregate.decided_at = self.endorsed_at

    class Denied(ReviewOutcome):
        status_after = Status.DENIED
        class_version = 2
        review_case_id: UUID
        why: PersonalItems
        denied_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: plaintext `reasons`."""
            state["why"] = applicant_items(state, state.pop("reasons"))

        @property
        def reasons(self) -> tuple[str, ...]:
            return self.why.items

        def record(self, aggregate: Any) -> None:
            aggregate.denial_reasons = tuple(self.reasons)
            aggregate.decided_at = self.denied_at

    # Commands (from the reviews service's events) -----------------------------------------------

    def return_for_information(
        self,
        *,
        review_case_id: UUID,
        submission_number: int,
        stage: str,
        items: Iterable[str],
        message: str | None,
        requested_at: datetime,
    ) -> None:
        """The review needs more: the applicant may edit again and resubmit."""
        key = _key(Outcome.RETURNED, review_case_id, submission_number)
        if self._admits(Outcome.RETURNED, key, submission_number):
            self.trigger_event(
                self.ReturnedForInformation,
                outcome_key=key,
                review_case_id=review_case_id,
                submission_number=submission_number,
                stage=stage,
                asked=PersonalItems.of(self.applicant.subject, _listed(items)),
                note=PersonalText(self.applicant.subject, (message or "").strip() or None),
                requested_at=_aware(requested_at),
            )

    def defer(
        self,
        *,
        review_case_id: UUID,
        reasons: Iterable[str],
        recommendations: Iterable[str],
        earliest_rereview_on: date,
        deferred_at: datetime,
    ) -> None:
        """The review deferred the application: amend it and resubmit from `earliest_rereview_on`."""
        key = _key(Outcome.DEFERRED, review_case_id)
        if self._admits(Outcome.DEFERRED, key):
            self.trigger_event(
                self.Deferred,
                outcome_key=key,
                review_case_id=review_case_id,
                why=PersonalItems.of(self.applicant.subject, _listed(reasons)),
                advice=PersonalItems.of(self.applicant.subject, _listed(recommendations)),
                earliest_rereview_on=earliest_rereview_on,
                deferred_at=_aware(deferred_at),
            )

    def approve_for_exam(self, *, review_case_id: UUID, approved_at: datetime) -> None:
        key = _key(Outcome.APPROVED_FOR_EXAM, review_case_id)
        if self._admits(Outcome.APPROVED_FOR_EXAM, key):
            self.trigger_event(
                self.ApprovedForExam, outcome_key=key, review_case_id=review_case_id, approved_at=_aware(approved_at)
            )

    def record_exam_result(
        self, *, review_case_id: UUID, attempt: int, taken_on: date, passed: bool, retake_eligible_on: date | None
    ) -> None:
        key = _key(Outcome.EXAM_RESULT, review_case_id, attempt)
        if self._admits(Outcome.EXAM_RESULT, key):
            self.trigger_event(
                self.ExamResultRecorded,
                outcome_key=key,
                review_case_id=review_case_id,
                attempt=attempt,
                taken_on=taken_on,
                passed=passed,
                retake_eligible_on=retake_eligible_on,
            )

    def endorse(
        self,
        *,
        review_case_id: UUID,
        endorsement_id: UUID,
        effective_date: date,
        renewal_date: date,
        emerging_until: date | None,
        endorsed_at: datetime,
    ) -> None:
        key = _key(Outcome.ENDORSED, review_case_id)
        if self._admits(Outcome.ENDORSED, key):
            self.trigger_event(
                self.Endorsed,
                outcome_key=key,
                review_case_id=review_case_id,
                endorsement_id=endorsement_id,
                effective_date=effective_date,
                renewal_date=renewal_date,
                emerging_until=emerging_until,
                endorsed_at=_aware(endorsed_at),
            )

    def deny(self, *, review_case_id: UUID, reasons: Iterable[str], denied_at: datetime) -> None:
        key = _key(Outcome.DENIED, review_case_id)
        if self._admits(Outcome.DENIED, key):
            self.trigger_event(
                self.Denied,
                outcome_key=key,
                review_case_id=review_case_id,
                why=PersonalItems.of(self.applicant.subject, _listed(reasons)),
                denied_at=_aware(denied_at),
            )

    # Resubmission ---------------------------------------------------------------------------------

    def resubmission_answers(self, on: date) -> str | None:
        """What a submission now would answer (`information_request`, `deferral`), None for a first submission.
        A deferred application is refused before its earliest re-review date (`on`: the association's date)."""
        answers = RESUBMITTABLE.get(self.status)
        if self.status is Status.DEFERRED and self.deferral is not None and on < self.deferral.earliest_rereview_on:
            raise TooEarlyToResubmit(self.deferral.earliest_rereview_on)
        return answers

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    def _admits(self, outcome: Outcome, key: str, submission_number: int | None = None) -> bool:
        """True when the outcome is new and fits; False when it changes nothing; refuses one that cannot be."""
        if key in self.handled_outcomes or self.status in SETTLED:
            return False
        if submission_number is not None and submission_number < self.submission_number:
            return False  # about an earlier submission, already answered by a resubmission
        if self.status not in OUTCOME_ADMITTED_IN[outcome] or (
            submission_number is not None and submission_number != self.submission_number
        ):
            about = f" about submission {submission_number}" if submission_number is not None else ""
            raise OutcomeDoesNotFit(
                f"an application that is {self.status} (submission {self.submission_number}) "
                f"cannot take the outcome {outcome}{about}"
            )
        return True


def _listed(items: Iterable[str]) -> list[str]:
    return [text for text in (item.strip() for item in items) if text]


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at
