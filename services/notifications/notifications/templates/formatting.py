"""How values look in an email: one-line names, long dates independent of the process locale."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}


def one_line(value: str) -> str:
    """Collapse all whitespace (newlines included) so a value can go into a header or a sentence."""
    return " ".join(value.split())


def long_date(day: date, language: str = "en") -> str:
    """`December 15, 2026`; in Spanish `15 de diciembre de 2026`; English for a language without month names."""
    if language == "es":
        return f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"
    return f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}"


def long_moment(moment: datetime, language: str = "en") -> str:
    """`December 15, 2026 at 9:05 PM MST`; in Spanish `15 de diciembre de 2026 a las 21:05 (MST)`: the moment
    on its own clock (convert it to the association's time zone first)."""
    zone = moment.tzname() or ""
    if language == "es":
        return f"{long_date(moment.date(), 'es')} a las {moment:%H:%M}" + (f" ({zone})" if zone else "")
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{long_date(moment.date())} at {clock}" + (f" {zone}" if zone else "")
