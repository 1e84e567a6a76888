"""Examination attempts as the review case records them: part 1 (multiple choice, pass mark from the rules) and part 2
(vignettes, reconciled by two blind scorers: see `aggregate.py`), each part passed once and retaken separately
after the waiting time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..errors import InvalidExamResult, RetakeTooEarly
from .rules import ExaminationRules

PARTS = (1, 2)


@dataclass
class ExaminationRecord:
    attempts: int = 0
    parts_passed: set[int] = field(default_factory=set)
    retake_eligible_on: date | None = None

    @property
    def passed(self) -> bool:
        return self.parts_passed >= set(PARTS)


@dataclass(frozen=True)
class ExaminationOutcome:
    attempt: int
    part1_passed: bool | None
    part2_passed: bool | None
    passed: bool
    retake_eligible_on: date | None


def score(record: ExaminationRecord, *, taken_on: date, today: date, part1_percent: int | None,
          part2_passed: bool | None, rules: ExaminationRules) -> ExaminationOutcome:
    """The outcome of one attempt: every part not yet passed must be scored; none may be scored twice."""
    if taken_on > today:
        raise InvalidExamResult(f"the exam cannot have been taken in the future ({taken_on})")
    if record.retake_eligible_on is not None and taken_on < record.retake_eligible_on:
        raise RetakeTooEarly(f"a retake is possible from {record.retake_eligible_on}, not {taken_on}")
    if part1_percent is not None and not 0 <= part1_percent <= 100:
        raise InvalidExamResult("part 1 is scored as a percentage from 0 to 100")
    due = set(PARTS) - record.parts_passed
    scored = {1} if part1_percent is not None else set()
    scored |= {2} if part2_passed is not None else set()
    if scored != due:
        raise InvalidExamResult(f"this attempt must score part(s) {sorted(due)}, no more and no less")
    part1 = None if part1_percent is None else part1_percent >= rules.pass_percent
    passed_now = {p for p, ok in ((1, part1), (2, part2_passed)) if ok}
    passed = (record.parts_passed | passed_now) >= set(PARTS)
    retake = None if passed else rules.retake_eligible_on(taken_on)
    return ExaminationOutcome(record.attempts + 1, part1, part2_passed, passed, retake)
