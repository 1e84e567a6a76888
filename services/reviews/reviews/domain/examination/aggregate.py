"""The Examination aggregate: the examination of one review case approved for it (domain §3.6), from registration for a
sitting to every part passed.

An attempt covers every part not passed yet; a failed part is retaken alone, requested at least `retake_notice_weeks`
before the sitting and sat at least the retake wait after the last attempt. Part 1 (multiple choice) is recorded
as a percentage. Part 2 (vignettes) is scored blind by two scorers who see an anonymous candidate number and a
reference to the responses, never who the examinee is; a disagreement goes to a third scorer or the coordinator.
When an attempt has every result, the review case records it (`ReviewCase.record_exam_result`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ..errors import (
    AccommodationsAlreadyRequested,
    AccommodationsNotPending,
    AccommodationsTooLate,
    AlreadyRegistered,
    ExamAlreadyPassed,
    ExamAttemptOpen,
    ExamCancelled,
    FeedbackAlreadySent,
    InvalidAccommodations,
    InvalidExamResult,
    InvalidFeedback,
    NoResultYet,
    NotRegistered,
    PartAlreadyRecorded,
    PartNotInAttempt,
    RegistrationClosed,
    RetakeNoticeTooShort,
    RetakeTooEarly,
    ScoringAssignmentNotFound,
    SittingNotHeld,
    UnknownSitting,
    WithdrawalTooLate,
)
from ..personal import Fingerprint
from ..reviewers import Relations
from ..values import MAX_MESSAGE_LENGTH, Actor, Applicant, Described, cleaned_message, text_about
from . import events as ev
from .attempt import (
    AccommodationsStatus,
    Attempt,
    Concluded,
    ScoringAssignment,
    ScoringStatus,
    new_candidate_number,
)
from .record import PARTS, ExaminationRecord, score
from .rules import ExaminationRules, Sitting
from .scoring import BlindScoring

if TYPE_CHECKING:
    from ..case import ReviewCase


def examination_id_for(review_case_id: UUID) -> UUID:
    """The examination of a case approved for the exam: one per case, whoever opens it."""
    return uuid5(NAMESPACE_URL, f"examination/{review_case_id}")


class ExamStatus(StrEnum):
    AWAITING_REGISTRATION = "awaiting_registration"
    REGISTERED = "registered"
    ESCALATED = "escalated"
    """Part 2's scorers disagree: the coordinator reconciles or asks a third scorer."""
    PASSED = "passed"
    CANCELLED = "cancelled"
    """The applicant withdrew the application before passing: nothing more is registered, scored or sent."""


@dataclass(frozen=True)
class OpenSitting:
    sitting: Sitting
    register_by: date


class Examination(BlindScoring, Aggregate):
    class Opened(Aggregate.Created):
        tenant: str
        review_case_id: UUID
        application_id: UUID
        class_version = 2
        applicant: Applicant
        category: str
        category_name: str
        relations: Relations
        by: Actor

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 stored the employer and related people's addresses in plain text (see ReviewCase.Opened)."""
            state["relations"] = Relations.unfingerprinted(state["applicant"].email, state.pop("employer"),
                                                           state.pop("related_emails"))

        def describe(self) -> Described:
            return Described("exam_opened", "coordinator", self.by, {"review_case_id": str(self.review_case_id)})

    @classmethod
    def create_id(cls, review_case_id: UUID) -> UUID:
        return examination_id_for(review_case_id)

    @event(Opened)
    def __init__(
        self,
        *,
        tenant: str,
        review_case_id: UUID,
        application_id: UUID,
        applicant: Applicant,
        category: str,
        category_name: str,
        relations: Relations,
        by: Actor,
    ) -> None:
        self.tenant = tenant
        self.review_case_id = review_case_id
        self.application_id = application_id
        self.applicant = applicant
        self.category = category
        self.category_name = category_name
        self.relations = relations
        self.opened_by = by
        self.record = ExaminationRecord()
        self.current: Attempt | None = None
        self.attempts: list[Attempt] = []
        """Concluded attempts, oldest first."""
        self.withdrawn: list[Attempt] = []
        """Registrations withdrawn (or ended by a cancellation): they count no attempt."""
        self.cancelled = False

    @classmethod
    def for_case(cls, case: ReviewCase, by: Actor, fingerprint: Fingerprint) -> Examination:
        """The examination of a case the coordinator just approved for the exam (its relations fingerprinted with
        `fingerprint` when the case was stored before fingerprints)."""
        return cls(
            tenant=case.tenant,
            review_case_id=case.id,
            application_id=case.application_id,
            applicant=case.applicant,
            category=case.category,
            category_name=case.category_name,
            relations=case.relations.fingerprinted_with(fingerprint),
            by=by,
        )

    # Queries ----------------------------------------------------------------------------------------

    @property
    def status(self) -> ExamStatus:
        if self.record.passed:
            return ExamStatus.PASSED
        if self.cancelled:
            return ExamStatus.CANCELLED
        if self.current is None:
            return ExamStatus.AWAITING_REGISTRATION
        return ExamStatus.ESCALATED if self.current.escalated else ExamStatus.REGISTERED

    @property
    def outstanding_parts(self) -> list[int]:
        return [p for p in PARTS if p not in self.record.parts_passed]

    @property
    def is_retake(self) -> bool:
        """A registration now retakes parts already attempted (every attempt takes every outstanding part)."""
        return self.record.attempts > 0

    def register_by(self, sitting: Sitting, rules: ExaminationRules) -> date:
        """The last day this examinee may register for `sitting`."""
        if self.is_retake:
            return min(sitting.registration_closes, rules.retake_notice_deadline(sitting.on))
        return sitting.registration_closes

    def open_sittings(self, today: date, rules: ExaminationRules) -> list[OpenSitting]:
        """The sittings the examinee could register for today."""
        if self.record.passed or self.cancelled or self.current is not None:
            return []
        eligible_on = self.record.retake_eligible_on
        return [
            OpenSitting(s, self.register_by(s, rules))
            for s in sorted(rules.sittings, key=lambda s: s.on)
            if today <= self.register_by(s, rules) and (eligible_on is None or s.on >= eligible_on)
        ]

    def scoring_assignment(self, assignment_id: UUID, scorer: str) -> tuple[Attempt, ScoringAssignment]:
        """A scorer's (by subject) own assignment; to anyone else (or once withdrawn) it does not exist."""
        for attempt in [*self.attempts, *([self.current] if self.current else [])]:
            found = attempt.assignments.get(assignment_id)
            if found is not None and found.scorer_subject == scorer:
                if found.status is ScoringStatus.WITHDRAWN:
                    break
                return attempt, found
        raise ScoringAssignmentNotFound(f"no scoring assignment {assignment_id}")

    # Registration and accommodations ------------------------------------------------------------------

    def register(
        self,
        by: Actor,
        by_role: str,
        sitting_on: date,
        *,
        today: date,
        rules: ExaminationRules,
        accommodations: str | None = None,
        candidate_number: str | None = None,
    ) -> None:
        """Register every outstanding part for a sitting; a retake keeps the notice and waiting rules."""
        self._require_not_cancelled()
        if self.record.passed:
            raise ExamAlreadyPassed("every part of the exam has been passed")
        if self.current is not None:
            raise AlreadyRegistered(f"already registered for the sitting of {self.current.sitting}")
        sitting = rules.sitting(sitting_on)
        if sitting is None:
            raise UnknownSitting(f"there is no sitting on {sitting_on}")
        if today > sitting.registration_closes:
            raise RegistrationClosed(f"registration for {sitting.on} closed on {sitting.registration_closes}")
        if self.is_retake:
            if today > rules.retake_notice_deadline(sitting.on):
                raise RetakeNoticeTooShort(
                    f"a retake is requested at least {rules.retake_notice_weeks} weeks "
                    f"before the sitting: by {rules.retake_notice_deadline(sitting.on)}"
                )
            eligible_on = self.record.retake_eligible_on
            if eligible_on is not None and sitting.on < eligible_on:
                raise RetakeTooEarly(f"a retake is possible from {eligible_on}, not at the sitting of {sitting.on}")
        details = _accommodations(accommodations, required=False)
        if details is not None and today > rules.accommodations_deadline(sitting.on):
            raise AccommodationsTooLate(f"accommodations are requested by {rules.accommodations_deadline(sitting.on)}")
        self.trigger_event(
            ev.Registered,
            attempt=self.record.attempts + 1,
            sitting=sitting.on,
            parts=self.outstanding_parts,
            candidate_number=candidate_number or new_candidate_number(),
            retake=self.is_retake,
            accommodations_text=text_about(self.applicant, details),
            accommodations_requested=details is not None,
            by=by,
            by_role=by_role,
        )

    def withdraw_registration(self, by: Actor, by_role: str, *, today: date, reason: str | None = None) -> None:
        attempt = self._registered()
        if today >= attempt.sitting:
            raise WithdrawalTooLate(f"a registration is withdrawn before the sitting of {attempt.sitting}")
        self.trigger_event(
            ev.RegistrationWithdrawn, attempt=attempt.number,
            reason_text=text_about(self.applicant, cleaned_message(reason)), by=by, by_role=by_role,
        )

    def request_accommodations(
        self, by: Actor, by_role: str, details: str, *, today: date, rules: ExaminationRules
    ) -> None:
        attempt = self._registered()
        if attempt.accommodations is not None:
            raise AccommodationsAlreadyRequested("accommodations were already requested for this sitting")
        if today > rules.accommodations_deadline(attempt.sitting):
            raise AccommodationsTooLate(
                f"accommodations are requested by {rules.accommodations_deadline(attempt.sitting)}"
            )
        self.trigger_event(
            ev.AccommodationsRequested,
            attempt=attempt.number,
            details_text=text_about(self.applicant, _accommodations(details, required=True)),
            by=by,
            by_role=by_role,
        )

    def decide_accommodations(self, by: Actor, *, granted: bool, note: str | None = None) -> None:
        attempt = self._registered()
        if attempt.accommodations is None or attempt.accommodations.status is not AccommodationsStatus.REQUESTED:
            raise AccommodationsNotPending("no accommodations request is waiting for a decision")
        self.trigger_event(
            ev.AccommodationsDecided, attempt=attempt.number, granted=granted,
            note_text=text_about(self.applicant, cleaned_message(note, "note")), by=by,
        )

    # Results ------------------------------------------------------------------------------------------

    def record_part1(self, by: Actor, percent: int, *, today: date, rules: ExaminationRules) -> Concluded | None:
        """The multiple-choice result: passed at `pass_percent` or better."""
        attempt = self._sat(1, today)
        if attempt.part1_percent is not None:
            raise PartAlreadyRecorded("part 1 of this attempt is already recorded")
        if not 0 <= percent <= 100:
            raise InvalidExamResult("part 1 is scored as a percentage from 0 to 100")
        self.trigger_event(
            ev.Part1Recorded, attempt=attempt.number, percent=percent, passed=percent >= rules.pass_percent, by=by
        )
        return self._conclude_if_complete(today, rules, by)

    def record_direct_result(
        self,
        by: Actor,
        *,
        taken_on: date,
        today: date,
        part1_percent: int | None,
        part2_passed: bool | None,
        rules: ExaminationRules,
    ) -> Concluded:
        """An attempt scored and reconciled outside the service (the case's exam-results route)."""
        self._require_not_cancelled()
        if self.current is not None:
            raise ExamAttemptOpen(
                f"an attempt at the sitting of {self.current.sitting} is open; record its results on the examination"
            )
        outcome = score(
            self.record,
            taken_on=taken_on,
            today=today,
            part1_percent=part1_percent,
            part2_passed=part2_passed,
            rules=rules,
        )
        self.trigger_event(
            ev.ResultRecordedDirectly,
            attempt=outcome.attempt,
            taken_on=taken_on,
            parts=self.outstanding_parts,
            part1_percent=part1_percent,
            part1_passed=outcome.part1_passed,
            part2_passed=part2_passed,
            by=by,
        )
        concluded = self._conclude_if_complete(today, rules, by)
        assert concluded is not None
        return concluded

    def send_feedback(self, by: Actor, text: str) -> None:
        """Feedback on the latest concluded attempt, once, whatever its outcome."""
        self._require_not_cancelled()
        if not self.attempts:
            raise NoResultYet("feedback follows an attempt's results")
        attempt = self.attempts[-1]
        if attempt.feedback is not None:
            raise FeedbackAlreadySent(f"feedback on attempt {attempt.number} was already sent")
        cleaned = (text or "").strip()
        if not cleaned or len(cleaned) > MAX_MESSAGE_LENGTH:
            raise InvalidFeedback(f"feedback has 1 to {MAX_MESSAGE_LENGTH} characters")
        self.trigger_event(ev.FeedbackSent, attempt=attempt.number, feedback_text=text_about(self.applicant, cleaned),
                           by=by)

    # Cancellation -------------------------------------------------------------------------------------

    def cancel(self, by: Actor) -> bool:
        """The applicant withdrew the application: any open registration ends, with its scoring. False when there
        is nothing to cancel (already cancelled, or every part passed): nothing recorded."""
        if self.cancelled or self.record.passed:
            return False
        self.trigger_event(ev.Cancelled, attempt=None if self.current is None else self.current.number, by=by)
        return True

    # Helpers ------------------------------------------------------------------------------------------

    def _require_not_cancelled(self) -> None:
        if self.cancelled:
            raise ExamCancelled("the application was withdrawn; its examination is cancelled")

    def _registered(self) -> Attempt:
        self._require_not_cancelled()
        if self.current is None:
            raise NotRegistered("the examinee is not registered for a sitting")
        return self.current

    def _sat(self, part: int, today: date) -> Attempt:
        """The open attempt, once its sitting was held, when it includes `part`."""
        attempt = self._registered()
        if part not in attempt.parts:
            raise PartNotInAttempt(f"part {part} was passed before; this attempt retakes part(s) {list(attempt.parts)}")
        if today < attempt.sitting:
            raise SittingNotHeld(f"the sitting of {attempt.sitting} has not been held yet")
        return attempt

    def _conclude_if_complete(self, today: date, rules: ExaminationRules, by: Actor) -> Concluded | None:
        attempt = self.current
        if attempt is None or attempt.pending_parts:
            return None
        outcome = score(
            self.record,
            taken_on=attempt.sitting,
            today=today,
            part1_percent=attempt.part1_percent,
            part2_passed=attempt.part2_passed,
            rules=rules,
        )
        self.trigger_event(
            ev.AttemptConcluded,
            attempt=outcome.attempt,
            taken_on=attempt.sitting,
            part1_passed=outcome.part1_passed,
            part2_passed=outcome.part2_passed,
            passed=outcome.passed,
            retake_eligible_on=outcome.retake_eligible_on,
        )
        return Concluded(attempt.sitting, attempt.part1_percent, attempt.part2_passed, outcome.passed, by)


def _accommodations(details: str | None, *, required: bool) -> str | None:
    cleaned = None if details is None else details.strip() or None
    if cleaned is None:
        if required:
            raise InvalidAccommodations("describe the accommodations needed")
        return None
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise InvalidAccommodations(f"accommodations are described in at most {MAX_MESSAGE_LENGTH} characters")
    return cleaned
