"""How values look in an email: one-line names, long dates independent of the process locale."""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def one_line(value: str) -> str:
    """Collapse all whitespace (newlines included) so a value can go into a header or a sentence."""
    return " ".join(value.split())


def long_date(day: date) -> str:
    """`December 15, 2026`."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
