"""An association's review policy: how many reviewers, who may decide, and the dated rules per category."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from types import MappingProxyType

from .examination.rules import ExaminationRules

__all__ = ["DEFAULT_POLICY", "CategoryRules", "ExaminationRules", "Period", "ReviewPolicy"]


@dataclass(frozen=True)
class Period:
    """The days a rule is in force, both ends included; an open end is unbounded."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError(f"a period cannot end ({self.until}) before it starts ({self.since})")

    def includes(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class CategoryRules:
    """Per category: its rank for reviewer eligibility, when it needs the exam, whether it may be emerging."""

    rank: int
    exam_required: tuple[Period, ...] = ()
    emerging_years: int | None = None


@dataclass(frozen=True)
class ReviewPolicy:
    reviewers_per_case: int = 1
    sequential: bool = True
    """The second reviewer is assigned only once the first recommended (domain §4.3)."""
    blind: bool = True
    """A reviewer sees no other reviewer's recommendation before submitting their own."""
    coordinator_decides_directly: bool = True
    """The coordinator may decide without a reviewer's recommendation; a decision on an open case attests its
    completeness."""
    denial_allowed: bool = False
    exam: ExaminationRules = field(default_factory=ExaminationRules)
    categories: Mapping[str, CategoryRules] = field(default_factory=lambda: MappingProxyType({}))
    timezone: tzinfo = UTC

    def __post_init__(self) -> None:
        if self.reviewers_per_case not in (1, 2):
            raise ValueError("a case has 1 or 2 reviewers")

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def exam_required(self, category: str, received_at: datetime) -> bool:
        """Whether the rule set in force when the application was received requires the exam."""
        rules = self.categories.get(category)
        received_on = self.local_date(received_at)
        return rules is not None and any(p.includes(received_on) for p in rules.exam_required)

    def emerging_years(self, category: str) -> int | None:
        rules = self.categories.get(category)
        return None if rules is None else rules.emerging_years

    def rank(self, category: str) -> int | None:
        rules = self.categories.get(category)
        return None if rules is None else rules.rank


DEFAULT_POLICY = ReviewPolicy()
"""One reviewer, coordinator decides directly, no denials, no exam, no emerging: the walking skeleton's rules."""
