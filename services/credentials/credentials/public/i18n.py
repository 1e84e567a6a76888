"""Languages and dates of the public pages and the certificate: English and Spanish, one date format.

The language is chosen by `?lang=es|en`, else the `Accept-Language` header, else the association's default.
Every date is a calendar date in the association's time zone, written the same way everywhere:
"December 15, 2027" / "15 de diciembre de 2027" (as the emails write them); a moment adds the time and the zone's
abbreviation ("June 1, 2025 at 5:00 AM MST" / "1 de junio de 2025 a las 05:00 (MST)").
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Final

LANGUAGES: Final = ("en", "es")
DEFAULT_LANGUAGE: Final = "en"
LANGUAGE_NAMES: Final = {"en": "English", "es": "Español"}

_MONTHS: Final = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}


def supported(value: str | None) -> str | None:
    """`value` as a supported language code ("es-MX" → "es"), or None."""
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if primary in LANGUAGES else None


def choose_language(requested: str | None, accept_language: str | None, default: str | None) -> str:
    """`?lang=` if supported, else the best supported language of `Accept-Language`, else `default`, else English."""
    return (supported(requested) or _from_accept_language(accept_language) or supported(default)
            or DEFAULT_LANGUAGE)


def _from_accept_language(header: str | None) -> str | None:
    """The supported language with the highest quality in an RFC 9110 `Accept-Language` header."""
    best, best_quality = None, 0.0
    for item in (header or "").split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        language = supported(tag)
        if language is not None and quality > best_quality:  # strictly: the earlier of equal qualities wins
            best, best_quality = language, quality
    return best


def long_date(value: date, lang: str) -> str:
    """"December 15, 2027" / "15 de diciembre de 2027"."""
    month = _MONTHS.get(lang, _MONTHS[DEFAULT_LANGUAGE])[value.month - 1]
    if lang == "es":
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


def local_moment(value: datetime, zone: tzinfo, lang: str) -> str:
    """A moment in the association's zone: its date as `long_date`, the 24-hour time and the zone's abbreviation."""
    local = value.astimezone(zone)
    name = local.tzname() or ""
    if lang == "es":
        return f"{long_date(local.date(), lang)} a las {local:%H:%M}" + (f" ({name})" if name else "")
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    return f"{long_date(local.date(), lang)} at {clock}" + (f" {name}" if name else "")


def local_date(value: datetime, zone: tzinfo) -> date:
    return value.astimezone(zone).date()
