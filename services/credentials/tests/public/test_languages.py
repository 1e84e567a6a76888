"""Choosing the language of the public pages, the one date format, and complete catalogues."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from credentials.public.error_pages import Missing, render_missing_page
from credentials.public.i18n import choose_language, local_moment, long_date
from credentials.public.messages import EN, ES


@pytest.mark.parametrize(
    ("requested", "accept_language", "default", "chosen"),
    [
        ("es", "en-US,en;q=0.9", "en", "es"),
        ("EN", "es", "es", "en"),
        ("fr", "es-MX,es;q=0.9,en;q=0.5", "en", "es"),
        (None, "fr-FR, en;q=0.3, es;q=0.8", "en", "es"),
        (None, "fr", "es", "es"),
        (None, "es;q=0", "en", "en"),
        (None, None, None, "en"),
        ("", "en;q=0.5, es;q=0.5", "es", "en"),
    ],
)
def test_lang_parameter_then_accept_language_then_the_association_default(
    requested: str | None, accept_language: str | None, default: str | None, chosen: str
) -> None:
    assert choose_language(requested, accept_language, default) == chosen


def test_one_date_format_in_both_languages() -> None:
    assert long_date(date(2027, 12, 15), "en") == "December 15, 2027"
    assert long_date(date(2027, 12, 15), "es") == "15 de diciembre de 2027"
    moment = datetime(2027, 12, 16, 6, 30, tzinfo=UTC)
    assert local_moment(moment, ZoneInfo("America/Phoenix"), "en") == "December 15, 2027 at 11:30 PM MST"


def test_both_catalogues_have_every_string() -> None:
    assert EN.keys() == ES.keys()


def test_the_not_found_page_says_what_to_do_in_the_readers_language() -> None:
    english = render_missing_page(Missing.CREDENTIAL)
    assert "We could not find this credential" in english and 'href="/verify"' in english
    assert "ask the person for their credential file" in english
    spanish = render_missing_page(Missing.CREDENTIAL, lang="es")
    assert '<html lang="es">' in spanish and "No pudimos encontrar esta credencial" in spanish
    assert "<h1>" in render_missing_page(Missing.REMOVED) and "<main>" in english
