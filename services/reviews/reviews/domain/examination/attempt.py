"""One attempt inside an Examination: its registration, accommodations, part results and the blind scoring of
its vignettes. Mutable state changed only by the examination's events; the rules of blind scoring as functions."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from ..errors import InvalidResponsesReference
from ..personal import RosterMember
from ..values import Actor, Applicant

MAX_VIGNETTES = 3
"""Part 2 asks for 2 of 3 vignettes (IMHS, IMHM-C) or 1-2 essays (IMHM-P, R/F): at most 3 responses (§3.6)."""

FIRST_ROUND = (1, 2)
"""Slots of the two scorers every vignette response gets ("a team of two reviewers", §3.6)."""
THIRD_SCORER = 3
"""The slot of the scorer who breaks a disagreement, when the coordinator asks one instead of deciding."""

CANDIDATE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed without mistakes
MAX_REFERENCE_LENGTH = 200


def new_candidate_number() -> str:
    """A random anonymous number per attempt: nothing in it comes from the examinee."""
    chars = "".join(secrets.choice(CANDIDATE_ALPHABET) for _ in range(8))
    return f"C-{chars[:4]}-{chars[4:]}"


class AccommodationsStatus(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    DECLINED = "declined"


@dataclass
class Accommodations:
    details: str | None
    """None once the examinee was erased."""
    requested_at: datetime
    status: AccommodationsStatus = AccommodationsStatus.REQUESTED
    note: str | None = None
    decided_at: datetime | None = None


class ScoringStatus(StrEnum):
    ASSIGNED = "assigned"
    SCORED = "scored"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    """Not needed any more: the coordinator reconciled before this scorer submitted."""


@dataclass
class ScoringAssignment:
    id: UUID
    scorer: RosterMember
    """Their address and name sealed under the keyed subject of the address (None once they are erased)."""
    slot: int
    assigned_at: datetime
    due_on: date
    status: ScoringStatus = ScoringStatus.ASSIGNED
    verdicts: tuple[bool, ...] | None = None
    """Pass (True) or fail per vignette response, in the order of the responses."""
    comments: str | None = None
    scored_at: datetime | None = None

    @property
    def scorer_subject(self) -> str:
        return self.scorer.subject

    @property
    def scorer_email(self) -> str | None:
        return self.scorer.email

    @property
    def scorer_name(self) -> str | None:
        return self.scorer.name

    @property
    def is_live(self) -> bool:
        """Assigned or scored: the assignment holds its slot."""
        return self.status in (ScoringStatus.ASSIGNED, ScoringStatus.SCORED)


class Reconciliation(StrEnum):
    AGREEMENT = "agreement"
    THIRD_SCORER = "third_scorer"
    COORDINATOR = "coordinator"
    DIRECT = "direct"
    """Recorded by the coordinator as reconciled outside the service (the case's exam-results override)."""


@dataclass
class Attempt:
    number: int
    sitting: date
    parts: tuple[int, ...]
    candidate_number: str | None
    retake: bool
    registered_at: datetime
    accommodations: Accommodations | None = None
    part1_percent: int | None = None
    part1_passed: bool | None = None
    responses_ref: str | None = None
    vignettes: int | None = None
    scoring_opened_by: Actor | None = None
    assignments: dict[UUID, ScoringAssignment] = field(default_factory=dict)
    disputed: tuple[int, ...] = ()
    """Vignettes (0-based) on which the two scorers disagree."""
    part2_verdicts: tuple[bool, ...] | None = None
    part2_passed: bool | None = None
    reconciled_by: Reconciliation | None = None
    reconciliation_note: str | None = None
    concluded: bool = False
    passed: bool | None = None
    """After this attempt, every part has been passed."""
    retake_eligible_on: date | None = None
    feedback: str | None = None
    feedback_at: datetime | None = None

    @property
    def scoring_open(self) -> bool:
        return self.responses_ref is not None

    @property
    def escalated(self) -> bool:
        return bool(self.disputed) and self.part2_passed is None

    @property
    def pending_parts(self) -> list[int]:
        """Parts of this attempt still without a result."""
        pending = [1] if 1 in self.parts and self.part1_percent is None else []
        return pending + ([2] if 2 in self.parts and self.part2_passed is None else [])

    def live_in(self, slot: int) -> ScoringAssignment | None:
        return next((a for a in self.assignments.values() if a.slot == slot and a.is_live), None)

    def scored(self, slots: Iterable[int]) -> list[ScoringAssignment]:
        wanted = set(slots)
        return sorted(
            (a for a in self.assignments.values() if a.slot in wanted and a.status is ScoringStatus.SCORED),
            key=lambda a: a.slot,
        )


@dataclass(frozen=True)
class Concluded:
    """An attempt with every result, for the review case to record."""

    taken_on: date
    part1_percent: int | None
    part2_passed: bool | None
    passed: bool
    by: Actor
    """Who the case records the result by: the coordinator who acted, or, when the scorers' agreement completed
    the results, the coordinator who handed out the vignettes (a scorer is never linked to an examinee)."""


def disagreements(first: Sequence[bool], second: Sequence[bool]) -> tuple[int, ...]:
    """The vignettes two scorers judged differently; none means they agree on the result."""
    return tuple(i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b)


def broken_tie(first: Sequence[bool], second: Sequence[bool], third: Sequence[bool]) -> tuple[bool, ...]:
    """Per vignette, the verdict two of the three scorers share."""
    return tuple(a if a == b else c for a, b, c in zip(first, second, third, strict=True))


def part2_passes(verdicts: Sequence[bool]) -> bool:
    """[I] Part 2 passes when every vignette response passes (the rubric is not public, §3.6 and §9)."""
    return all(verdicts)


def checked_reference(reference: str, applicant: Applicant, application_id: UUID) -> str:
    """Where scorers find the responses (e.g. the delivery platform's result id); it must not identify the
    examinee, since scorers see it."""
    cleaned = " ".join(reference.split())
    if not cleaned or len(cleaned) > MAX_REFERENCE_LENGTH:
        raise InvalidResponsesReference(f"the responses' reference has 1 to {MAX_REFERENCE_LENGTH} characters")
    folded = cleaned.casefold()
    email = (applicant.email or "").casefold()  # an erased examinee's name and address are gone: ids still count
    local_part = email.partition("@")[0]
    personal = {w for w in _words(f"{applicant.name or ''} {local_part}") if len(w) >= 3}
    identifying = (
        (bool(email) and email in folded)
        or str(application_id) in folded
        or str(applicant.account_id) in folded
        or bool(personal & _words(folded))
    )
    if identifying:
        raise InvalidResponsesReference("the responses' reference must not identify the examinee: scorers see it")
    return cleaned


def _words(text: str) -> set[str]:
    """Names and email parts are compared as whole words: "Ana" is in "QM-ANA-7", not in "QM-BANANA-7"."""
    return set(re.findall(r"[^\W_]+", text.casefold()))
