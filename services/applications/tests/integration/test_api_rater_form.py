"""What the portal needs of the rater's link and the references tab, over HTTP on the real engines: the form in
the rater's language, a saved draft, declining (a state the applicant sees, published as `ReferenceDeclined`),
each reference's state for people, and the association's catalogue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from applications.application import ApplicationsService
from applications.use_cases.references import ReferenceCases
from endorsement_contracts import decode
from endorsement_contracts.events.applications import ReferenceDeclined, ReferenceRequested
from journeys import assert_problem
from reference_builders import link_token, name_body, ratings

if TYPE_CHECKING:
    from conftest import Person, Running


def service_of(running: Running) -> ApplicationsService:
    app = running.service.app
    assert isinstance(app, ApplicationsService)
    return app


async def a_draft(running: Running, who: Person) -> str:
    created = await running.http.post("/applications", json={"category": "IFS"}, headers=who.headers)
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
    return reference_id, link_token(service, service.repository.get(UUID(application_id)), UUID(reference_id))


def form_ratings(running: Running, application_id: str) -> dict[str, str]:
    service = service_of(running)
    application = service.repository.get(UUID(application_id))
    return ratings(service.rules_on(application, service.local_date("itmhca")).references)


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


async def test_the_form_speaks_the_raters_language_and_keeps_a_draft_until_submitted(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    _, token = await name(running, dana, application_id, 1, language="es")

    form = (await running.http.get(f"/references/{token}")).json()
    assert (form["language"], form["rater_language"], form["draft"]) == ("es", "es", None)
    names = {i["id"]: i["name"] for i in form["items"]}
    assert names["wo_collaborating"] == "Colaborar"
    assert [o["label"] for o in form["scale"]][:2] == ["Totalmente de acuerdo", "De acuerdo"]
    assert form["scale"][-1]["label"].startswith("No tengo suficiente información")
    english = (await running.http.get(f"/references/{token}", params={"lang": "en"})).json()
    assert english["language"] == "en" and english["scale"][0]["label"] == "Strongly agree"
    assert {i["id"]: i["name"] for i in english["items"]}["wo_collaborating"] == "Collaborating"
    assert (await running.http.get(f"/references/{token}", params={"lang": "fr"})).status_code == 422

    version = (await running.http.get(f"/applications/{application_id}", headers=dana.headers)).headers["etag"]
    saved = await running.http.put(f"/references/{token}/draft",
                                   json={"ratings": {"wo_collaborating": "agree"}, "comments": "  Half done. "})
    assert saved.status_code == 200, saved.text
    assert saved.headers["cache-control"] == "no-store"
    assert saved.json()["draft"]["ratings"] == {"wo_collaborating": "agree"}
    again = await running.http.put(f"/references/{token}/draft",
                                   json={"ratings": {"wo_collaborating": "disagree", "th_solving_problems": "agree"}})
    assert again.status_code == 200, again.text
    draft = (await running.http.get(f"/references/{token}")).json()["draft"]
    assert (draft["ratings"], draft["comments"]) == (
        {"wo_collaborating": "disagree", "th_solving_problems": "agree"}, None)
    # the rater's draft does not change the application: the applicant's copy stays current
    assert (await running.http.get(f"/applications/{application_id}", headers=dana.headers)).headers["etag"] == \
        version
    assert_problem(await running.http.put(f"/references/{token}/draft", json={"ratings": {"nope_item": "agree"}}),
                   422, "INVALID_RATINGS")
    assert_problem(await running.http.put(f"/references/{token}/draft",
                                          json={"ratings": {"wo_collaborating": "meh"}}), 422, "INVALID_RATINGS")

    answered = await running.http.post(f"/references/{token}",
                                       json={"ratings": form_ratings(running, application_id)})
    assert answered.status_code == 200, answered.text
    assert_problem(await running.http.put(f"/references/{token}/draft", json={"ratings": {}}), 410,
                   "REFERENCE_LINK_USED")


async def test_a_rater_declines_and_the_applicant_sees_it_and_names_another(
        running: Running, person: Callable[..., Person], read_records: Callable[..., list[Any]], topics: str) -> None:
    dana, coordinator = person(), person("itmhca", "coordinator")
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}/references"
    reference_id, token = await name(running, dana, application_id, 2, language="en")
    waived_id, waived_token = await name(running, dana, application_id, 3, waived=True)

    before = events_written(running)
    assert_problem(await running.http.post(f"/references/{token}/decline", json={"reason": "x" * 1001}),
                   422, "VALIDATION_FAILED")
    assert events_written(running) == before
    declined = await running.http.post(f"/references/{token}/decline", json={"reason": "I do not know her work."})
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert_problem(await running.http.get(f"/references/{token}"), 410, "REFERENCE_LINK_DECLINED")
    assert_problem(await running.http.post(f"/references/{token}/decline", json={}), 410, "REFERENCE_LINK_DECLINED")
    assert (await running.http.post(f"/references/{waived_token}/decline", json={"reason": "Too busy."})
            ).status_code == 200

    listed = {r["id"]: r for r in (await running.http.get(url, headers=dana.headers)).json()["items"]}
    assert (listed[reference_id]["state"], listed[reference_id]["status"]) == ("declined", "voided")
    assert (listed[reference_id]["void_reason"], listed[reference_id]["void_detail"]) == (
        "declined", "I do not know her work.")
    assert listed[reference_id]["rater"]["language"] == "en"
    assert listed[waived_id]["state"] == "declined"
    assert "Too busy" not in str(listed[waived_id])  # the waived rater's words stay with coordinators
    seen = {r["id"]: r for r in (await running.http.get(url, headers=coordinator.headers)).json()["items"]}
    assert seen[waived_id]["void_detail"] == "Too busy."
    again = await running.http.post(url, headers=dana.headers, json={
        "slot": 2, "name": "Rita Moreno", "email": "rita@example.org", "kind": "rsc_provider", "waived": False})
    assert again.status_code == 201, again.text  # the slot is free again

    app = running.service.app
    for _ in range(200):
        if app.position("outbox") == app.recorder.max_notification_id():
            break
        await asyncio.sleep(0.05)
    records = await asyncio.to_thread(read_records, topics, application_id, count=7, timeout=3.0)
    events = [decode(list(r.headers), r.value).event for r in records]
    [first, *_] = [e for e in events if isinstance(e, ReferenceRequested) and str(e.reference_id) == reference_id]
    assert first.rater.language == "en"
    declines = {str(e.reference_id): e for e in events if isinstance(e, ReferenceDeclined)}
    assert declines[reference_id].reason == "I do not know her work."
    assert (declines[reference_id].slot, declines[reference_id].applicant.name) == (2, "Dana Reyes")
    assert declines[waived_id].waived is True

    await running.catch_up()
    timeline = (await running.http.get(f"/applications/{application_id}/timeline", headers=dana.headers)).json()
    assert "reference_declined" in [i["kind"] for i in timeline["items"]]


async def test_each_reference_shows_its_state_for_people_and_a_waived_answer_stays_hidden(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    application_id = await a_draft(running, dana)
    url = f"/applications/{application_id}/references"
    sent_id, _ = await name(running, dana, application_id, 1)
    waived_id, waived_token = await name(running, dana, application_id, 2, waived=True)
    void_id, _ = await name(running, dana, application_id, 3)
    assert (await running.http.delete(f"{url}/{void_id}", headers=dana.headers)).status_code == 200
    answered = await running.http.post(f"/references/{waived_token}", json={
        "ratings": form_ratings(running, application_id), "comments": "Secret praise."})
    assert answered.status_code == 200, answered.text
    service = service_of(running)
    clock = service.clock
    later = clock() + timedelta(days=8)
    service.clock = lambda: later
    try:
        assert ReferenceCases(service).remind_if_due(UUID(application_id), UUID(sent_id))
    finally:
        service.clock = clock

    items = {r["id"]: r for r in (await running.http.get(url, headers=dana.headers)).json()["items"]}
    assert items[sent_id]["state"] == "reminded"
    assert items[void_id]["state"] == "void"
    assert items[waived_id]["state"] == "completed" and items[waived_id]["answer"] is None
    assert "Secret praise" not in str(items)


async def test_the_catalogue_lists_categories_competencies_tabs_and_document_rules(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    answer = await running.http.get("/applications/catalogue", headers=dana.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    categories = {c["code"]: c for c in body["categories"]}
    assert categories["IFS"]["can_start"] is True and categories["IFS"]["name"]
    competencies = {c["id"]: c for c in body["competencies"]}
    assert competencies["thinking"]["name"] == {"en": "Thinking", "es": "Pensamiento"}
    assert competencies["th_solving_problems"]["domain"] == "thinking"
    tabs = {t["code"]: t["requirements"] for t in body["tabs"]}
    assert [t["code"] for t in body["tabs"]][:2] == ["details", "membership"]
    assert "REFERENCES" in tabs["references"] and "RSC_HOURS" in tabs["rsc"]
    assert "REGISTRATION_ACCEPTED" in tabs["registration"] and tabs["documents"] == []
    documents = body["documents"]
    assert documents["max_bytes"] == 10 * 1024 * 1024 and documents["max_per_application"] == 50
    assert {"media_type": "image/jpeg", "name": "JPEG", "extensions": [".jpeg", ".jpg"]} in documents["types"]
    assert (await running.http.get("/applications/catalogue")).status_code == 401
