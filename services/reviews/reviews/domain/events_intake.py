"""Stored events of a case between receipt and review: completeness, and pausing for the applicant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from .assignment import AssignmentStatus
from .legacy import member_of
from .lifecycle import Status
from .personal import CaseText, RosterMember
from .values import Actor, Described


def _items(items: list[str]) -> str:
    return "; ".join(items)


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
