"""Stored events of an Examination after it opens. Guards live in the commands (aggregate.py); an event only
records and applies what was decided, and tells the coordinator's audit trail what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..legacy import member_of
from ..personal import CaseText, RosterMember
from ..values import Actor, Described
from .attempt import (
    Accommodations,
    AccommodationsStatus,
    Attempt,
    Reconciliation,
    ScoringAssignment,
    ScoringStatus,
)


def _sealing(*names: str) -> Callable[[dict[str, Any]], None]:
    """The upcaster of an event whose free texts `names` were stored in plain text before sealing: each becomes
    `<name>_text`, a CaseText without subject (see `personal.CaseText`)."""

    def upcast(state: dict[str, Any]) -> None:
        for name in names:
            state[f"{name}_text"] = CaseText(None, state.pop(name))

    return upcast


def _unsealed_scorer(state: dict[str, Any]) -> None:
    """The upcaster of an event that held the scorer's plain address (`scorer_email`)."""
    state["scorer"] = member_of(state, state.pop("scorer_email"))


def _scorer(member: RosterMember) -> dict[str, str]:
    """The audit trail's detail naming a scorer; nothing once they are erased."""
    return {} if member.email is None else {"scorer": member.email}


def _current(aggregate: Any) -> Attempt:
    attempt: Attempt = aggregate.current
    return attempt


def _verdicts(verdicts: list[bool]) -> str:
    return " ".join("pass" if v else "fail" for v in verdicts)


class Registered(Aggregate.Event):
    """The examinee (or the coordinator, on their written request) registered for a sitting."""

    class_version = 2
    attempt: int
    sitting: date
    parts: list[int]
    candidate_number: str
    retake: bool
    accommodations_text: CaseText
    accommodations_requested: bool
    by: Actor
    by_role: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["accommodations_requested"] = state["accommodations"] is not None
        _sealing("accommodations")(state)

    @property
    def accommodations(self) -> str | None:
        """What the examinee needs (None once they are erased, as when nothing was asked)."""
        return self.accommodations_text.text

    def apply(self, aggregate: Any) -> None:
        requested = (Accommodations(self.accommodations, self.timestamp) if self.accommodations_requested
                     else None)
        aggregate.current = Attempt(
            number=self.attempt,
            sitting=self.sitting,
            parts=tuple(self.parts),
            candidate_number=self.candidate_number,
            retake=self.retake,
            registered_at=self.timestamp,
            accommodations=requested,
        )

    def describe(self) -> Described:
        return Described(
            "exam_registered",
            "applicant" if self.by_role == "applicant" else "coordinator",
            self.by,
            {
                "attempt": str(self.attempt),
                "sitting": self.sitting.isoformat(),
                "parts": ",".join(map(str, self.parts)),
                "retake": str(self.retake).lower(),
                "accommodations_requested": str(self.accommodations_requested).lower(),
            },
        )


class RegistrationWithdrawn(Aggregate.Event):
    class_version = 2
    attempt: int
    reason_text: CaseText
    by: Actor
    by_role: str
    upcast_v1_v2 = staticmethod(_sealing("reason"))

    @property
    def reason(self) -> str | None:
        return self.reason_text.text

    def apply(self, aggregate: Any) -> None:
        aggregate.withdrawn.append(aggregate.current)
        aggregate.current = None

    def describe(self) -> Described:
        return Described(
            "exam_registration_withdrawn",
            "applicant" if self.by_role == "applicant" else "coordinator",
            self.by,
            {"attempt": str(self.attempt)},
        )


class AccommodationsRequested(Aggregate.Event):
    class_version = 2
    attempt: int
    details_text: CaseText
    by: Actor
    by_role: str
    upcast_v1_v2 = staticmethod(_sealing("details"))

    @property
    def details(self) -> str | None:
        return self.details_text.text

    def apply(self, aggregate: Any) -> None:
        _current(aggregate).accommodations = Accommodations(self.details, self.timestamp)

    def describe(self) -> Described:
        # the details may concern health: they stay in the examination, out of the trail
        return Described(
            "accommodations_requested",
            "applicant" if self.by_role == "applicant" else "coordinator",
            self.by,
            {"attempt": str(self.attempt)},
        )


class AccommodationsDecided(Aggregate.Event):
    class_version = 2
    attempt: int
    granted: bool
    note_text: CaseText
    by: Actor
    upcast_v1_v2 = staticmethod(_sealing("note"))

    @property
    def note(self) -> str | None:
        return self.note_text.text

    def apply(self, aggregate: Any) -> None:
        accommodations = _current(aggregate).accommodations
        assert accommodations is not None
        accommodations.status = AccommodationsStatus.GRANTED if self.granted else AccommodationsStatus.DECLINED
        accommodations.note = self.note
        accommodations.decided_at = self.timestamp

    def describe(self) -> Described:
        return Described(
            "accommodations_decided",
            "coordinator",
            self.by,
            {"attempt": str(self.attempt), "granted": str(self.granted).lower()},
        )


class Part1Recorded(Aggregate.Event):
    """The multiple-choice result the delivery platform reported."""

    attempt: int
    percent: int
    passed: bool
    by: Actor

    def apply(self, aggregate: Any) -> None:
        attempt = _current(aggregate)
        attempt.part1_percent, attempt.part1_passed = self.percent, self.passed

    def describe(self) -> Described:
        return Described(
            "exam_part1_recorded",
            "coordinator",
            self.by,
            {"attempt": str(self.attempt), "percent": str(self.percent), "passed": str(self.passed).lower()},
        )


class ScoringOpened(Aggregate.Event):
    """The vignette responses are ready for blind scoring, under a reference that does not identify the examinee."""

    attempt: int
    responses_ref: str
    vignettes: int
    by: Actor

    def apply(self, aggregate: Any) -> None:
        attempt = _current(aggregate)
        attempt.responses_ref, attempt.vignettes = self.responses_ref, self.vignettes
        attempt.scoring_opened_by = self.by

    def describe(self) -> Described:
        return Described(
            "exam_scoring_opened",
            "coordinator",
            self.by,
            {"attempt": str(self.attempt), "vignettes": str(self.vignettes)},
        )


class ScorerAssigned(Aggregate.Event):
    """Carries what the scorer's queue shows (and nothing about the examinee)."""

    class_version = 2
    attempt: int
    assignment_id: UUID
    scorer: RosterMember
    slot: int
    due_on: date
    candidate_number: str
    responses_ref: str
    vignettes: int
    by: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 held the scorer's address and name in plain text."""
        state["scorer"] = member_of(state, state.pop("scorer_email"), state.pop("scorer_name"))

    def apply(self, aggregate: Any) -> None:
        _current(aggregate).assignments[self.assignment_id] = ScoringAssignment(
            id=self.assignment_id,
            scorer=self.scorer,
            slot=self.slot,
            assigned_at=self.timestamp,
            due_on=self.due_on,
        )

    def describe(self) -> Described:
        return Described(
            "exam_scorer_assigned",
            "coordinator",
            self.by,
            {
                "attempt": str(self.attempt),
                **_scorer(self.scorer),
                "slot": str(self.slot),
                "due_on": self.due_on.isoformat(),
            },
        )


class ScorerWithdrawn(Aggregate.Event):
    class_version = 3
    attempt: int
    assignment_id: UUID
    scorer: RosterMember
    reason_text: CaseText
    by: Actor
    upcast_v1_v2 = staticmethod(_sealing("reason"))
    upcast_v2_v3 = staticmethod(_unsealed_scorer)

    @property
    def reason(self) -> str | None:
        return self.reason_text.text

    def apply(self, aggregate: Any) -> None:
        _current(aggregate).assignments[self.assignment_id].status = ScoringStatus.WITHDRAWN

    def describe(self) -> Described:
        return Described(
            "exam_scorer_withdrawn", "coordinator", self.by, {"attempt": str(self.attempt), **_scorer(self.scorer)}
        )


class ScoreSubmitted(Aggregate.Event):
    class_version = 3
    attempt: int
    assignment_id: UUID
    scorer: RosterMember
    verdicts: list[bool]
    comments_text: CaseText
    by: Actor
    upcast_v1_v2 = staticmethod(_sealing("comments"))
    upcast_v2_v3 = staticmethod(_unsealed_scorer)

    @property
    def comments(self) -> str | None:
        return self.comments_text.text

    def apply(self, aggregate: Any) -> None:
        assignment = _current(aggregate).assignments[self.assignment_id]
        assignment.status = ScoringStatus.SCORED
        assignment.verdicts = tuple(self.verdicts)
        assignment.comments = self.comments
        assignment.scored_at = self.timestamp

    def describe(self) -> Described:
        return Described(
            "exam_scored_by_scorer",
            "scorer",
            self.by,
            {"attempt": str(self.attempt), **_scorer(self.scorer), "verdicts": _verdicts(self.verdicts)},
        )


class ScoresDisagreed(Aggregate.Event):
    """The two scorers judged a vignette differently: a third scorer or the coordinator reconciles."""

    attempt: int
    disputed: list[int]

    def apply(self, aggregate: Any) -> None:
        _current(aggregate).disputed = tuple(self.disputed)

    def describe(self) -> Described:
        return Described(
            "exam_scores_disagreed",
            "system",
            None,
            {"attempt": str(self.attempt), "vignettes": ",".join(str(i + 1) for i in self.disputed)},
        )


class Part2Reconciled(Aggregate.Event):
    class_version = 2
    attempt: int
    verdicts: list[bool]
    passed: bool
    method: str
    note_text: CaseText
    by: Actor | None
    upcast_v1_v2 = staticmethod(_sealing("note"))

    @property
    def note(self) -> str | None:
        return self.note_text.text

    def apply(self, aggregate: Any) -> None:
        attempt = _current(aggregate)
        attempt.part2_verdicts, attempt.part2_passed = tuple(self.verdicts), self.passed
        attempt.reconciled_by, attempt.reconciliation_note = Reconciliation(self.method), self.note
        for assignment in attempt.assignments.values():
            if assignment.status is ScoringStatus.ASSIGNED:
                assignment.status = ScoringStatus.CLOSED

    def describe(self) -> Described:
        details = {
            "attempt": str(self.attempt),
            "method": self.method,
            "passed": str(self.passed).lower(),
            "verdicts": _verdicts(self.verdicts),
        }
        return Described("exam_part2_reconciled", "system" if self.by is None else "coordinator", self.by, details)


class ResultRecordedDirectly(Aggregate.Event):
    """An attempt scored and reconciled outside the service, as the coordinator recorded it on the case."""

    attempt: int
    taken_on: date
    parts: list[int]
    part1_percent: int | None
    part1_passed: bool | None
    part2_passed: bool | None
    by: Actor

    def apply(self, aggregate: Any) -> None:
        aggregate.current = Attempt(
            number=self.attempt,
            sitting=self.taken_on,
            parts=tuple(self.parts),
            candidate_number=None,
            retake=False,
            registered_at=self.timestamp,
            part1_percent=self.part1_percent,
            part1_passed=self.part1_passed,
            part2_passed=self.part2_passed,
            reconciled_by=None if self.part2_passed is None else Reconciliation.DIRECT,
        )

    def describe(self) -> Described:
        return Described(
            "exam_result_recorded",
            "coordinator",
            self.by,
            {"attempt": str(self.attempt), "taken_on": self.taken_on.isoformat()},
        )


class AttemptConcluded(Aggregate.Event):
    """Every part of the attempt has its result: the case records it (and publishes ExamScored)."""

    attempt: int
    taken_on: date
    part1_passed: bool | None
    part2_passed: bool | None
    passed: bool
    retake_eligible_on: date | None

    def apply(self, aggregate: Any) -> None:
        attempt = _current(aggregate)
        attempt.concluded, attempt.passed, attempt.retake_eligible_on = True, self.passed, self.retake_eligible_on
        record = aggregate.record
        record.attempts = self.attempt
        record.parts_passed |= {p for p, ok in ((1, self.part1_passed), (2, self.part2_passed)) if ok}
        record.retake_eligible_on = self.retake_eligible_on
        aggregate.attempts.append(attempt)
        aggregate.current = None

    def describe(self) -> Described:
        details = {"attempt": str(self.attempt), "passed": str(self.passed).lower()}
        if self.retake_eligible_on is not None:
            details["retake_eligible_on"] = self.retake_eligible_on.isoformat()
        return Described("exam_attempt_concluded", "system", None, details)


class FeedbackSent(Aggregate.Event):
    """Feedback to the examinee on a concluded attempt, whatever its outcome (§3.6)."""

    class_version = 2
    attempt: int
    feedback_text: CaseText
    by: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["feedback_text"] = CaseText(None, state.pop("text"))

    @property
    def text(self) -> str | None:
        return self.feedback_text.text

    def apply(self, aggregate: Any) -> None:
        attempt: Attempt = next(a for a in aggregate.attempts if a.number == self.attempt)
        attempt.feedback, attempt.feedback_at = self.text, self.timestamp

    def describe(self) -> Described:
        return Described("exam_feedback_sent", "coordinator", self.by, {"attempt": str(self.attempt)})


class Cancelled(Aggregate.Event):
    """The applicant withdrew the application: an open registration ends (it counts no attempt), its scorers'
    assignments close, and the examination admits nothing more."""

    attempt: int | None
    """The registration that ended, if one was open."""
    by: Actor

    def apply(self, aggregate: Any) -> None:
        aggregate.cancelled = True
        attempt: Attempt | None = aggregate.current
        if attempt is not None:
            for assignment in attempt.assignments.values():
                if assignment.status is ScoringStatus.ASSIGNED:
                    assignment.status = ScoringStatus.CLOSED
            aggregate.withdrawn.append(attempt)
            aggregate.current = None

    def describe(self) -> Described:
        details = {} if self.attempt is None else {"attempt": str(self.attempt)}
        return Described("exam_cancelled", "applicant", self.by, details)
