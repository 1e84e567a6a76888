"""Registration over HTTP on the real engines: the applicant registers once the fee is recorded, a coordinator of the
association accepts, listings filter by the new statuses, and submission waits for the acceptance where the rule
data requires it (ITMHCA) but not where it does not (the second association's Alliance templates)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from endorsement_contracts import decode
from endorsement_contracts.events.applications import ApplicationRegistered, RegistrationAccepted
from journeys import assert_problem, complete_ifs_calls

if TYPE_CHECKING:
    from conftest import Person, Running

FEE = next(c for c in complete_ifs_calls() if c.path == "/fees/registration")


async def a_draft(running: Running, who: Person, category: str = "IFS") -> str:
    created = await running.http.post("/applications", json={"category": category}, headers=who.headers)
    assert created.status_code == 201, created.text
    application_id: str = created.json()["id"]
    return application_id


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


async def registration_report(running: Running, who: Person, application_id: str) -> list[dict[str, Any]]:
    report = (await running.http.get(f"/applications/{application_id}/requirements", headers=who.headers)).json()
    return [r for r in report["requirements"] if r["tab"] == "registration"]


async def test_an_applicant_registers_and_a_coordinator_accepts(running: Running,
                                                               person: Callable[..., Person]) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}"
    before = events_written(running)

    unpaid = await running.http.post(f"{url}/register", headers=dana.headers)

    assert_problem(unpaid, 422, "REGISTRATION_FEE_NOT_RECORDED")
    assert events_written(running) == before
    assert [(r["code"], r["met"], r["reasons"][0]["code"]) for r in
            await registration_report(running, dana, application_id)] == [
        ("REGISTRATION_ACCEPTED", False, "REGISTRATION_NOT_REGISTERED")]
    assert (await running.http.put(f"{url}{FEE.path}", json=FEE.body, headers=dana.headers)).status_code == 200
    assert_problem(await running.http.post(f"{url}/registration/accept", headers=coordinator.headers), 409,
                   "NOT_REGISTERED")

    registered = await running.http.post(f"{url}/register", headers=dana.headers)

    assert registered.status_code == 200, registered.text
    state = registered.json()
    assert state["status"] == "registered"
    assert state["registration"]["registered_at"] is not None and state["registration"]["accepted_at"] is None
    assert "REGISTRATION_ACCEPTED" in [u["code"] for u in state["unmet_requirements"]]
    assert_problem(await running.http.post(f"{url}/register", headers=dana.headers), 409, "ALREADY_REGISTERED")
    assert_problem(await running.http.post(f"{url}/registration/accept", headers=dana.headers), 403, "FORBIDDEN")
    for outsider in (person("lakes-aimh", "coordinator"), person()):
        assert_problem(await running.http.post(f"{url}/registration/accept", headers=outsider.headers), 404,
                       "APPLICATION_NOT_FOUND")
    patched = await running.http.patch(url, json={"county": "Pima"}, headers=dana.headers)
    assert patched.status_code == 200  # the tabs stay open while the association checks the registration

    accepted = await running.http.post(f"{url}/registration/accept", headers=coordinator.headers)

    assert accepted.status_code == 200, accepted.text
    state = accepted.json()
    assert state["status"] == "accepted"
    assert state["registration"]["accepted_by"] == str(coordinator.account_id)
    assert "REGISTRATION_ACCEPTED" not in [u["code"] for u in state["unmet_requirements"]]
    assert [(r["code"], r["met"]) for r in await registration_report(running, dana, application_id)] == [
        ("REGISTRATION_ACCEPTED", True)]
    assert_problem(await running.http.post(f"{url}/registration/accept", headers=coordinator.headers), 409,
                   "REGISTRATION_ALREADY_ACCEPTED")


async def test_submission_waits_for_the_acceptance(running: Running, person: Callable[..., Person]) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}"
    for call in complete_ifs_calls():
        if call.path not in ("/register", "/registration/accept"):
            answer = await running.http.request(call.method, f"{url}{call.path}", json=call.body, headers=dana.headers)
            assert answer.status_code == call.status, answer.text

    refused = await running.http.post(f"{url}/submit", headers=dana.headers)
    body = assert_problem(refused, 422, "REQUIREMENTS_NOT_MET")
    assert ("REGISTRATION_ACCEPTED", "registration") in [(e["code"], e["field"]) for e in body["errors"]]
    await running.http.post(f"{url}/register", headers=dana.headers)
    waiting = assert_problem(await running.http.post(f"{url}/submit", headers=dana.headers), 422,
                             "REQUIREMENTS_NOT_MET")
    [line] = [e for e in waiting["errors"] if e["code"] == "REGISTRATION_ACCEPTED"]
    assert [r["code"] for r in line["reasons"]] == ["REGISTRATION_AWAITING_ACCEPTANCE"]
    await running.http.post(f"{url}/registration/accept", headers=coordinator.headers)
    report = (await running.http.get(f"{url}/requirements", headers=dana.headers)).json()
    assert "REGISTRATION_ACCEPTED" not in [r["code"] for r in report["requirements"] if not r["met"]]


async def test_where_the_rule_data_needs_no_registration_there_is_none(running: Running,
                                                                      person: Callable[..., Person]) -> None:
    lee = person("lakes-aimh", "applicant")
    application_id = await a_draft(running, lee, "ECFA")

    refused = await running.http.post(f"/applications/{application_id}/register", headers=lee.headers)

    assert_problem(refused, 409, "REGISTRATION_NOT_REQUIRED")
    assert await registration_report(running, lee, application_id) == []


async def test_listings_filter_by_registration_status(running: Running, person: Callable[..., Person]) -> None:
    applicants, coordinator = [person() for _ in range(3)], person("itmhca", "coordinator")
    ids = [await a_draft(running, applicant) for applicant in applicants]
    for applicant, application_id in list(zip(applicants, ids, strict=True))[1:]:
        url = f"/applications/{application_id}"
        await running.http.put(f"{url}{FEE.path}", json=FEE.body, headers=applicant.headers)
        assert (await running.http.post(f"{url}/register", headers=applicant.headers)).status_code == 200
    await running.http.post(f"/applications/{ids[2]}/registration/accept", headers=coordinator.headers)
    await running.catch_up()

    async def listed(status: str) -> list[str]:
        page = await running.http.get("/applications", params={"status": status}, headers=coordinator.headers)
        assert page.status_code == 200, page.text
        return [item["id"] for item in page.json()["items"]]

    assert await listed("draft") == [ids[0]]
    assert await listed("registered") == [ids[1]]
    assert await listed("accepted") == [ids[2]]


async def test_registration_and_its_acceptance_are_published(running: Running, person: Callable[..., Person],
                                                            read_records: Callable[..., list[Any]],
                                                            topics: str) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}"
    await running.http.put(f"{url}{FEE.path}", json=FEE.body, headers=dana.headers)
    await running.http.post(f"{url}/register", headers=dana.headers)
    accepted = (await running.http.post(f"{url}/registration/accept", headers=coordinator.headers)).json()

    records = await asyncio.to_thread(read_records, topics, application_id, count=3, timeout=15.0)

    events = [decode(list(r.headers), r.value).event for r in records]
    assert [type(e).__name__ for e in events] == ["ApplicationStarted", "ApplicationRegistered",
                                                  "RegistrationAccepted"]
    registered, acceptance = events[1], events[2]
    assert isinstance(registered, ApplicationRegistered) and isinstance(acceptance, RegistrationAccepted)
    assert registered.registered_at == datetime.fromisoformat(accepted["registration"]["registered_at"])
    assert (acceptance.accepted_by, str(acceptance.application_id)) == (coordinator.account_id, application_id)
