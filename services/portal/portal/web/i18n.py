"""English and Spanish: gettext catalogs read from the .po files at start-up, language choice, date formats."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.messages.pofile import read_po

LANGUAGES = ("en", "es")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# One format for every date, as the emails, the credential pages and the PDF write them:
# "December 15, 2027" / "15 de diciembre de 2027".
BABEL_LOCALES = {"en": "en_US", "es": "es"}

current_language: ContextVar[str] = ContextVar("portal_language", default="en")
_catalogs: dict[str, dict[str, str | tuple[str, ...]]] = {}


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> dict[str, dict[str, str | tuple[str, ...]]]:
    """Merge every .po file of each language (portal.po, apply.po, ...) into one message table."""
    _catalogs.clear()
    for language in LANGUAGES:
        table: dict[str, str | tuple[str, ...]] = {}
        folder = locale_dir / language / "LC_MESSAGES"
        for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                if not message.id or message.fuzzy:
                    continue
                key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
                value: Any = message.string
                if isinstance(value, (list, tuple)):
                    if all(value):
                        table[key] = tuple(value)
                elif value:
                    table[key] = value
        _catalogs[language] = table
    return _catalogs


def catalog(language: str) -> dict[str, str | tuple[str, ...]]:
    if not _catalogs:
        load_catalogs()
    return _catalogs.get(language, {})


def gettext(message: str) -> str:
    """The message in the current request's language (the message itself when untranslated)."""
    found = catalog(current_language.get()).get(message)
    if isinstance(found, str):
        return found
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    found = catalog(current_language.get()).get(singular)
    if isinstance(found, tuple):
        # English and Spanish both have two forms: one, other
        return found[0] if n == 1 else found[min(1, len(found) - 1)]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Marks a string for extraction without translating it now (module constants)."""
    return message


def negotiate(accept_language: str | None, offered: Iterable[str]) -> str | None:
    """The best of `offered` for an Accept-Language header (q-values respected), or None."""
    if not accept_language:
        return None
    offered = [o for o in offered if o in LANGUAGES]
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, index, tag))
    for _q, _i, tag in sorted(choices):
        primary = tag.split("-")[0]
        if primary in offered:
            return primary
        if tag == "*" and offered:
            return offered[0]
    return None


def _zone(timezone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _parse(value: Any) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value
    text = str(value)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_day(value: Any, language: str, timezone: str | None) -> str:
    """A date, or the association-local date of a moment: 'December 15, 2027' / '15 de diciembre de 2027'."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    if isinstance(parsed, datetime):
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        parsed = aware.astimezone(_zone(timezone)).date()
    return format_date(parsed, format="long", locale=BABEL_LOCALES.get(language, "en_US"))


def format_moment(value: Any, language: str, timezone: str | None) -> str:
    """A moment in the association's time zone: 'December 15, 2027 at 9:30 AM MST' /
    '15 de diciembre de 2027 a las 09:30 (MST)' (as the emails and the credential pages write it)."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    if not isinstance(parsed, datetime):
        return format_day(parsed, language, timezone)
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    local = aware.astimezone(_zone(timezone))
    day = format_date(local.date(), format="long", locale=BABEL_LOCALES.get(language, "en_US"))
    zone = local.strftime("%Z")
    if language == "es":
        return f"{day} a las {local:%H:%M}" + (f" ({zone})" if zone else "")
    hour = local.hour % 12 or 12
    return f"{day} at {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}" + (f" {zone}" if zone else "")


current_timezone: ContextVar[str] = ContextVar("portal_timezone", default="UTC")


def date_filter(value: Any) -> str:
    return format_day(value, current_language.get(), current_timezone.get())


def datetime_filter(value: Any) -> str:
    return format_moment(value, current_language.get(), current_timezone.get())
