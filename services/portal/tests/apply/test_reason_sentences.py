"""Every reason code the applications service can produce has a sentence in English and Spanish, built from its
`params`, and the Spanish checker never shows the API's English message for a known code.

`REASON_CODES` is data: the portal may not import the applications service. Its own test
(services/applications/tests/unit/test_reason_params.py) keeps the same list and fails when the checks produce
another code, so the two lists are kept in step by review. `PARAMS` are the params that service gives each code.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.pages.apply.phrasing import COUNTED, REASONS, Phraser
from portal.sessions import MemorySessionStore, PortalSession
from portal.web import i18n

REASON_CODES = [
    "ATTESTED_BEFORE_PERIOD", "EDUCATION_NO_QUALIFYING_ENTRY", "FEE_AMOUNT_SHORT", "FEE_NOT_RECORDED",
    "MEMBERSHIP_EXPIRED", "MEMBERSHIP_MISSING", "MEMBERSHIP_NOT_INDIVIDUAL", "MEMBERSHIP_OTHER_NOT_ACCEPTED",
    "NEW_REFERENCES_SHORT", "NOT_ATTESTED", "NO_REINSTATEMENT_RULES", "NO_RENEWAL_RULES", "REFERENCES_BEFORE_LAPSE",
    "REFERENCES_NO_ENDORSED_RATER", "REFERENCE_AFTER_DATE", "REFERENCE_EXPIRED", "REFERENCE_MISSING",
    "REFERENCE_NOT_ENOUGH_INFORMATION", "REFERENCE_PENDING", "REFERENCE_RATER_NOT_ALLOWED",
    "REFERENCE_VETTING_PENDING", "REFERENCE_VOIDED", "REGISTRATION_AWAITING_ACCEPTANCE",
    "REGISTRATION_NOT_REGISTERED", "RENEWAL_DEI_HOURS_SHORT", "RENEWAL_RSC_HOURS_SHORT",
    "RENEWAL_RSC_PROVISION_HOURS_SHORT", "RENEWAL_TRAINING_HOURS_SHORT", "RSC_ABOUT_PROVIDING_SHORT",
    "RSC_ENTRY_AFTER_DATE", "RSC_ENTRY_LONGER_THAN_WINDOW", "RSC_FORMAT_NOT_ALLOWED", "RSC_HOURS_SHORT",
    "RSC_OUTSIDE_PERIOD", "RSC_PROVIDER_NOT_ELIGIBLE", "RSC_PROVISION_NOT_DECLARED", "RSC_WINDOW_TOO_SHORT",
    "TRAINING_DEI_HOURS_SHORT", "TRAINING_HOURS_SHORT", "TRAINING_OUTSIDE_PERIOD",
    "TRAINING_RSC_PROVISION_HOURS_SHORT", "TRAINING_UNTAGGED", "WORK_ENTRY_NOT_COUNTED", "WORK_FAMILIES_SHORT",
    "WORK_YEARS_SHORT",
]
APP_ID = "0b6f1f9e-0000-4000-8000-000000000009"
WORK = {"activity": "direct_service", "age_band": "0-3", "supervised_required": 0, "volunteer_counts": 0}
RSC = {"provider": "Rita Moreno", "start": "2025-01-01", "end": "2026-01-31", "format": "group",
       "provider_category": "IMHS"}
SLOT = {"slot": 2, "raters": "supervisor,teacher,trainer", "rater": "Ana Ruiz"}
RENEWAL = {"have": 14.5, "need": 15.0, "since": "2025-12-16", "until": "2026-11-02"}
# code: (requirement code, tab, params as the applications service gives them)
PARAMS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "EDUCATION_NO_QUALIFYING_ENTRY": ("EDUCATION", "education", {"options": "cda;degree:associate:related;work:2"}),
    "WORK_YEARS_SHORT": ("WORK_DIRECT_SERVICE", "work", {"have_days": 365, "need_days": 730, "have_years": 1.0,
                                                         "need_years": 2.0, "work": "paid direct service work",
                                                         **WORK}),
    "WORK_FAMILIES_SHORT": ("WORK_DIRECT_SERVICE", "work", {"have": 4, "need": 10, **WORK}),
    "WORK_ENTRY_NOT_COUNTED": ("WORK_DIRECT_SERVICE", "work", {
        "role": "Teacher", "employer": "Early Head Start", "why": "age_band", "start": "2025-03-01",
        "on": "2026-03-01", "entry_age_band": "3-6", **WORK}),
    "TRAINING_HOURS_SHORT": ("TRAINING_HOURS", "training", {"have": 18.0, "need": 30.0}),
    "TRAINING_DEI_HOURS_SHORT": ("TRAINING_DEI_HOURS", "training", {"have": 1.5, "need": 2.0}),
    "TRAINING_RSC_PROVISION_HOURS_SHORT": ("TRAINING_RSC_PROVISION_HOURS", "training", {"have": 1.0, "need": 3.0}),
    "TRAINING_UNTAGGED": ("TRAINING_HOURS", "training", {"count": 2, "hours": 6.5}),
    "TRAINING_OUTSIDE_PERIOD": ("RENEWAL_TRAINING_HOURS", "training", {"count": 1, "since": "2025-12-16",
                                                                       "until": "2026-11-02"}),
    "RSC_HOURS_SHORT": ("RSC_HOURS", "rsc", {"have": 12.0, "need": 24.0, "window_months": 24}),
    "RSC_WINDOW_TOO_SHORT": ("RSC_HOURS", "rsc", {"have_days": 214, "need_days": 365, "need_months": 12,
                                                  "start": "2025-06-01", "end": "2025-12-31"}),
    "RSC_ABOUT_PROVIDING_SHORT": ("RSC_ABOUT_PROVIDING_HOURS", "rsc", {"have": 20.0, "need": 25.0}),
    "RSC_ENTRY_AFTER_DATE": ("RSC_HOURS", "rsc", {**RSC, "on": "2026-01-15"}),
    "RSC_PROVIDER_NOT_ELIGIBLE": ("RSC_HOURS", "rsc", {**RSC, "eligible": "IFRS, IMHS + ERS"}),
    "RSC_FORMAT_NOT_ALLOWED": ("RSC_HOURS", "rsc", RSC),
    "RSC_ENTRY_LONGER_THAN_WINDOW": ("RSC_HOURS", "rsc", {**RSC, "max_days": 730}),
    "RSC_OUTSIDE_PERIOD": ("RENEWAL_RSC_HOURS", "rsc", {**RSC, "since": "2025-12-16", "until": "2026-11-02"}),
    "REFERENCE_MISSING": ("REFERENCES", "references", {"slot": 1, "raters": "supervisor,teacher"}),
    "REFERENCE_PENDING": ("REFERENCES", "references", SLOT),
    "REFERENCE_VOIDED": ("REFERENCES", "references", {**SLOT, "void_reason": "declined"}),
    "REFERENCE_NOT_ENOUGH_INFORMATION": ("REFERENCES", "references", {**SLOT, "max_not_enough_information": 5}),
    "REFERENCE_AFTER_DATE": ("REFERENCES", "references", {**SLOT, "completed_on": "2026-01-30",
                                                          "on": "2026-01-29"}),
    "REFERENCE_EXPIRED": ("REFERENCES", "references", {**SLOT, "completed_on": "2025-01-30",
                                                       "valid_until": "2026-01-29"}),
    "REFERENCE_RATER_NOT_ALLOWED": ("REFERENCES", "references", {**SLOT, "rater_kind": "colleague"}),
    "REFERENCE_VETTING_PENDING": ("REFERENCES", "references", {**SLOT, "rater_kind": "endorsed_or_vetted",
                                                               "endorsed_at_or_above": "IFS"}),
    "REFERENCES_NO_ENDORSED_RATER": ("REFERENCES", "references", {"endorsed_at_or_above": "IFS"}),
    "NEW_REFERENCES_SHORT": ("REINSTATEMENT_NEW_REFERENCES", "references", {"have": 2, "need": 3,
                                                                            "lapsed_on": "2025-12-01"}),
    "REFERENCES_BEFORE_LAPSE": ("REINSTATEMENT_NEW_REFERENCES", "references", {"have": 0, "need": 3,
                                                                               "lapsed_on": "2025-12-01"}),
    "MEMBERSHIP_MISSING": ("MEMBERSHIP", "membership", {"other_association_accepted": 1}),
    "MEMBERSHIP_EXPIRED": ("MEMBERSHIP", "membership", {"expired_on": "2026-02-28"}),
    "MEMBERSHIP_NOT_INDIVIDUAL": ("MEMBERSHIP", "membership", {"association": "ITMHCA"}),
    "MEMBERSHIP_OTHER_NOT_ACCEPTED": ("MEMBERSHIP", "membership", {"association": "MI-AIMH"}),
    "NOT_ATTESTED": ("ATTESTATION_CODE_OF_ETHICS", "attestations", {"document": "code_of_ethics"}),
    "ATTESTED_BEFORE_PERIOD": ("ATTESTATION_ENDORSEMENT_AGREEMENT", "attestations", {
        "document": "endorsement_agreement", "since": "2025-12-16", "signed_on": "2025-12-01"}),
    "FEE_NOT_RECORDED": ("FEE_RENEWAL", "fees", {"fee": "renewal", "need_cents": 3500, "currency": "USD",
                                                 "late_after": "2026-12-15"}),
    "FEE_AMOUNT_SHORT": ("FEE_PROCESSING", "fees", {"fee": "processing", "have_cents": 9000, "need_cents": 10000,
                                                    "currency": "USD"}),
    "REGISTRATION_NOT_REGISTERED": ("REGISTRATION_ACCEPTED", "registration", {}),
    "REGISTRATION_AWAITING_ACCEPTANCE": ("REGISTRATION_ACCEPTED", "registration", {}),
    "RSC_PROVISION_NOT_DECLARED": ("RSC_PROVISION_DECLARED", "renewal", {}),
    "RENEWAL_TRAINING_HOURS_SHORT": ("RENEWAL_TRAINING_HOURS", "training", RENEWAL),
    "RENEWAL_DEI_HOURS_SHORT": ("RENEWAL_DEI_HOURS", "training", {**RENEWAL, "have": 0.0, "need": 1.0}),
    "RENEWAL_RSC_PROVISION_HOURS_SHORT": ("RENEWAL_RSC_PROVISION_HOURS", "training", RENEWAL),
    "RENEWAL_RSC_HOURS_SHORT": ("RENEWAL_RSC_HOURS", "rsc", {**RENEWAL, "need": 12.0}),
    "NO_RENEWAL_RULES": ("RENEWAL_RULES", "renewal", {"rule_set_version": "itmhca/IFS/2025-01-01"}),
    "NO_REINSTATEMENT_RULES": ("REINSTATEMENT_RULES", "renewal", {"rule_set_version": "itmhca/IFS/2025-01-01"}),
}


def message(code: str) -> str:
    return f"the english api message of {code.lower()}"


def report() -> dict[str, Any]:
    requirements = [{"code": req, "tab": tab, "met": False, "detail": "", "progress": None,
                     "reasons": [{"code": code, "message": message(code), "params": params}]}
                    for code, (req, tab, params) in PARAMS.items()]
    return {"application_id": APP_ID, "rule_set_version": "itmhca/IFS/2025-01-01", "on": "2026-03-01",
            "all_met": False, "exam_required": False, "not_checked": [], "requirements": requirements}


def phrase(language: str) -> dict[str, Any]:
    i18n.load_catalogs()
    token = i18n.current_language.set(language)
    try:
        lines = Phraser(i18n.gettext, {"en": "en_US", "es": "es"}[language]).report(APP_ID, report())
    finally:
        i18n.current_language.reset(token)
    return {line.reasons[0].code: (line, line.reasons[0]) for line in lines}


def test_every_code_the_applications_service_can_produce_has_a_sentence() -> None:
    assert sorted(PARAMS) == sorted(REASON_CODES)
    assert sorted(set(REASONS) | set(COUNTED)) == sorted(REASON_CODES)


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_reason_is_said_from_its_params_and_links_to_its_tab(language: str) -> None:
    said = phrase(language)

    for code in REASON_CODES:
        line, reason = said[code]
        assert reason.translated, code
        assert reason.text != message(code) and "%(" not in reason.text, (code, reason.text)
        page = {"registration": "check"}.get(PARAMS[code][1], PARAMS[code][1])
        assert line.fix_path == f"/apply/{APP_ID}/{page}"


def test_the_spanish_sentences_are_spanish_and_fill_in_the_values() -> None:
    english, spanish = phrase("en"), phrase("es")

    for code in REASON_CODES:
        assert spanish[code][1].text != english[code][1].text, code
    assert english["RSC_OUTSIDE_PERIOD"][1].text == (
        "RSC from Rita Moreno (January 1, 2025 to January 31, 2026) is not within the period counted (December 16, "
        "2025 to November 2, 2026), so it does not count.")
    assert spanish["RSC_OUTSIDE_PERIOD"][1].text == (
        "La RSC con Rita Moreno (del 1 de enero de 2025 al 31 de enero de 2026) no está dentro del período que se "
        "cuenta (del 16 de diciembre de 2025 al 2 de noviembre de 2026), así que no cuenta.")
    assert spanish["WORK_ENTRY_NOT_COUNTED"][1].text == (
        "Su trabajo como Teacher en Early Head Start no cuenta: fue con niños y niñas de 3 a 6 años, y este "
        "requisito se refiere a niños y niñas de 0 a 3 años.")
    assert spanish["EDUCATION_NO_QUALIFYING_ENTRY"][1].text == (
        "Ninguna de sus entradas de formación académica cumple el requisito: una credencial CDA, un título "
        "universitario de dos años (associate) o superior en un campo relacionado o 2 años de trabajo que cumpla "
        "los requisitos.")
    assert spanish["FEE_AMOUNT_SHORT"][1].text == ("La cuota de tramitación registrada es de 90,00\xa0US$, pero se "
                                                   "deben 100,00\xa0US$.")
    assert english["REFERENCE_MISSING"][1].text == "Reference 1: name a rater (supervisor or teacher)."
    assert english["TRAINING_UNTAGGED"][1].text.startswith("2 of your trainings have no competency ticked")
    assert spanish["WORK_YEARS_SHORT"][1].text == ("Tiene 1 de los 2 años de trabajo de servicio directo con niños "
                                                   "y niñas de 0 a 3 años necesarios.")


def test_without_params_a_sentence_that_needs_none_is_still_said_and_an_unknown_code_keeps_the_api_words() -> None:
    phraser = Phraser(lambda text: text, "en_US")
    requirement = {"code": "MEMBERSHIP", "tab": "membership", "progress": None}

    assert phraser.reason(requirement, {"code": "MEMBERSHIP_MISSING", "message": "x"}).text == \
        "Record your membership of the association."
    assert phraser.reason(requirement, {"code": "MEMBERSHIP_EXPIRED", "message": "x", "params": {}}).text == \
        "Your membership has expired. Record your renewed membership."
    unknown = phraser.reason(requirement, {"code": "BRAND_NEW", "message": "a brand new reason"})
    assert (unknown.text, unknown.translated) == ("A brand new reason.", False)


def gateway(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/tenants":
        return httpx.Response(200, json={"items": [{"slug": "itmhca"}]})
    if path == "/tenants/itmhca/profile":
        return httpx.Response(200, json={"slug": "itmhca", "name": "ITMHCA", "timezone": "America/Phoenix",
                                         "languages": ["en", "es"], "categories": {"IFS": "Infant Family Specialist"}})
    if path == f"/applications/{APP_ID}":
        return httpx.Response(200, json={"id": APP_ID, "category": "IFS", "category_name": "Infant Family Specialist",
                                         "kind": "initial", "status": "draft", "version": 1})
    if path == f"/applications/{APP_ID}/requirements":
        return httpx.Response(200, json=report())
    return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "detail": path})


def test_the_spanish_checker_page_never_shows_an_english_api_message() -> None:
    settings = PortalSettings(database_url="postgresql://x@localhost/x", environment="test",
                              portal_session_key="k3y-for-tests-0123456789-abcdefghijkl", portal_tenant="itmhca")
    store = MemorySessionStore()
    session = PortalSession(id="sid-es", csrf_token="csrf-1", expires_at=datetime.now(UTC) + timedelta(hours=1),
                            access_token="token-1", language="es",
                            account={"email": "ana@example.org", "name": "Ana", "email_verified": True,
                                     "language": "es"})
    asyncio.run(store.save(session))
    with TestClient(build(settings, store=store, transport=httpx.MockTransport(gateway))) as client:
        client.cookies.set("portal_session", "sid-es")
        page = client.get(f"/apply/{APP_ID}/requirements")

    assert page.status_code == 200, page.text[:500]
    assert 'lang="es"' in page.text
    assert "the english api message" not in page.text
    assert "Tiene 18 de las 30 horas de formación necesarias." in page.text
    links = re.findall(r'<a href="(/apply/[^"]+)">Referencia 2', page.text)
    assert links and all(link == f"/apply/{APP_ID}/references" for link in links)
