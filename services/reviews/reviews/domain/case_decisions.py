"""Review-case decisions other than approval: approve for the exam and its results, defer, deny."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .case_events import ApprovedForExam, Deferred, Denied, ExamScored
from .errors import DenialNotAllowed, ExamNotRequired, InvalidRereviewDate
from .examination.record import ExaminationRecord, score
from .lifecycle import Action, Status, require
from .policy import ReviewPolicy
from .values import Actor, Applicant, cleaned_items, items_about


class Decisions:
    """Mixed into ReviewCase."""

    if TYPE_CHECKING:
        status: Status
        applicant: Applicant
        category: str
        received_at: datetime
        exam: ExaminationRecord

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    def approve_for_exam(self, by: Actor, policy: ReviewPolicy) -> None:
        """Approve the applicant to sit the exam, for a category whose rules at submission require it."""
        require(self.status, Action.DECIDE, direct_decision=policy.coordinator_decides_directly)
        if not policy.exam_required(self.category, self.received_at):
            raise ExamNotRequired(f"{self.category} does not require the exam under the rules in force at "
                                  "submission")
        self.trigger_event(ApprovedForExam, by=by)

    def record_exam_result(self, by: Actor, *, taken_on: date, today: date, part1_percent: int | None,
                           part2_passed: bool | None, policy: ReviewPolicy) -> None:
        """Record one attempt's reconciled result; every part passed makes the case approvable."""
        require(self.status, Action.SCORE_EXAM)
        outcome = score(self.exam, taken_on=taken_on, today=today, part1_percent=part1_percent,
                        part2_passed=part2_passed, rules=policy.exam)
        self.trigger_event(ExamScored, by=by, attempt=outcome.attempt, taken_on=taken_on,
                           part1_percent=part1_percent, part1_passed=outcome.part1_passed,
                           part2_passed=outcome.part2_passed, passed=outcome.passed,
                           retake_eligible_on=outcome.retake_eligible_on)

    def defer(self, by: Actor, reasons: Iterable[str], recommendations: Iterable[str], earliest_rereview_on: date,
              *, today: date, policy: ReviewPolicy) -> None:
        """Defer: the applicant may amend the application, with recommended training and RSC, and ask for
        re-review from `earliest_rereview_on`."""
        require(self.status, Action.DECIDE, direct_decision=policy.coordinator_decides_directly)
        if earliest_rereview_on <= today:
            raise InvalidRereviewDate(f"the earliest re-review date must be after today ({today})")
        self.trigger_event(Deferred, by=by, why=items_about(self.applicant, cleaned_items(reasons, "reason")),
                           advice=items_about(self.applicant, cleaned_items(recommendations, "recommendation",
                                                                            required=False)),
                           earliest_rereview_on=earliest_rereview_on)

    def deny(self, by: Actor, reasons: Iterable[str], policy: ReviewPolicy) -> None:
        require(self.status, Action.DECIDE, direct_decision=policy.coordinator_decides_directly)
        if not policy.denial_allowed:
            raise DenialNotAllowed("this association's policy does not allow denying an application; defer it")
        self.trigger_event(Denied, by=by, why=items_about(self.applicant, cleaned_items(reasons, "reason")))
