"""Stored events of a case's decisions other than the plain approval (ReviewCase.Approved)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .lifecycle import Status
from .personal import CaseText
from .values import Actor, Described


def _items(items: list[str]) -> str:
    return "; ".join(items)


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
