"""When an endorsement first falls due for renewal, from the association's renewal rule."""

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

    def _due_in(self, year: int) -> date:
        last_day = calendar.monthrange(year, self.due_month)[1]
        return date(year, self.due_month, min(self.due_day, last_day))  # 02-29 falls on 02-28 in common years
