"""Calendar arithmetic the requirement checks share, defined once so every rule counts days the same way.

- A span counts both its first and its last day: 2024-01-01 to 2024-01-01 is 1 day.
- A year of experience is 365 days (leap days are not special): 2 years = 730 days.
- A month is 365/12 days, rounded down after multiplying: 12 months = 365 days, 24 months = 730 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

DAYS_PER_YEAR = 365


def years_to_days(years: Decimal) -> int:
    """The days of experience that make `years` (2 -> 730; 1.5 -> 547)."""
    return int((years * DAYS_PER_YEAR).to_integral_value(rounding=ROUND_DOWN))


def months_to_days(months: int) -> int:
    """The days a window of `months` may span (12 -> 365, 24 -> 730)."""
    return months * DAYS_PER_YEAR // 12


def span_days(start: date, end: date) -> int:
    """Days from `start` to `end`, both included."""
    return (end - start).days + 1


def covered_days(intervals: Iterable[tuple[date, date]]) -> int:
    """Days covered by the union of inclusive intervals: overlapping periods are counted once."""
    total = 0
    current_start: date | None = None
    current_end: date | None = None
    for start, end in sorted(intervals):
        if current_end is not None and start <= current_end + timedelta(days=1):
            current_end = max(current_end, end)
            continue
        if current_start is not None and current_end is not None:
            total += span_days(current_start, current_end)
        current_start, current_end = start, end
    if current_start is not None and current_end is not None:
        total += span_days(current_start, current_end)
    return total


def as_years(days: int) -> str:
    """`730` -> `2`, `566` -> `1.55` (for messages)."""
    years = (Decimal(days) / DAYS_PER_YEAR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return format_number(years)


def format_number(value: Decimal | int) -> str:
    """`24` -> `24`, `23.50` -> `23.5` (for messages)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
