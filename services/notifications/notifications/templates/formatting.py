"""How values look in an email: one-line names, long dates independent of the process locale."""

from __future__ import annotations

from datetime import date

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
