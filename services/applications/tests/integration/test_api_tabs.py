"""The tabs and the requirement report over HTTP on the real engines: each change one event, every refusal a
problem that writes nothing, and the report's progress figures, reasons and rule-version switching by date."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from applications.application import ApplicationsService
from applications.domain import Actor
from journeys import assert_problem, complete_ifs_calls, complete_through_use_cases

if TYPE_CHECKING:
    from conftest import Person, Running

TODAY = date.today()
TRAINING = complete_ifs_calls(TODAY)[4].body
RSC = complete_ifs_calls(TODAY)[5].body


async def a_draft(running: Running, who: Person, category: str = "IFS") -> str:
    created = await running.http.post("/applications", json={"category": category}, headers=who.headers)
    assert created.status_code == 201, created.text
    application_id: str = created.json()["id"]
    return application_id


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


async def test_an_entry_is_added_replaced_and_removed(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana)}"

    added = await running.http.post(f"{url}/training", json=TRAINING, headers=dana.headers)

    assert added.status_code == 201, added.text
    entry_id = added.headers["location"].rsplit("/", 1)[1]
    assert added.headers["location"] == f"{url}/training/{entry_id}"
    assert added.json()["training"] == [{"id": entry_id, **TRAINING, "dei_hours": 0.0, "rsc_provision_hours": 0.0,
                                         "hours": 30.0}]
    changed = await running.http.put(f"{url}/training/{entry_id}", headers=dana.headers,
                                     json={**TRAINING, "hours": 23.5, "dei_hours": 1})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["training"][0]["hours"], changed.json()["training"][0]["dei_hours"]) == (23.5, 1.0)
    removed = await running.http.delete(f"{url}/training/{entry_id}", headers=dana.headers)
    assert (removed.status_code, removed.json()["training"]) == (200, [])
    assert_problem(await running.http.delete(f"{url}/training/{entry_id}", headers=dana.headers),
                   404, "ENTRY_NOT_FOUND")
    assert_problem(await running.http.put(f"{url}/rsc/{uuid4()}", json=RSC, headers=dana.headers),
                   404, "ENTRY_NOT_FOUND")


async def test_each_tab_takes_its_entries(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana)}"

    coordinator = person("itmhca", "coordinator")
    for call in complete_ifs_calls(TODAY)[:-1]:
        response = await running.http.request(call.method, f"{url}{call.path}", json=call.body,
                                              headers=coordinator.headers if call.by == "coordinator" else dana.headers)
        assert response.status_code == call.status, response.text
    state = response.json()

    assert state["membership"] == {"association": "ITMHCA", "expires_on": (TODAY + timedelta(days=365)).isoformat(),
                                   "member_id": "AZ-1001", "individual": True, "other_association": False}
    assert [(e["kind"], e["level"]) for e in state["education"]] == [("degree", "bachelor")]
    assert [(w["employer"], w["end"], w["activities"]) for w in state["work"]] == [
        ("Early Head Start", None, ["direct_service"])]
    assert [(r["provider_category"], r["hours"], r["format"]) for r in state["rsc"]] == [("IMHM-C", 24.0, "individual")]
    assert {a["kind"] for a in state["attestations"]} == {"code_of_ethics", "endorsement_agreement"}
    assert [(f["kind"], f["amount_cents"]) for f in state["fees"]] == [("registration", 2000)]

    unsigned = await running.http.delete(f"{url}/attestations/endorsement_agreement", headers=dana.headers)
    assert [a["kind"] for a in unsigned.json()["attestations"]] == ["code_of_ethics"]
    assert unsigned.json()["details"]["ethics_attested"] is False
    signed = await running.http.put(f"{url}/attestations/endorsement_agreement", headers=dana.headers)
    assert signed.json()["details"]["ethics_attested"] is True


async def test_invalid_entries_are_problems_and_write_nothing(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana)}"
    before = events_written(running)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()

    for path, body, code in [
        ("/training", {**TRAINING, "colour": "red"}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "hours": -1}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "hours": 1.005}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "completed_on": "03/01/2026"}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "completed_on": 1767225600}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "competencies": ["Reflection"]}, "VALIDATION_FAILED"),
        ("/training", {**TRAINING, "competencies": ["astrology"]}, "UNKNOWN_COMPETENCY"),
        ("/training", {**TRAINING, "completed_on": tomorrow}, "INVALID_DATES"),
        ("/training", {**TRAINING, "dei_hours": 31}, "INVALID_ENTRY"),
        ("/rsc", {**RSC, "format": "telepathy"}, "VALIDATION_FAILED"),
        ("/rsc", {**RSC, "end": "2001-01-01"}, "INVALID_DATES"),
        ("/work", {"employer": "EHS"}, "VALIDATION_FAILED"),
        ("/education", {"kind": "degree", "institution": "ASU", "year": 2015}, "INVALID_ENTRY"),
        ("/education", {"kind": "degree", "institution": "ASU", "year": 2015, "level": "bachelor",
                        "related_field": "yes"}, "VALIDATION_FAILED"),
    ]:
        assert_problem(await running.http.post(f"{url}{path}", json=body, headers=dana.headers), 422, code)
    assert_problem(await running.http.put(f"{url}/membership", headers=dana.headers,
                                          json={"association": "", "expires_on": "2027-01-01"}), 422,
                   "VALIDATION_FAILED")
    assert_problem(await running.http.put(f"{url}/fees/donation", headers=dana.headers,
                                          json={"amount_cents": 1, "reference": "x", "paid_on": "2026-01-01"}),
                   422, "VALIDATION_FAILED")
    assert_problem(await running.http.put(f"{url}/fees/processing", headers=dana.headers,
                                          json={"amount_cents": 100, "reference": "x", "paid_on": tomorrow}),
                   422, "INVALID_DATES")
    assert_problem(await running.http.put(f"{url}/attestations/pinky_promise", headers=dana.headers), 422,
                   "VALIDATION_FAILED")

    assert events_written(running) == before


async def test_only_the_applicant_changes_tabs_and_strangers_see_nothing(running: Running,
                                                                         person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana)}"
    coordinator = person("itmhca", "coordinator")

    assert_problem(await running.http.post(f"{url}/training", json=TRAINING, headers=coordinator.headers),
                   403, "NOT_THE_APPLICANT")
    report = await running.http.get(f"{url}/requirements", headers=coordinator.headers)
    assert report.status_code == 200
    for stranger in (person("itmhca", "applicant"), person("lakes-aimh", "coordinator")):
        assert_problem(await running.http.post(f"{url}/training", json=TRAINING, headers=stranger.headers),
                       404, "APPLICATION_NOT_FOUND")
        assert_problem(await running.http.get(f"{url}/requirements", headers=stranger.headers),
                       404, "APPLICATION_NOT_FOUND")
    assert_problem(await running.http.get(f"{url}/requirements"), 401, "MISSING_IDENTITY")


async def test_the_report_gives_progress_and_reasons(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana)}"
    await running.http.post(f"{url}/rsc", json={**RSC, "hours": 18}, headers=dana.headers)
    await running.http.post(f"{url}/rsc", json={**RSC, "hours": 6, "provider_category": "IMHS"},
                            headers=dana.headers)  # no ERS add-on: not eligible from 2025

    report = (await running.http.get(f"{url}/requirements", headers=dana.headers)).json()

    assert (report["rule_set_version"], report["all_met"], report["exam_required"]) == (
        "itmhca/IFS/2025-01-01", False, False)
    assert date.fromisoformat(report["on"]) >= TODAY - timedelta(days=1)  # the association's today
    rsc = next(r for r in report["requirements"] if r["code"] == "RSC_HOURS")
    assert rsc["progress"] == {"have": 18.0, "need": 24.0, "unit": "hours"}
    assert rsc["detail"].startswith("18 of 24 hours of RSC within a 24-month window")
    assert [r["code"] for r in rsc["reasons"]] == ["RSC_HOURS_SHORT", "RSC_PROVIDER_NOT_ELIGIBLE"]
    references = next(r for r in report["requirements"] if r["code"] == "REFERENCES")  # checked, no longer listed
    assert (references["tab"], references["progress"]) == ("references", {"have": 0.0, "need": 3.0,
                                                                           "unit": "references"})
    assert not any(note.startswith("REFERENCES") for note in report["not_checked"])


async def test_the_report_follows_the_rules_in_force_on_the_date_asked(running: Running,
                                                                       person: Callable[..., Person]) -> None:
    dana = person()
    url = f"/applications/{await a_draft(running, dana, 'IMHS')}"

    def asked(on: str) -> Any:
        return running.http.get(f"{url}/requirements", params={"on": on}, headers=dana.headers)

    before, after = (await asked("2024-12-31")).json(), (await asked("2025-01-01")).json()

    assert (before["rule_set_version"], before["exam_required"]) == ("itmhca/IMHS/2023-01-01", True)
    assert (after["rule_set_version"], after["exam_required"]) == ("itmhca/IMHS/2025-01-01", False)
    assert "TRAINING_DEI_HOURS" in {r["code"] for r in after["requirements"]} - {
        r["code"] for r in before["requirements"]}
    assert_problem(await asked("1990-01-01"), 409, "NO_RULE_SET_IN_FORCE")
    assert_problem(await asked("yesterday"), 422, "VALIDATION_FAILED")


async def test_a_second_tenant_applies_on_its_copied_templates(running: Running,
                                                              person: Callable[..., Person]) -> None:
    lee = person("lakes-aimh", "applicant")
    application_id = await a_draft(running, lee, "ECFA")
    service = running.service.app
    assert isinstance(service, ApplicationsService)
    actor = Actor(lee.account_id, "lakes-aimh", frozenset({"applicant"}))

    await asyncio.to_thread(complete_through_use_cases, service, actor, UUID(application_id))
    submitted = await running.http.post(f"/applications/{application_id}/submit", headers=lee.headers)

    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["rule_set_version"] == "lakes-aimh/ECFA/2015-01-01"
