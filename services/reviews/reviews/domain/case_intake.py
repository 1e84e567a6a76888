"""Review-case commands between receipt and review: the completeness check, and pausing for the applicant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .assignment import AssignmentStatus
from .case_events import CompletenessPassed, InformationReceived, InformationRequested, ReturnedIncomplete, Withdrawn
from .errors import AssignmentNotAccepted
from .lifecycle import CLOSED, Action, Status, require
from .policy import ReviewPolicy
from .values import Actor, Applicant, cleaned_items, cleaned_message, items_about, text_about

if TYPE_CHECKING:
    from .assignment import Assignment


class Intake:
    """Mixed into ReviewCase."""

    if TYPE_CHECKING:
        status: Status
        applicant: Applicant
        latest_submission: int
        assignments: dict[str, Assignment]

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    def pass_completeness(self, by: Actor, policy: ReviewPolicy) -> None:
        """The application is complete: it goes to review under the association's reviewer policy."""
        require(self.status, Action.CHECK_COMPLETENESS)
        self.trigger_event(CompletenessPassed, by=by, reviewers_required=policy.reviewers_per_case,
                           sequential=policy.sequential, blind=policy.blind)

    def return_incomplete(self, by: Actor, items: Iterable[str], message: str | None = None) -> None:
        """The application is incomplete: it goes back to the applicant with what is missing."""
        require(self.status, Action.CHECK_COMPLETENESS)
        self.trigger_event(ReturnedIncomplete, by=by,
                           requested=items_about(self.applicant, cleaned_items(items, "missing item")),
                           note=text_about(self.applicant, cleaned_message(message)))

    def request_information(self, by: Actor, items: Iterable[str], message: str | None = None, *,
                            reviewer: str | None = None) -> None:
        """Pause the review until the applicant adds what is asked. A reviewer (by subject) may ask once they
        accepted."""
        require(self.status, Action.REQUEST_INFORMATION)
        if reviewer is not None:
            assignment = self.assignments.get(reviewer)
            if assignment is None or assignment.status is not AssignmentStatus.ACCEPTED:
                raise AssignmentNotAccepted("only a reviewer who accepted the case may request information")
        self.trigger_event(InformationRequested, by=by, by_role="coordinator" if reviewer is None else "reviewer",
                           requested=items_about(self.applicant, cleaned_items(items, "requested item")),
                           note=text_about(self.applicant, cleaned_message(message)))

    def receive_information(self, submission_number: int, received_at: datetime) -> bool:
        """The applicant resubmitted; False when that submission was already received (nothing recorded)."""
        if submission_number <= self.latest_submission:
            return False
        require(self.status, Action.RECEIVE_INFORMATION)
        self.trigger_event(InformationReceived, submission_number=submission_number, received_at=received_at)
        return True

    def close_as_withdrawn(self, by: Actor, submission_number: int, reason: str | None = None) -> bool:
        """The applicant withdrew the application: the case closes as withdrawn and every live reviewer assignment
        ends. False when the case was already decided or withdrawn (a decided case stays decided): nothing
        recorded."""
        if self.status in CLOSED:
            return False
        require(self.status, Action.CLOSE_AS_WITHDRAWN)
        self.trigger_event(Withdrawn, by=by, submission_number=submission_number,
                           why=text_about(self.applicant, cleaned_message(reason, "reason")),
                           reviewers=sorted((a.reviewer for a in self.assignments.values() if a.is_live),
                                            key=lambda member: member.subject))
        return True
