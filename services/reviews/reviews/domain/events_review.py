"""Stored events of the review itself: assignments, answers, recommendations, and how the review concluded.

Each event about an assignment names its reviewer as a `RosterMember` (address and name sealed under the keyed
subject of the address); the case finds the assignment by that subject. Older versions held the plain address:
their upcasters ask the store for its subject (`legacy.member_of`).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from .assignment import Assignment, AssignmentStatus, Conclusion, Recommendation, RecommendationKind
from .checklist import ChecklistItem
from .legacy import member_of
from .lifecycle import Status
from .personal import CaseText, ReviewerComments, RosterMember
from .values import Actor, Described


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
