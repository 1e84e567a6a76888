"""An association's examination rules (domain §3.6): pass mark, retake timing, notice periods and the sittings.

Sourced: part 1 passes at 80% or better; a retake is requested at least 8 weeks before the administration and
taken at least one year after the last attempt; accommodations are requested at least 2 weeks before (CT).
Everything else (the sitting dates, when first registrations close, the scorers and their time) is the association's
data.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reviewers.py imports the policy, which imports this module
    from ..reviewers import Reviewer


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the target month lacks falls on its last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Sitting:
    """One administration of the exam, and the last day a first attempt may register for it."""

    on: date
    registration_closes: date

    def __post_init__(self) -> None:
        if self.registration_closes >= self.on:
            raise ValueError(f"registration for the sitting of {self.on} must close before that day")


@dataclass(frozen=True)
class ExaminationRules:
    pass_percent: int = 80
    """Part 1 (multiple choice) passes at this percentage or better."""
    retake_wait_months: int = 12
    """A failed part may be retaken no sooner than this many calendar months after the attempt."""
    retake_wait_days: int | None = None
    """Older review files counted the wait in days; when set, it replaces `retake_wait_months`."""
    retake_notice_weeks: int = 8
    """A retake is requested at least this long before the sitting."""
    accommodations_notice_weeks: int = 2
    """Accommodations are requested at least this long before the sitting."""
    scoring_days: int = 21
    """Scorers' default time to score the vignettes, from the day they are assigned."""
    sittings: tuple[Sitting, ...] = ()
    scorers: Mapping[str, Reviewer] = field(default_factory=lambda: MappingProxyType({}))
    """The volunteers who score part 2, by email; eligible and conflicted as reviewers are."""

    def retake_eligible_on(self, taken_on: date) -> date:
        """The first day a part failed at the attempt of `taken_on` may be taken again."""
        if self.retake_wait_days is not None:
            return taken_on + timedelta(days=self.retake_wait_days)
        return add_months(taken_on, self.retake_wait_months)

    def retake_notice_deadline(self, sitting_on: date) -> date:
        """The last day a retake at the sitting of `sitting_on` may be requested."""
        return sitting_on - timedelta(weeks=self.retake_notice_weeks)

    def accommodations_deadline(self, sitting_on: date) -> date:
        """The last day accommodations for the sitting of `sitting_on` may be requested."""
        return sitting_on - timedelta(weeks=self.accommodations_notice_weeks)

    def sitting(self, on: date) -> Sitting | None:
        return next((s for s in self.sittings if s.on == on), None)
