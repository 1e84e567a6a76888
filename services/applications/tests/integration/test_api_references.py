"""References over HTTP on the real engines: raters named by the applicant answer through single-use, expiring
links without an account; forged, superseded, reused and expired links are refused; waived references' contents
reach coordinators only; coordinators vet raters; the reminder sweep re-sends links; the relay publishes each
request with a working link."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from applications.application import ApplicationsService
from applications.entrypoints.reminder_sweep import ReferenceReminders
from endorsement_contracts import decode
from endorsement_contracts.events.applications import ReferenceRequested
from journeys import assert_problem, complete_ifs_calls
from reference_builders import link_token, name_body, ratings

if TYPE_CHECKING:
    from conftest import Person, Running

BASE = "https://endorse.example"  # PUBLIC_BASE_URL in the fixture's settings


def service_of(running: Running) -> ApplicationsService:
    app = running.service.app
    assert isinstance(app, ApplicationsService)
    return app


async def a_draft(running: Running, who: Person, category: str = "IFS") -> str:
    created = await running.http.post("/applications", json={"category": category}, headers=who.headers)
    assert created.status_code == 201, created.text
    application_id: str = created.json()["id"]
    return application_id


async def name(running: Running, who: Person, application_id: str, slot: int, **changes: Any) -> tuple[str, str]:
    """Name the standard rater of `slot`; returns the reference id and its link's token."""
    service = service_of(running)
    rule = service.rules_on(service.repository.get(UUID(application_id)), service.local_date("itmhca")).references
    named = await running.http.post(f"/applications/{application_id}/references", headers=who.headers,
                                    json=name_body(rule, slot, **changes))
    assert named.status_code == 201, named.text
    reference_id = named.headers["location"].rsplit("/", 1)[1]
    assert named.headers["location"] == f"/applications/{application_id}/references/{reference_id}"
    token = link_token(service, service.repository.get(UUID(application_id)), UUID(reference_id))
    assert token not in named.text and token.rsplit(".", 1)[1] not in named.text  # the link goes by email only
    return reference_id, token


def form_ratings(running: Running, application_id: str, unknown: int = 0) -> dict[str, str]:
    service = service_of(running)
    application = service.repository.get(UUID(application_id))
    return ratings(service.rules_on(application, service.local_date("itmhca")).references, unknown)


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


@contextmanager
def clock_at(running: Running, moment: datetime) -> Iterator[None]:
    service = service_of(running)
    clock = service.clock
    service.clock = lambda: moment
    try:
        yield
    finally:
        service.clock = clock


async def test_raters_answer_through_their_links_and_the_application_submits(
        running: Running, person: Callable[..., Person]) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}"
    for call in complete_ifs_calls():
        answer = await running.http.request(call.method, f"{url}{call.path}", json=call.body,
                                            headers=coordinator.headers if call.by == "coordinator" else dana.headers)
        assert answer.status_code == call.status, answer.text
    before = (await running.http.get(f"{url}/requirements", headers=dana.headers)).json()
    assert [r["code"] for r in before["requirements"] if not r["met"]] == ["REFERENCES"]

    tokens = [(await name(running, dana, application_id, slot))[1] for slot in (1, 2, 3)]
    form = await running.http.get(f"/references/{tokens[1]}")  # no identity: raters have no account

    assert form.status_code == 200, form.text
    assert form.headers["cache-control"] == "no-store"
    body = form.json()
    assert (body["applicant_name"], body["category"], body["rater_name"], body["rater_kind"]) == (
        "Dana Reyes", "IFS", "Rater 2", "rsc_provider")
    assert len(body["items"]) == 19 and {i["domain"] for i in body["items"]} == {
        "working_with_others", "thinking", "reflection"}
    assert [o["value"] for o in body["scale"]][-1] == "not_enough_information"
    assert body["max_not_enough_information"] == 5
    for token in tokens:
        answered = await running.http.post(f"/references/{token}", json={
            "ratings": form_ratings(running, application_id, unknown=5), "comments": "Reflective and steady."})
        assert answered.status_code == 200, answered.text
        assert answered.json()["status"] == "completed"
    reused = await running.http.post(f"/references/{tokens[0]}", json={"ratings": form_ratings(running,
                                                                                                application_id)})
    assert_problem(reused, 410, "REFERENCE_LINK_USED")
    assert_problem(await running.http.get(f"/references/{tokens[0]}"), 410, "REFERENCE_LINK_USED")

    report = (await running.http.get(f"{url}/requirements", headers=dana.headers)).json()
    [references] = [r for r in report["requirements"] if r["code"] == "REFERENCES"]
    assert (references["met"], references["detail"]) == (True, "3 of 3 references complete")
    assert references["progress"] == {"have": 3.0, "need": 3.0, "unit": "references"}
    submitted = await running.http.post(f"{url}/submit", headers=dana.headers)
    assert submitted.status_code == 200, submitted.text
    assert {"code": "REFERENCES", "tab": "references", "met": True, "detail": "3 of 3 references complete"} in \
        submitted.json()["requirement_report"]


async def test_forged_superseded_and_expired_links_are_refused_alike(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    reference_id, token = await name(running, dana, application_id, 1)
    app_hex, ref_hex, number, secret = token.split(".")
    answer = {"ratings": form_ratings(running, application_id)}
    written = events_written(running)

    forgeries = [f"{app_hex}.{ref_hex}.{number}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
                 f"{app_hex}.{ref_hex}.2.{secret}", f"{ref_hex}.{app_hex}.{number}.{secret}", "nothing",
                 f"{app_hex}.{ref_hex}.{number}.{secret}{'x' * 300}"]
    details = set()
    for forged in forgeries:
        details.add(assert_problem(await running.http.get(f"/references/{forged}"), 404,
                                   "REFERENCE_LINK_INVALID")["detail"])
        assert_problem(await running.http.post(f"/references/{forged}", json=answer), 404, "REFERENCE_LINK_INVALID")
    assert details == {"this reference link is not valid"}  # never which part was wrong
    assert events_written(running) == written

    resent = await running.http.post(f"/applications/{application_id}/references/{reference_id}/resend",
                                     headers=dana.headers)
    assert resent.status_code == 200, resent.text
    assert resent.json()["items"][0]["link"]["number"] == 2
    assert_problem(await running.http.get(f"/references/{token}"), 404, "REFERENCE_LINK_INVALID")  # superseded
    new_token = link_token(service_of(running), service_of(running).repository.get(UUID(application_id)),
                           UUID(reference_id))
    expires = datetime.fromisoformat(resent.json()["items"][0]["link"]["expires_at"])

    with clock_at(running, expires - timedelta(seconds=1)):
        assert (await running.http.get(f"/references/{new_token}")).status_code == 200
    with clock_at(running, expires):
        assert_problem(await running.http.get(f"/references/{new_token}"), 410, "REFERENCE_LINK_EXPIRED")
        assert_problem(await running.http.post(f"/references/{new_token}", json=answer), 410,
                       "REFERENCE_LINK_EXPIRED")


async def test_waived_references_show_the_applicant_their_status_only(
        running: Running, person: Callable[..., Person]) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}/references"
    waived_id, waived_token = await name(running, dana, application_id, 1, waived=True)
    open_id, open_token = await name(running, dana, application_id, 2, waived=False)
    unknowing_id, unknowing_token = await name(running, dana, application_id, 3, waived=True)
    for token, comment, unknown in ((waived_token, "CONFIDENTIAL-WAIVED", 0), (open_token, "Seen by Dana", 0),
                                    (unknowing_token, "CONFIDENTIAL-UNKNOWING", 6)):
        answered = await running.http.post(f"/references/{token}", json={
            "ratings": form_ratings(running, application_id, unknown), "comments": comment})
        assert answered.status_code == 200, answered.text

    mine = await running.http.get(url, headers=dana.headers)
    theirs = await running.http.get(url, headers=coordinator.headers)

    assert mine.status_code == theirs.status_code == 200
    by_id = {r["id"]: r for r in mine.json()["items"]}
    assert (by_id[waived_id]["status"], by_id[waived_id]["waived"], by_id[waived_id]["answer"]) == (
        "completed", True, None)
    assert by_id[open_id]["answer"]["comments"] == "Seen by Dana"
    assert by_id[open_id]["answer"]["ratings"] == form_ratings(running, application_id)
    assert (by_id[unknowing_id]["status"], by_id[unknowing_id]["void_reason"], by_id[unknowing_id]["answer"]) == (
        "voided", "not_enough_information", None)
    assert "CONFIDENTIAL" not in mine.text and "not_enough_information\":6" not in mine.text
    assert "rating" not in str(by_id[waived_id]) and "strongly_agree" not in str(by_id[unknowing_id])
    coordinator_view = {r["id"]: r for r in theirs.json()["items"]}
    assert coordinator_view[waived_id]["answer"]["comments"] == "CONFIDENTIAL-WAIVED"
    assert coordinator_view[unknowing_id]["answer"]["not_enough_information"] == 6
    assert theirs.json()["rules"]["slots"][1] == {"slot": 2, "raters": ["rsc_provider"],
                                                  "endorsed_at_or_above": None, "vetting_allowed": False}
    for answered_id in (waived_id, open_id):
        assert_problem(await running.http.put(f"{url}/{answered_id}/waiver", json={"waived": False},
                                              headers=dana.headers), 409, "REFERENCE_NOT_PENDING")
    assert_problem(await running.http.put(f"{url}/{waived_id}/waiver", json={"waived": False},
                                          headers=coordinator.headers), 403, "NOT_THE_APPLICANT")


async def test_a_waiver_chosen_before_the_rater_answers_hides_the_answer(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}/references"
    reference_id, token = await name(running, dana, application_id, 1, waived=False)

    chosen = await running.http.put(f"{url}/{reference_id}/waiver", json={"waived": True}, headers=dana.headers)
    assert chosen.status_code == 200 and chosen.json()["items"][0]["waived"] is True
    form = (await running.http.get(f"/references/{token}")).json()
    await running.http.post(f"/references/{token}", json={"ratings": form_ratings(running, application_id),
                                                          "comments": "CONFIDENTIAL"})

    assert form["waived"] is True  # the rater knows before answering
    mine = await running.http.get(url, headers=dana.headers)
    assert mine.json()["items"][0]["answer"] is None and "CONFIDENTIAL" not in mine.text


async def test_a_coordinator_vets_a_rater_below_the_slots_endorsement(
        running: Running, person: Callable[..., Person]) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    elsewhere = person("lakes-aimh", "coordinator")
    application_id = await a_draft(running, dana, "IFA")
    url = f"/applications/{application_id}/references"
    reference_id, _ = await name(running, dana, application_id, 2, endorsed_category=None, email="bo@example.org")
    vetting = f"{url}/{reference_id}/vetting"

    listed = (await running.http.get(url, headers=dana.headers)).json()
    assert listed["items"][0]["vetting"] == "pending"
    assert_problem(await running.http.post(vetting, json={"approved": True}, headers=dana.headers), 403, "FORBIDDEN")
    assert_problem(await running.http.post(vetting, json={"approved": True}, headers=elsewhere.headers), 404,
                   "APPLICATION_NOT_FOUND")
    assert_problem(await running.http.post(vetting, json={"approved": False}, headers=coordinator.headers), 422,
                   "INVALID_VETTING")
    approved = await running.http.post(vetting, json={"approved": True, "reason": "Phone call on Monday"},
                                       headers=coordinator.headers)

    assert approved.status_code == 200, approved.text
    assert (approved.json()["items"][0]["vetting"], approved.json()["items"][0]["vetting_reason"]) == (
        "approved", "Phone call on Monday")
    assert_problem(await running.http.post(vetting, json={"approved": False, "reason": "No"},
                                           headers=coordinator.headers), 409, "VETTING_NOT_PENDING")


async def test_refusals_are_problems_and_write_nothing(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}/references"
    _, token = await name(running, dana, application_id, 1)
    written = events_written(running)
    rule_body = {"slot": 2, "name": "Rita Moreno", "email": "rita@example.org", "kind": "rsc_provider",
                 "waived": False}

    for body, code in [({**rule_body, "email": "not an email"}, "VALIDATION_FAILED"),
                       ({**rule_body, "kind": "friend"}, "VALIDATION_FAILED"),
                       ({**rule_body, "waived": "yes"}, "VALIDATION_FAILED"),
                       ({**rule_body, "colour": "red"}, "VALIDATION_FAILED"),
                       ({**rule_body, "name": "x" * 201}, "VALIDATION_FAILED"),
                       ({**rule_body, "endorsed_category": "level four"}, "VALIDATION_FAILED"),
                       ({**rule_body, "slot": 4}, "UNKNOWN_SLOT"),
                       ({**rule_body, "kind": "colleague"}, "RATER_KIND_NOT_ALLOWED"),
                       ({**rule_body, "slot": 1, "kind": "supervisor"}, "SLOT_TAKEN"),
                       ({**rule_body, "email": "rater1@example.org"}, "DUPLICATE_RATER"),
                       ({**rule_body, "email": dana.email}, "INVALID_RATER"),
                       ({**rule_body, "endorsed_category": "IFZ"}, "INVALID_RATER")]:
        status = 422 if code != "SLOT_TAKEN" else 409
        assert_problem(await running.http.post(url, json=body, headers=dana.headers), status, code)
    good = form_ratings(running, application_id)
    first = next(iter(good))
    for body in [{"ratings": {**good, "tf_statistics": "agree"}}, {"ratings": {**good, first: "brilliant"}},
                 {"ratings": {k: v for k, v in good.items() if k != first}}]:
        assert_problem(await running.http.post(f"/references/{token}", json=body), 422, "INVALID_RATINGS")
    for body in [{"ratings": good, "comments": "x" * 4001}, {"ratings": good, "signature": "me"}, {}]:
        assert_problem(await running.http.post(f"/references/{token}", json=body), 422, "VALIDATION_FAILED")
    assert_problem(await running.http.post(f"{url}/{UUID(int=7)}/resend", headers=dana.headers), 404,
                   "REFERENCE_NOT_FOUND")

    assert events_written(running) == written
    assert (await running.http.get(f"/references/{token}")).status_code == 200  # still unanswered


async def test_the_reminder_sweep_sends_a_new_link_to_a_silent_rater(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    reference_id, token = await name(running, dana, application_id, 1)
    service = service_of(running)
    reminders = running.service.api.state.reference_reminders
    assert isinstance(reminders, ReferenceReminders)
    await running.catch_up()

    with clock_at(running, service.clock() + timedelta(days=6)):
        assert await asyncio.to_thread(reminders.run_once) == 0
    with clock_at(running, service.clock() + timedelta(days=7, minutes=1)):
        assert await asyncio.to_thread(reminders.run_once) == 1
        await running.catch_up()
        assert await asyncio.to_thread(reminders.run_once) == 0  # not due again for a week

    assert_problem(await running.http.get(f"/references/{token}"), 404, "REFERENCE_LINK_INVALID")
    listed = (await running.http.get(f"/applications/{application_id}/references", headers=dana.headers)).json()
    assert (listed["items"][0]["link"]["number"], listed["items"][0]["link"]["reminder"],
            listed["items"][0]["reminders_sent"]) == (2, True, 1)
    new_token = link_token(service, service.repository.get(UUID(application_id)), UUID(reference_id))
    assert (await running.http.get(f"/references/{new_token}")).status_code == 200


async def test_the_relay_publishes_each_request_with_a_link_that_opens_the_form(
        running: Running, person: Callable[..., Person], read_records: Callable[..., list[Any]], topics: str) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    reference_id, _ = await name(running, dana, application_id, 2)
    app = running.service.app
    for _ in range(200):  # the lifespan's relay thread publishes on its own
        if app.position("outbox") == app.recorder.max_notification_id():
            break
        await asyncio.sleep(0.05)

    records = await asyncio.to_thread(read_records, topics, application_id, count=3, timeout=2.0)

    [requested] = [e for r in records if isinstance(e := decode(list(r.headers), r.value).event, ReferenceRequested)]
    assert (str(requested.reference_id), requested.request_number, requested.slot) == (reference_id, 1, 2)
    assert (requested.rater.name, requested.rater.email, requested.rater.role) == (
        "Rater 2", "rater2@example.org", "rsc_provider")
    assert requested.form_url.startswith(f"{BASE}/rate/")
    opened = await running.http.get(requested.form_url.replace(f"{BASE}/rate/", "/references/"))  # the API
    assert opened.status_code == 200, opened.text
    assert opened.json()["rater_name"] == "Rater 2"
