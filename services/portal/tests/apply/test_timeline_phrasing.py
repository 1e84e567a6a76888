"""The applicant's timeline in the person's language: every kind the applications service writes has a sentence in
English and Spanish built from the entry's `details` (dates in the person's format); an unknown kind keeps the API's
summary; the Spanish page shows no English summary."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.pages.apply.timeline_phrasing import SENTENCES, placeholders, sentence, sentences_for
from portal.sessions import MemorySessionStore, PortalSession
from portal.web.i18n import LOCALE_DIR, format_day, load_catalogs

KINDS = (
    "started", "registered", "registration_accepted", "reference_requested", "reference_completed",
    "reference_voided", "reference_declined", "submitted", "resubmitted", "review_opened", "returned", "deferred",
    "approved_for_exam", "exam_result", "endorsed", "denied", "withdrawn",
)
"""Every kind the applications service's timeline projection writes (its own test keeps the same list)."""

APP_ID = "0b6f1f9e-0000-4000-8000-0000000000d1"
REF = {"reference_id": "5d1c0e4a-0000-4000-8000-000000000001", "rater_name": "Rosa Díaz"}


def entry(kind: str, summary: str, details: dict[str, Any] | None = None, status: str = "submitted") -> dict[str, Any]:
    return {"at": "2026-10-20T16:00:00Z", "kind": kind, "status": status, "summary": summary,
            "details": details or {}}


ENTRIES = [
    entry("started", "Application started for Infant Family Specialist (IFS).",
          {"category": "IFS", "category_name": "Infant Family Specialist", "application_kind": "initial"}, "draft"),
    entry("started", "Application started for Infant Family Specialist (IFS).",
          {"category": "IFS", "category_name": "Infant Family Specialist", "application_kind": "renewal"}, "draft"),
    entry("started", "Application started for Infant Family Specialist (IFS).",
          {"category": "IFS", "category_name": "Infant Family Specialist", "application_kind": "reinstatement"}),
    entry("reference_requested", "Reference request sent to Rosa Díaz.", {**REF, "again": False}),
    entry("reference_requested", "Reference request sent again to Rosa Díaz.", {**REF, "again": True}),
    entry("reference_completed", "Reference from Rosa Díaz received.", REF),
    entry("reference_voided", "The reference from Rosa Díaz cannot be counted; please ask another rater.",
          {**REF, "cause": "not_counted"}),
    entry("reference_voided", "You withdrew the reference from Rosa Díaz.", {**REF, "cause": "withdrawn"}),
    entry("reference_voided", "The reference from Rosa Díaz no longer counts; please ask another rater.",
          {**REF, "cause": "no_longer_counts"}),
    entry("reference_voided", "The association could not accept Rosa Díaz as a rater; please ask another rater.",
          {**REF, "cause": "rater_not_accepted"}),
    entry("reference_declined", "Rosa Díaz declined to give the reference; please ask another rater.", REF),
    entry("registered", "Registered; the association will check your membership and registration fee.", {},
          "registered"),
    entry("registration_accepted", "Registration accepted: complete the application and submit it.", {},
          "accepted"),
    entry("submitted", "Submitted for review.", {"submission_number": 1, "in_response_to": None}),
    entry("review_opened", "Your application waits for review cycle 2027-Q1, which opens on 2027-01-01.",
          {"cycle_id": "2027-Q1", "opens_at": "2027-01-01T00:00:00-07:00", "waiting": True}),
    entry("review_opened", "Review opened in cycle 2026-Q4.", {"cycle_id": "2026-Q4", "waiting": False}),
    entry("returned", "Returned as incomplete: Transcript. Upload it as a PDF. Edit the application and resubmit it.",
          {"stage": "completeness", "items": ["Transcript"], "message": "Upload it as a PDF.",
           "submission_number": 1}, "returned"),
    entry("returned", "Returned for more information: Name your supervisor. Edit the application and resubmit it.",
          {"stage": "review", "items": ["Name your supervisor"], "message": None, "submission_number": 1},
          "returned"),
    entry("resubmitted", "Resubmitted in response to the request for more information (submission 2).",
          {"submission_number": 2, "in_response_to": "information_request"}),
    entry("deferred", "Deferred: More RSC hours. Recommended: 12 hours of RSC. You may amend and resubmit from "
          "2027-03-01.", {"reasons": ["More RSC hours"], "recommendations": ["12 hours of RSC"],
                          "earliest_rereview_on": "2027-03-01"}, "deferred"),
    entry("resubmitted", "Resubmitted in response to the deferral (submission 3).",
          {"submission_number": 3, "in_response_to": "deferral"}),
    entry("approved_for_exam", "Approved to sit the endorsement exam.", {}, "approved_for_exam"),
    entry("exam_result", "Exam attempt 1 (2027-04-02): not passed yet. You may retake it from 2027-07-02.",
          {"attempt": 1, "taken_on": "2027-04-02", "passed": False, "retake_eligible_on": "2027-07-02"},
          "approved_for_exam"),
    entry("exam_result", "Exam attempt 2 (2027-08-02): every part passed.",
          {"attempt": 2, "taken_on": "2027-08-02", "passed": True, "retake_eligible_on": None}, "approved_for_exam"),
    entry("endorsed", "Endorsed from 2027-09-01; the first renewal is due by 2028-09-01. Emerging: meet the "
          "remaining requirements by 2028-03-01.",
          {"endorsement_id": "e1", "effective_date": "2027-09-01", "renewal_date": "2028-09-01",
           "emerging_until": "2028-03-01"}, "endorsed"),
    entry("endorsed", "Endorsed from 2027-09-01; the first renewal is due by 2028-09-01.",
          {"endorsement_id": "e1", "effective_date": "2027-09-01", "renewal_date": "2028-09-01",
           "emerging_until": None}, "endorsed"),
    entry("denied", "Not endorsed: Resides outside Arizona.", {"reasons": ["Resides outside Arizona"]}, "denied"),
    entry("withdrawn", "Withdrawn: I moved abroad.", {"reason": "I moved abroad."}, "withdrawn"),
]
"""One entry per kind and variant, as `GET /applications/{id}/timeline` gives them."""

SPANISH = load_catalogs(LOCALE_DIR)["es"]


def spanish(message: str) -> str:
    found = SPANISH.get(message)
    return found if isinstance(found, str) else message


def english(message: str) -> str:
    return message


def day_in(language: str) -> Callable[[Any], str]:
    return lambda value: format_day(value, language, "America/Phoenix")


def test_every_kind_and_variant_has_sentences_in_english_and_spanish() -> None:
    assert {e["kind"] for e in ENTRIES} == set(KINDS)
    for kind in KINDS:
        assert sentences_for(kind, {}), kind
        # each kind can always be said, even without details (rows written before the details were added)
        assert not placeholders(sentences_for(kind, {})[-1]), kind
    for key, messages in SENTENCES.items():
        assert key.split(":")[0] in KINDS, key
        for message in messages:
            assert message in SPANISH, message
            assert placeholders(spanish(message)) == placeholders(message), message


@pytest.mark.parametrize("item", ENTRIES, ids=lambda e: f"{e['kind']}-{e['summary'][:30]}")
def test_each_entry_reads_in_both_languages_from_its_details(item: dict[str, Any]) -> None:
    in_english = sentence(item, english, day_in("en"))
    in_spanish = sentence(item, spanish, day_in("es"))

    assert in_english and in_spanish and in_english != in_spanish
    assert in_spanish != item["summary"]
    assert "%(" not in in_english + in_spanish


@pytest.mark.parametrize(("item", "en", "es"), [
    (ENTRIES[4], "Reference request sent again to Rosa Díaz.", "Solicitud de referencia enviada de nuevo a Rosa Díaz."),
    (ENTRIES[14], "Your application waits for review cycle 2027-Q1, which opens on January 1, 2027.",
     "Su solicitud espera al ciclo de revisión 2027-Q1, que comienza el 1 de enero de 2027."),
    (ENTRIES[19], "Deferred. You may amend and resubmit from March 1, 2027.",
     "Aplazada. Puede modificarla y volver a enviarla a partir del 1 de marzo de 2027."),
    (ENTRIES[22], "Exam attempt 1 (April 2, 2027): not passed yet. You may retake it from July 2, 2027.",
     "Intento de examen 1 (2 de abril de 2027): aún no aprobado. Puede volver a presentarlo a partir del 2 de julio "
     "de 2027."),
    (ENTRIES[24], "Endorsed from September 1, 2027; the first renewal is due by September 1, 2028. Emerging: meet "
     "the remaining requirements by March 1, 2028.",
     "Acreditación concedida desde el 1 de septiembre de 2027; la primera renovación vence el 1 de septiembre de "
     "2028. Emergente: cumpla los requisitos pendientes antes del 1 de marzo de 2028."),
])
def test_values_and_dates_come_from_the_details_in_the_persons_format(item: dict[str, Any], en: str, es: str) -> None:
    assert sentence(item, english, day_in("en")) == en
    assert sentence(item, spanish, day_in("es")) == es


def test_an_entry_without_details_gets_the_kinds_plain_sentence_and_an_unknown_kind_the_apis_summary() -> None:
    old_row = entry("withdrawn", "Withdrawn: moving", {})
    assert sentence(old_row, spanish, day_in("es")) == "Retirada."
    assert sentence(entry("reference_voided", "…", {"cause": "something_new"}), english, day_in("en")) == (
        "A reference no longer counts; please ask another rater.")
    unknown = entry("renewal_reminder", "Your renewal is due soon.")
    assert sentence(unknown, spanish, day_in("es")) == "Your renewal is due soon."


def application() -> dict[str, Any]:
    return {
        "id": APP_ID, "tenant": "itmhca", "category": "IFS", "category_name": "Infant Family Specialist",
        "kind": "initial", "status": "endorsed", "submission_number": 3,
        "details": {"phone": None, "county": None, "statement": None, "ethics_attested": True},
        "membership": None, "education": [], "work": [], "rsc": [], "training": [], "attestations": [], "fees": [],
        "documents": [], "registration": {"registered_at": None, "accepted_at": None, "accepted_by": None},
        "review": {"in_response_to": None, "deferral": None, "exam_results": [], "endorsement": None,
                   "information_request": None, "denial_reasons": [], "decided_at": None, "cycle": None},
        "renewal": None, "unmet_requirements": [], "version": 30,
        "created_at": "2026-09-01T10:00:00Z", "updated_at": "2027-09-01T10:00:00Z",
        "submitted_at": "2026-09-30T22:00:00Z",
    }


def gateway(items: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/tenants":
            return httpx.Response(200, json={"items": [{"slug": "itmhca"}]})
        if path == "/tenants/itmhca/profile":
            return httpx.Response(200, json={"slug": "itmhca", "name": "ITMHCA", "timezone": "America/Phoenix",
                                             "languages": ["en", "es"],
                                             "categories": {"IFS": "Infant Family Specialist"}})
        if path == f"/applications/{APP_ID}":
            return httpx.Response(200, json=application())
        if path == f"/applications/{APP_ID}/timeline":
            return httpx.Response(200, json={"application_id": APP_ID, "items": items})
        return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "detail": path})

    return answer


def timeline_page(items: list[dict[str, Any]], language: str) -> str:
    settings = PortalSettings(database_url="postgresql://x@localhost/x", environment="test",
                              portal_session_key="k3y-for-tests-0123456789-abcdefghijkl", portal_tenant="itmhca")
    store = MemorySessionStore()
    session = PortalSession(id="sid-timeline", csrf_token="csrf-1",
                            expires_at=datetime.now(UTC) + timedelta(hours=1), access_token="token-1",
                            account={"email": "zoe@example.org", "name": "Zoë", "email_verified": True,
                                     "language": language})
    asyncio.run(store.save(session))
    with TestClient(build(settings, store=store, transport=httpx.MockTransport(gateway(items)))) as client:
        client.cookies.set("portal_session", "sid-timeline")
        page = client.get(f"/apply/{APP_ID}/timeline")
    assert page.status_code == 200, page.text[:500]
    return page.text


def test_the_spanish_timeline_shows_no_english_summary_for_known_kinds() -> None:
    text = html.unescape(timeline_page(ENTRIES, "es"))

    for item in ENTRIES:
        assert item["summary"] not in text, item["summary"]
        assert sentence(item, spanish, day_in("es")) in text
    # the reviewers' own words are shown as they wrote them
    assert "Transcript" in text and "Upload it as a PDF." in text and "12 hours of RSC" in text
    assert "Recomendaciones:" in text
    assert text.index("Retirada: I moved abroad.") < text.index("Solicitud iniciada para")  # newest first


def test_the_english_timeline_reads_as_before_and_an_unknown_kind_keeps_its_summary() -> None:
    unknown = entry("renewal_reminder", "Your renewal is due soon.")
    text = html.unescape(timeline_page([*ENTRIES[:2], unknown], "en"))

    assert "Application started for Infant Family Specialist (IFS)." in text
    assert "Renewal started for Infant Family Specialist (IFS)." in text
    assert "Your renewal is due soon." in text
