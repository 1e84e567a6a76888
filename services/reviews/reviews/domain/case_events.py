"""Every stored event of a review case after it opens, by concern; each records who and when, and applies itself.

Guards live in the case's commands (case.py and its mixins); an event only records and applies what was decided.

Each event about an assignment names its reviewer as a `RosterMember` (address and name sealed under the keyed
subject of the address); the case finds the assignment by that subject. Older versions held the plain address:
their upcasters ask the store for its subject (`legacy.member_of`).

These classes were stored under the topics of the modules `events_intake`, `events_review`, `events_decisions` and
`events_register` before they moved here; `reviews.store.register_moved_topics` keeps those topics loading.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .assignment import Assignment, AssignmentStatus, Conclusion, Recommendation, RecommendationKind
from .checklist import ChecklistItem
from .legacy import member_of
from .lifecycle import Status
from .personal import CaseText, ReviewerComments, RosterMember
from .values import Actor, Described

__all__ = [
    "ApprovedAsEmerging",
    "ApprovedForExam",
    "AssignmentAnswered",
    "CompletenessPassed",
    "Deferred",
    "Denied",
    "ExamScored",
    "InformationReceived",
    "InformationRequested",
    "RecommendationSubmitted",
    "ReinstatementCaseApproved",
    "RenewalCaseApproved",
    "ReturnedIncomplete",
    "ReviewConcluded",
    "ReviewerAssigned",
    "ReviewerWithdrawn",
    "Withdrawn",
]


def _items(items: list[str]) -> str:
    return "; ".join(items)


# Intake: completeness, and pausing for the applicant --------------------------------------------------------


class CompletenessPassed(Aggregate.Event):
    by: Actor
    reviewers_required: int
    sequential: bool
    blind: bool

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.IN_REVIEW
        aggregate.reviewers_required = self.reviewers_required
        aggregate.sequential = self.sequential
        aggregate.blind = self.blind

    def describe(self) -> Described:
        return Described("completeness_passed", "coordinator", self.by,
                         {"reviewers_required": str(self.reviewers_required)})


def _sealed_request(state: dict[str, Any]) -> None:
    """Events stored before sealing held the items and the message in plain text, with no subject."""
    state["requested"] = CaseText.of_items(None, state.pop("items"))
    state["note"] = CaseText(None, state.pop("message"))


class _Request:
    """What the applicant is asked for: `requested` items and a `note` (sealed under the applicant's subject)."""

    requested: CaseText
    note: CaseText

    @property
    def items(self) -> list[str]:
        return self.requested.items

    @property
    def message(self) -> str | None:
        return self.note.text


class ReturnedIncomplete(_Request, Aggregate.Event):
    class_version = 2
    by: Actor
    requested: CaseText
    note: CaseText

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _sealed_request(state)

    def apply(self, aggregate: Any) -> None:
        aggregate.resume_status = Status.OPEN
        aggregate.status = Status.RETURNED
        aggregate.requested_items = list(self.items)

    def describe(self) -> Described:
        return Described("returned_incomplete", "coordinator", self.by, {"items": _items(self.items)})


class InformationRequested(_Request, Aggregate.Event):
    class_version = 2
    by: Actor
    by_role: str
    requested: CaseText
    note: CaseText

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _sealed_request(state)

    def apply(self, aggregate: Any) -> None:
        aggregate.resume_status = aggregate.status
        aggregate.status = Status.ON_HOLD
        aggregate.requested_items = list(self.items)

    def describe(self) -> Described:
        if self.by_role == "reviewer":
            return Described("information_requested", "reviewer", self.by, {"items": _items(self.items)})
        return Described("information_requested", "coordinator", self.by, {"items": _items(self.items)})


class InformationReceived(Aggregate.Event):
    """The applicant resubmitted the application: the case resumes where it paused."""

    submission_number: int
    received_at: datetime

    def apply(self, aggregate: Any) -> None:
        aggregate.status = aggregate.resume_status or Status.OPEN
        aggregate.resume_status = None
        aggregate.requested_items = []
        aggregate.latest_submission = self.submission_number

    def describe(self) -> Described:
        return Described("information_received", "applicant", None,
                         {"submission_number": str(self.submission_number),
                          "received_at": self.received_at.isoformat()})


class Withdrawn(Aggregate.Event):
    """The applicant withdrew the application before a decision: the case closes, and the reviewers' assignments
    (`reviewers`) end with it."""

    class_version = 3
    by: Actor
    submission_number: int
    why: CaseText
    reviewers: list[RosterMember]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the applicant's reason in plain text."""
        state["why"] = CaseText(None, state.pop("reason"))

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Version 2 named the reviewers by their plain addresses."""
        state["reviewers"] = [member_of(state, email) for email in state["reviewers"]]

    @property
    def reason(self) -> str | None:
        return self.why.text

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.WITHDRAWN
        aggregate.resume_status = None
        aggregate.withdrawn_at = self.timestamp
        aggregate.withdrawal_reason = self.reason
        for reviewer in self.reviewers:
            aggregate.assignments[reviewer.subject].status = AssignmentStatus.CLOSED

    def describe(self) -> Described:
        details = {"submission_number": str(self.submission_number)}
        if self.reason:
            details["reason"] = self.reason
        named = sorted(reviewer.email for reviewer in self.reviewers if reviewer.email is not None)
        if named:
            details["reviewers"] = ", ".join(named)
        return Described("withdrawn", "applicant", self.by, details)


# The review itself: assignments, answers, recommendations, and how the review concluded ---------------------


def _unsealed_reviewer(state: dict[str, Any]) -> None:
    """The upcaster of an event that held the reviewer's plain address (`reviewer_email`)."""
    state["reviewer"] = member_of(state, state.pop("reviewer_email"))


def _reviewer(member: RosterMember) -> dict[str, str]:
    """The audit trail's detail naming a reviewer; nothing once they are erased."""
    return {} if member.email is None else {"reviewer": member.email}


class ReviewerAssigned(Aggregate.Event):
    class_version = 2
    by: Actor
    reviewer: RosterMember
    slot: int

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the reviewer's address and name in plain text."""
        state["reviewer"] = member_of(state, state.pop("reviewer_email"), state.pop("reviewer_name"))

    def apply(self, aggregate: Any) -> None:
        aggregate.assignments[self.reviewer.subject] = Assignment(
            reviewer=self.reviewer, slot=self.slot, assigned_at=self.timestamp
        )

    def describe(self) -> Described:
        return Described("reviewer_assigned", "coordinator", self.by,
                         {**_reviewer(self.reviewer), "slot": str(self.slot)})


class AssignmentAnswered(Aggregate.Event):
    class_version = 3
    by: Actor
    reviewer: RosterMember
    accepted: bool
    why: CaseText

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the reviewer's reason in plain text."""
        state["why"] = CaseText(None, state.pop("reason"))

    upcast_v2_v3 = staticmethod(_unsealed_reviewer)

    @property
    def reason(self) -> str | None:
        return self.why.text

    def apply(self, aggregate: Any) -> None:
        assignment: Assignment = aggregate.assignments[self.reviewer.subject]
        assignment.status = AssignmentStatus.ACCEPTED if self.accepted else AssignmentStatus.DECLINED
        assignment.account_id = self.by.account_id

    def describe(self) -> Described:
        details = _reviewer(self.reviewer)
        if self.reason:
            details["reason"] = self.reason
        return Described("assignment_accepted" if self.accepted else "assignment_declined", "reviewer", self.by,
                         details)


class ReviewerWithdrawn(Aggregate.Event):
    class_version = 3
    by: Actor
    reviewer: RosterMember
    why: CaseText

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the coordinator's reason in plain text."""
        state["why"] = CaseText(None, state.pop("reason"))

    upcast_v2_v3 = staticmethod(_unsealed_reviewer)

    @property
    def reason(self) -> str | None:
        return self.why.text

    def apply(self, aggregate: Any) -> None:
        aggregate.assignments[self.reviewer.subject].status = AssignmentStatus.WITHDRAWN

    def describe(self) -> Described:
        return Described("reviewer_withdrawn", "coordinator", self.by,
                         {**_reviewer(self.reviewer), **({"reason": self.reason} if self.reason else {})})


class RecommendationSubmitted(Aggregate.Event):
    class_version = 4
    by: Actor
    reviewer: RosterMember
    recommendation: str
    comments: ReviewerComments
    domains_met: list[str]
    checklist: list[dict[str, Any]]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 had no competency checklist."""
        state["checklist"] = []

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Version 2 stored the comments and private notes in plain text, with no subject."""
        state["comments"] = ReviewerComments(None, state.pop("comments_for_applicant"), state.pop("private_notes"))

    upcast_v3_v4 = staticmethod(_unsealed_reviewer)

    def apply(self, aggregate: Any) -> None:
        aggregate.assignments[self.reviewer.subject].recommendation = Recommendation(
            kind=RecommendationKind(self.recommendation), at=self.timestamp,
            comments_for_applicant=self.comments.for_applicant, private_notes=self.comments.private_notes,
            domains_met=tuple(self.domains_met), checklist=tuple(ChecklistItem.of(t) for t in self.checklist),
        )

    def describe(self) -> Described:
        return Described("recommended", "reviewer", self.by,
                         {**_reviewer(self.reviewer), "recommendation": self.recommendation})


class ReviewConcluded(Aggregate.Event):
    """Every required reviewer recommended: they agree (consensus) or the coordinator must resolve it."""

    conclusion: str
    recommendation: str | None

    def apply(self, aggregate: Any) -> None:
        consensus = Conclusion(self.conclusion) is Conclusion.CONSENSUS
        aggregate.status = Status.RECOMMENDED if consensus else Status.ESCALATED
        aggregate.consensus = None if self.recommendation is None else RecommendationKind(self.recommendation)

    def describe(self) -> Described:
        details = {"conclusion": self.conclusion}
        if self.recommendation:
            details["recommendation"] = self.recommendation
        return Described("review_" + self.conclusion, "system", None, details)


# Decisions other than the plain approval (ReviewCase.Approved) ----------------------------------------------


class ApprovedAsEmerging(Aggregate.Event):
    """Endorsed as emerging: in force, with the remaining requirements due by `emerging_until`."""

    endorsement_id: UUID
    by: Actor
    effective_date: date
    renewal_date: date
    designation: str | None
    emerging_until: date

    def apply(self, aggregate: Any) -> None:
        aggregate.record_approval(self.endorsement_id, self.by, self.timestamp, self.effective_date,
                                  self.renewal_date, self.designation)
        aggregate.emerging_until = self.emerging_until

    def describe(self) -> Described:
        return Described("approved_emerging", "coordinator", self.by,
                         {"endorsement_id": str(self.endorsement_id), "effective_date": self.effective_date.isoformat(),
                          "renewal_date": self.renewal_date.isoformat(),
                          "emerging_until": self.emerging_until.isoformat()})


class ApprovedForExam(Aggregate.Event):
    by: Actor

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.APPROVED_FOR_EXAM

    def describe(self) -> Described:
        return Described("approved_for_exam", "coordinator", self.by)


class ExamScored(Aggregate.Event):
    by: Actor
    attempt: int
    taken_on: date
    part1_percent: int | None
    part1_passed: bool | None
    part2_passed: bool | None
    passed: bool
    retake_eligible_on: date | None

    def apply(self, aggregate: Any) -> None:
        record = aggregate.exam
        record.attempts = self.attempt
        record.parts_passed |= {p for p, ok in ((1, self.part1_passed), (2, self.part2_passed)) if ok}
        record.retake_eligible_on = self.retake_eligible_on
        if self.passed:
            aggregate.status = Status.EXAM_PASSED

    def describe(self) -> Described:
        return Described("exam_scored", "coordinator", self.by,
                         {"attempt": str(self.attempt), "taken_on": self.taken_on.isoformat(),
                          "passed": str(self.passed).lower()})


class Deferred(Aggregate.Event):
    class_version = 2
    by: Actor
    why: CaseText
    advice: CaseText
    earliest_rereview_on: date

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the reasons and recommendations in plain text."""
        state["why"] = CaseText.of_items(None, state.pop("reasons"))
        state["advice"] = CaseText.of_items(None, state.pop("recommendations"))

    @property
    def reasons(self) -> list[str]:
        return self.why.items

    @property
    def recommendations(self) -> list[str]:
        return self.advice.items

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.DEFERRED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.decision_reasons = list(self.reasons)
        aggregate.recommendations = list(self.recommendations)
        aggregate.earliest_rereview_on = self.earliest_rereview_on

    def describe(self) -> Described:
        return Described("deferred", "coordinator", self.by,
                         {"reasons": _items(self.reasons), "recommendations": _items(self.recommendations),
                          "earliest_rereview_on": self.earliest_rereview_on.isoformat()})


class Denied(Aggregate.Event):
    class_version = 2
    by: Actor
    why: CaseText

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the reasons in plain text."""
        state["why"] = CaseText.of_items(None, state.pop("reasons"))

    @property
    def reasons(self) -> list[str]:
        return self.why.items

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.DENIED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.decision_reasons = list(self.reasons)

    def describe(self) -> Described:
        return Described("denied", "coordinator", self.by, {"reasons": _items(self.reasons)})


# Approvals of renewal and reinstatement cases (the register entry records its own change) -------------------


class RenewalCaseApproved(Aggregate.Event):
    """The coordinator approved the renewal; the endorsement recorded `RenewalApproved` in the same transaction."""

    by: Actor
    endorsement_id: UUID
    renewal_id: UUID
    renewal_year: int
    renewal_date: date

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.APPROVED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.renewal_date = self.renewal_date

    def describe(self) -> Described:
        return Described("renewal_approved", "coordinator", self.by,
                         {"endorsement_id": str(self.endorsement_id), "renewal_year": str(self.renewal_year),
                          "renewal_date": self.renewal_date.isoformat()})


class ReinstatementCaseApproved(Aggregate.Event):
    """The reinstatement was approved; the lapsed endorsement recorded `Reinstated` in the same transaction."""

    by: Actor
    endorsement_id: UUID
    reinstatement_id: UUID
    effective_date: date
    renewal_date: date

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.APPROVED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.effective_date = self.effective_date
        aggregate.renewal_date = self.renewal_date

    def describe(self) -> Described:
        return Described("reinstatement_approved", "coordinator", self.by,
                         {"endorsement_id": str(self.endorsement_id), "reinstated_on": self.effective_date.isoformat(),
                          "renewal_date": self.renewal_date.isoformat()})
