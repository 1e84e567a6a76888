"""Templates: the right facts in both bodies, HTML escaped, non-ASCII intact, dates in the tenant's zone."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from endorsement_contracts import ApplicationSubmitted, EndorsementGranted
from notifications.config import Tenant
from notifications.entrypoints.application_notices import application_submitted
from notifications.entrypoints.review_notices import endorsement_granted
from notifications.templates import (
    LOCALES,
    EmailTemplate,
    Links,
    Phrase,
    kinds,
    long_date,
    long_moment,
    render,
    template_for,
)
from notifications.templates.en import ENGLISH

LINKS = Links("https://endorse.example.org/")
VALUES = {
    "applicant_name": "Zoë Ñúñez",
    "category_name": "Infant Family Specialist",
    "submission": "application",
    "submitted_on": "March 1, 2025",
    "application_url": "https://endorse.example.org/applications/1",
    "tenant_name": "ITMHCA",
    "contact_email": "azendorsement@gmail.com",
}


def test_application_submitted_tells_the_applicant_what_arrived_when_and_where_to_follow_it(
    submitted: Callable[..., ApplicationSubmitted], itmhca: Tenant
) -> None:
    # given an application submitted at 03:30 UTC on March 1, which is still February 28 in Phoenix
    event = submitted()
    # when its notice is rendered
    notice = application_submitted(event, itmhca, LINKS)
    content = render(notice.kind, {**notice.values, "tenant_name": itmhca.name, "contact_email": itmhca.contact_email})
    # then both bodies carry the facts, and the date is the tenant's local date
    link = f"https://endorse.example.org/apply/{event.application_id}"
    assert content.subject == "We received your Infant Family Specialist endorsement application"
    for body in (content.text_body, content.html_body):
        assert "Zoë Ñúñez-Łukasiewicz" in body
        assert "Infant Toddler Mental Health Coalition of Arizona" in body
        assert "February 28, 2025" in body
        assert link in body
        assert "azendorsement@gmail.com" in body
    assert f'<a href="{link}">' in content.html_body
    assert notice.recipient.address == event.applicant.email
    assert (notice.about, notice.occurrence) == (event.application_id, 1)


def test_a_resubmission_says_so_and_keeps_the_id_of_its_submission(
    submitted: Callable[..., ApplicationSubmitted], itmhca: Tenant
) -> None:
    notice = application_submitted(submitted(submission_number=2), itmhca, LINKS)
    assert notice.kind == "application-resubmitted"
    assert notice.values["in_response_to"] == Phrase("resubmitted.unspecified")
    assert (
        notice.email_id
        == application_submitted(submitted(application_id=notice.about, submission_number=2), itmhca, LINKS).email_id
    )
    content = render(notice.kind, {**notice.values, "tenant_name": "ITMHCA", "contact_email": "a@b.org"})
    assert "received your resubmitted application" in content.text_body
    assert "It replaces your earlier submission." in content.text_body


def test_endorsement_granted_gives_the_category_effective_and_renewal_dates(
    granted: Callable[..., EndorsementGranted], itmhca: Tenant
) -> None:
    event = granted()
    notice = endorsement_granted(event, itmhca, LINKS)
    content = render(notice.kind, {**notice.values, "tenant_name": itmhca.name, "contact_email": itmhca.contact_email})
    assert content.subject == "You are endorsed: Infant Mental Health Specialist"
    assert "effective June 2, 2025" in content.text_body
    assert "renewal by December 15, 2026" in content.text_body
    assert f"https://endorse.example.org/endorsements/{event.endorsement_id}" in content.html_body
    assert "Søren O&#x27;Brien" in content.html_body  # the apostrophe is escaped in HTML only
    assert "Søren O'Brien" in content.text_body
    assert (notice.about, notice.occurrence) == (event.application_id, event.endorsement_id)


def test_values_are_escaped_in_html_and_left_alone_in_text_and_subject() -> None:
    # given values that look like markup
    hostile = {**VALUES, "applicant_name": '<script>alert("x")</script> & Co', "category_name": "IFS <b>"}
    # when rendered
    content = render("application-submitted", hostile)
    # then the HTML shows them as text, never as markup, also in the <title>
    assert "<script>" not in content.html_body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in content.html_body
    assert "<title>We received your IFS &lt;b&gt; endorsement application</title>" in content.html_body
    assert "IFS <b>" not in content.html_body
    # and the plain text and the subject read exactly as given
    assert '<script>alert("x")</script> & Co' in content.text_body
    assert content.subject == "We received your IFS <b> endorsement application"


def test_braces_in_values_are_not_template_syntax() -> None:
    content = render("application-submitted", {**VALUES, "applicant_name": "{tenant_name} {0}"})
    assert "Dear {tenant_name} {0}," in content.text_body


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    values = {k: v for k, v in VALUES.items() if k != "submitted_on"}
    with pytest.raises(KeyError, match="submitted_on"):
        render("application-submitted", values)


TRANSLATED = [(language, kind) for language, (_, templates) in sorted(LOCALES.items()) for kind in sorted(templates)]


@pytest.mark.parametrize(("language", "kind"), TRANSLATED)
def test_every_template_renders_a_complete_page_with_its_footer(language: str, kind: str) -> None:
    locale, template = template_for(kind, language)
    assert locale.code == language
    values = {name: f"<{name}>" for name in template.placeholders(locale)}
    content = template.render(values, locale)
    assert content.html_body.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in content.html_body
    assert '<meta charset="utf-8">' in content.html_body
    assert "&lt;tenant_name&gt;" in content.html_body
    assert "<tenant_name>" in content.text_body
    assert "{" not in content.subject


def test_every_kind_has_an_english_and_a_spanish_template() -> None:
    assert set(LOCALES["en"][1]) == kinds.ALL_KINDS
    assert set(LOCALES["es"][1]) == set(LOCALES["en"][1])  # applicants, account holders, raters and staff
    assert set(LOCALES["es"][0].phrases) == set(LOCALES["en"][0].phrases)


@pytest.mark.parametrize("kind", sorted(kinds.ALL_KINDS))
def test_a_translation_needs_exactly_the_values_english_needs(kind: str) -> None:
    (english, en_templates), (spanish, es_templates) = LOCALES["en"], LOCALES["es"]
    assert es_templates[kind].placeholders(spanish) == en_templates[kind].placeholders(english)


@pytest.mark.parametrize("kind", sorted(kinds.ALL_KINDS))
def test_a_spanish_template_is_spanish(kind: str) -> None:
    english, spanish = LOCALES["en"][1][kind], LOCALES["es"][1][kind]
    assert spanish.subject != english.subject
    assert spanish.text.startswith("Estimado/a {")


def test_a_kind_a_language_lacks_is_written_wholly_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    spanish, templates = LOCALES["es"]
    lacking = {kind: template for kind, template in templates.items() if kind != kinds.REFERENCE_REQUESTED}
    monkeypatch.setitem(LOCALES, "es", (spanish, lacking))
    locale, template = template_for(kinds.REFERENCE_REQUESTED, "es")
    assert locale.code == "en"
    assert template is LOCALES["en"][1][kinds.REFERENCE_REQUESTED]
    assert template_for(kinds.APPLICATION_SUBMITTED, "fr")[0].code == "en"  # an unknown language too


@pytest.mark.parametrize(
    ("language", "subject", "link_line", "expiry"),
    [
        ("en", "Confirm your email address", "opening this link:", "expires on December 7, 2026 at 10:00 PM MST"),
        ("es", "Confirme su dirección de correo electrónico", "abriendo este enlace:",
         "vence el 7 de diciembre de 2026 a las 22:00 (MST)"),
    ],
)
def test_an_email_confirmation_renders_its_link_and_expiry_in_the_association_s_time(
    itmhca: Tenant, language: str, subject: str, link_line: str, expiry: str
) -> None:
    from datetime import UTC, datetime

    from notifications.entrypoints.account_notices import local_time

    link = "https://endorse.example.org/verify?token=a&b=<c>"
    values = {
        **VALUES,
        "person_name": "Zoë",
        "link": link,
        "expires_at": local_time(datetime(2026, 12, 8, 5, 0, tzinfo=UTC), itmhca),
    }
    content = render(kinds.EMAIL_VERIFICATION, values, language)
    assert content.subject == subject
    assert f"{link_line}\n\n{link}\n" in content.text_body
    assert expiry in content.text_body
    assert 'href="https://endorse.example.org/verify?token=a&amp;b=&lt;c&gt;"' in content.html_body
    assert expiry in content.html_body


def test_moments_read_with_their_clock_and_zone() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    phoenix = ZoneInfo("America/Phoenix")
    assert long_moment(datetime(2026, 12, 7, 0, 5, tzinfo=phoenix)) == "December 7, 2026 at 12:05 AM MST"
    assert long_moment(datetime(2026, 12, 7, 12, 30, tzinfo=phoenix)) == "December 7, 2026 at 12:30 PM MST"
    assert long_moment(datetime(2026, 12, 7, 21, 5, tzinfo=phoenix), "es") == "7 de diciembre de 2026 a las 21:05 (MST)"


def test_spanish_writes_dates_phrases_and_the_footer_in_spanish() -> None:
    from datetime import date

    values = {**VALUES, "submitted_on": date(2025, 3, 1), "in_response_to": Phrase("resubmitted.deferral")}
    content = render(kinds.APPLICATION_RESUBMITTED, values, "es")
    assert content.subject == "Recibimos su solicitud de endorsement Infant Family Specialist"
    assert "Estimado/a Zoë Ñúñez:" in content.text_body
    assert "el 1 de marzo de 2025" in content.text_body
    assert "Sigue al aplazamiento; se revisará de nuevo." in content.text_body
    assert "Este mensaje se envió automáticamente; escriba a azendorsement@gmail.com" in content.text_body
    assert '<html lang="es">' in content.html_body


def test_lists_become_bullets_in_text_and_escaped_items_in_html() -> None:
    template = EmailTemplate(subject="S {items}", text="Items:\n{items}\n", html="{items}")
    content = template.render(
        {"items": ["First\r\nthing", "<b>bold</b>"], "tenant_name": "T", "contact_email": "c@d.org"}, ENGLISH
    )
    assert "Items:\n- First thing\n- <b>bold</b>\n" in content.text_body
    assert "<ul><li>First thing</li><li>&lt;b&gt;bold&lt;/b&gt;</li></ul>" in content.html_body
    assert "\n" not in content.subject  # a list in a subject still makes one line
    empty = template.render({"items": [], "tenant_name": "T", "contact_email": "c@d.org"}, ENGLISH)
    assert "Items:\n- (none)\n" in empty.text_body
    assert "<p>(none)</p>" in empty.html_body


def test_a_template_knows_its_placeholders() -> None:
    template = EmailTemplate(subject="{a}", text="{b}", html="{c}")
    assert template.placeholders(ENGLISH) == {"a", "b", "c", "tenant_name", "contact_email"}


def test_long_dates_do_not_depend_on_the_locale() -> None:
    from datetime import date

    assert long_date(date(2026, 12, 15)) == "December 15, 2026"
    assert long_date(date(2025, 1, 1)) == "January 1, 2025"
    assert long_date(date(2026, 12, 15), "es") == "15 de diciembre de 2026"


def test_links_are_built_from_the_public_base_url() -> None:
    application_id = UUID(int=1)
    assert Links("http://127.0.0.1:8000/").application(application_id) == (
        f"http://127.0.0.1:8000/applications/{application_id}"
    )
    portal = Links("https://endorse.example.org/")
    assert portal.task_list(application_id) == f"https://endorse.example.org/apply/{application_id}"
    assert portal.references(application_id) == f"https://endorse.example.org/apply/{application_id}/references"
