"""Review cycles: the intake windows an association reviews in (quarterly, monthly, or rolling).

A cycle is a calendar period (a quarter or a month). Its intake opens when the period starts and closes at its
deadline, on a day of the period, in the association's timezone. A submission received before a cycle's deadline
belongs to it; one received at or after the deadline (or in a period without intake) belongs to the next cycle and
waits until that cycle opens. Rolling intake has no cycles.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from .errors import CycleNotOpen


class Cadence(StrEnum):
    ROLLING = "rolling"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


MONTHS_PER_PERIOD = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3}
PERIODS_PER_YEAR = {Cadence.MONTHLY: 12, Cadence.QUARTERLY: 4}
MAX_DEADLINE_DAY = {Cadence.MONTHLY: 31, Cadence.QUARTERLY: 92}


@dataclass(frozen=True)
class Cycle:
    """One intake window: submissions received before `deadline` are reviewed from `opens_at` on."""

    id: str
    opens_at: datetime
    deadline: datetime

    def is_open(self, now: datetime) -> bool:
        return now >= self.opens_at


@dataclass(frozen=True)
class CycleCalendar:
    """An association's cycles, as its review data describes them."""

    cadence: Cadence
    timezone: tzinfo
    deadline_day: int | None = None
    """The day of the period (1 = its first day) whose end, or `deadline_time`, closes intake; None: its last day."""
    deadline_time: time | None = None
    """The local time intake closes on the deadline day; None: at the end of that day."""
    periods: frozenset[int] = frozenset()
    """The periods of a year (months 1-12, or quarters 1-4) that have an intake window; empty: every one."""

    def __post_init__(self) -> None:
        if self.cadence is Cadence.ROLLING:
            raise ValueError("rolling intake has no cycle calendar")
        if self.deadline_day is not None and not 1 <= self.deadline_day <= MAX_DEADLINE_DAY[self.cadence]:
            raise ValueError(f"a {self.cadence} deadline day is 1 to {MAX_DEADLINE_DAY[self.cadence]}")
        if not self.periods <= set(range(1, PERIODS_PER_YEAR[self.cadence] + 1)):
            raise ValueError(f"{self.cadence} periods are numbered 1 to {PERIODS_PER_YEAR[self.cadence]}")

    def cycle_for(self, received_at: datetime) -> Cycle:
        """The cycle a submission received at this instant belongs to (its own period's, or a later one)."""
        if received_at.tzinfo is None:
            raise ValueError("the time of receipt must be timezone-aware")
        local = received_at.astimezone(self.timezone)
        year, number = local.year, (local.month - 1) // MONTHS_PER_PERIOD[self.cadence] + 1
        for _ in range(PERIODS_PER_YEAR[self.cadence] + 1):
            if not self.periods or number in self.periods:
                cycle = self._cycle(year, number)
                if received_at < cycle.deadline:
                    return cycle
            year, number = (year + 1, 1) if number == PERIODS_PER_YEAR[self.cadence] else (year, number + 1)
        raise AssertionError("every year has a period with intake")  # periods is never empty here

    def _cycle(self, year: int, number: int) -> Cycle:
        first_month = (number - 1) * MONTHS_PER_PERIOD[self.cadence] + 1
        starts = date(year, first_month, 1)
        last_month = first_month + MONTHS_PER_PERIOD[self.cadence] - 1
        ends = date(year, last_month, calendar.monthrange(year, last_month)[1])
        deadline_day = ends if self.deadline_day is None else min(ends, starts + timedelta(days=self.deadline_day - 1))
        if self.deadline_time is None:
            deadline = datetime.combine(deadline_day + timedelta(days=1), time(0), self.timezone)
        else:
            deadline = datetime.combine(deadline_day, self.deadline_time, self.timezone)
        label = f"{year}-Q{number}" if self.cadence is Cadence.QUARTERLY else f"{year}-{number:02d}"
        return Cycle(id=label, opens_at=datetime.combine(starts, time(0), self.timezone), deadline=deadline)


def require_cycle_open(cycle: str | None, opens_at: datetime | None, now: datetime) -> None:
    """Refuse work on a case whose cycle has not opened yet (it waits for its intake window)."""
    if cycle is not None and opens_at is not None and now < opens_at:
        raise CycleNotOpen(f"the case belongs to cycle {cycle}, which opens at {opens_at.isoformat()}")
