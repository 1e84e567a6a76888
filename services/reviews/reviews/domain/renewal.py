"""When an endorsement falls due for renewal, when renewals open, and when an unrenewed one is removed."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class FirstRenewal(StrEnum):
    NEXT_YEAR = "next_year"
    """No renewal is due in the year of initial endorsement: the first is the due date of the next year."""


@dataclass(frozen=True)
class RenewalRule:
    """An annual due date (month-day) and when the first renewal falls."""

    due_month: int
    due_day: int
    first_renewal: FirstRenewal = FirstRenewal.NEXT_YEAR

    def __post_init__(self) -> None:
        if not 1 <= self.due_month <= 12 or not 1 <= self.due_day <= calendar.monthrange(2024, self.due_month)[1]:
            raise ValueError(f"{self.due_month:02d}-{self.due_day:02d} is not a month-day")

    @classmethod
    def parse(cls, month_day: str, first_renewal: str = FirstRenewal.NEXT_YEAR) -> RenewalRule:
        """Read a `MM-DD` due date and a first-renewal rule name; ValueError when either is invalid."""
        month, sep, day = month_day.partition("-")
        if not sep or not month.isdigit() or not day.isdigit():
            raise ValueError(f"renewal due date {month_day!r} is not MM-DD")
        return cls(int(month), int(day), FirstRenewal(first_renewal))

    def first_renewal_date(self, effective: date) -> date:
        """The first renewal due date of an endorsement effective on `effective`."""
        year = effective.year + 1  # FirstRenewal.NEXT_YEAR, the only rule so far
        return self._due_in(year)

    def next_due_date(self, due: date) -> date:
        """The due date after a renewal that was due on `due`: the same month-day a year on."""
        return self._due_in(due.year + 1)

    def _due_in(self, year: int) -> date:
        last_day = calendar.monthrange(year, self.due_month)[1]
        return date(year, self.due_month, min(self.due_day, last_day))  # 02-29 falls on 02-28 in common years


@dataclass(frozen=True)
class MonthDay:
    """A day of the year, as association rules state dates ("02-01"); 29 February falls on the 28th."""

    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.day <= calendar.monthrange(2024, self.month)[1]:
            raise ValueError(f"{self.month:02d}-{self.day:02d} is not a month-day")

    @classmethod
    def parse(cls, month_day: str) -> MonthDay:
        month, sep, day = month_day.partition("-")
        if not sep or not month.isdigit() or not day.isdigit():
            raise ValueError(f"{month_day!r} is not MM-DD")
        return cls(int(month), int(day))

    def in_year(self, year: int) -> date:
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def on_or_after(self, day: date) -> date:
        candidate = self.in_year(day.year)
        return candidate if candidate >= day else self.in_year(day.year + 1)

    def on_or_before(self, day: date) -> date:
        candidate = self.in_year(day.year)
        return candidate if candidate <= day else self.in_year(day.year - 1)


@dataclass(frozen=True)
class RenewalTerms:
    """The association's renewal rule with its window and removal date (domain §5.2)."""

    rule: RenewalRule
    removal: MonthDay | None = None
    """An endorsement not renewed by this day (the first on or after the due date) is removed; none: the due date."""
    window_opens: MonthDay | None = None
    """Renewals for a due date may be approved from this day (the last on or before it); none: any time."""

    def removal_date(self, due: date) -> date:
        return due if self.removal is None else self.removal.on_or_after(due)

    def opens_on(self, due: date) -> date | None:
        return None if self.window_opens is None else self.window_opens.on_or_before(due)
