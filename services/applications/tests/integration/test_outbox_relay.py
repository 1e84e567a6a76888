"""The outbox relay on the real broker: a submission is published once as a CloudEvent, and again
with the same `ce_id` if the relay dies between publishing and recording its position."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.bootstrap import build_relay, open_service
from applications.config import ApplicationsSettings
from applications.domain import Actor, Applicant
from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, decode
from journeys import complete_through_use_cases
from servicekit.outbox import kafka_producer

if TYPE_CHECKING:
    from conftest import Person, Running


def headers_of(record: Any) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}


async def test_a_submission_through_the_api_reaches_the_broker_as_a_cloudevent(
    running: Running, person: Callable[..., Person], read_records: Callable[..., list[Any]], topics: str
) -> None:
    dana = person("itmhca", "applicant", name="Dana Reyes", email="dana@example.org")
    created = await running.http.post("/applications", json={"category": "IMHM-R/F"}, headers=dana.headers)
    application_id = created.json()["id"]
    await running.http.patch(f"/applications/{application_id}", headers=dana.headers,
                             json={"statement": "Professor of early childhood.", "ethics_attested": True,
                                   "county": "Pima"})
    service = running.service.app
    assert isinstance(service, ApplicationsService)
    actor = Actor(dana.account_id, "itmhca", frozenset({"applicant"}))
    await asyncio.to_thread(complete_through_use_cases, service, actor, UUID(application_id))
    submitted = await running.http.post(f"/applications/{application_id}/submit", headers=dana.headers)
    assert submitted.status_code == 200

    app = running.service.app
    for _ in range(200):  # the lifespan's relay thread publishes on its own
        if app.position("outbox") == app.recorder.max_notification_id():
            break
        await asyncio.sleep(0.05)
    records = await asyncio.to_thread(read_records, topics, application_id, count=11, timeout=2.0)

    assert [headers_of(r)["ce_type"] for r in records] == [  # the milestones only; tab changes stay private
        "ApplicationStarted.v1", *["ReferenceRequested.v1", "ReferenceCompleted.v1"] * 3, "ApplicationRegistered.v1",
        "RegistrationAccepted.v1", "ApplicationSubmitted.v1"]
    record = records[-1]
    assert record.topic == APPLICATIONS.name
    assert record.key == application_id.encode()
    headers = headers_of(record)
    assert headers["ce_specversion"] == "1.0"
    assert UUID(headers["ce_id"])
    assert headers["ce_source"] == "/services/applications"
    assert headers["ce_type"] == "ApplicationSubmitted.v1"
    assert datetime.fromisoformat(headers["ce_time"]) == datetime.fromisoformat(submitted.json()["submitted_at"])
    assert headers["content-type"] == "application/json"
    assert (headers["ce_subject"], headers["ce_tenant"]) == (application_id, "itmhca")

    event = decode(list(record.headers), record.value).event
    assert isinstance(event, ApplicationSubmitted)
    assert str(event.application_id) == application_id
    assert (event.applicant.account_id, event.applicant.name, event.applicant.email) == (
        dana.account_id, "Dana Reyes", "dana@example.org")
    assert (event.category, event.category_name) == ("IMHM-R/F", "Infant Mental Health Mentor - Research/Faculty")
    assert event.submission_number == 1
    assert event.rule_set_version == "itmhca/IMHM-R/F/2024-01-01"
    assert event.details == {"statement": "Professor of early childhood.", "county": "Pima",
                             "ethics_attested": "true",
                             "rater_emails": "rater1@example.org,rater2@example.org,rater3@example.org"}
    assert event.exam_required is True
    assert event.requirement_report is not None
    assert {o.code for o in event.requirement_report} >= {"EDUCATION", "WORK_TEACHING_RESEARCH", "MEMBERSHIP"}
    assert all(o.met for o in event.requirement_report)


def test_a_relay_that_dies_before_recording_republishes_with_the_same_ce_id(
    settings: ApplicationsSettings, read_records: Callable[..., list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_service(settings)
    producer = kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=False)
    try:
        account = uuid4()
        dana = Actor(account, "itmhca", frozenset({"applicant"}))
        application = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFA")
        complete_through_use_cases(app, dana, application.id)
        app.submit(application.id, dana)
        events = app.recorder.max_notification_id()

        def crash(*_: object) -> None:
            raise RuntimeError("killed after publishing, before recording the position")

        monkeypatch.setattr(app, "record_position", crash)
        with pytest.raises(RuntimeError, match="killed"):
            build_relay(app, producer, publish_v1=True).run_once()
        monkeypatch.undo()
        assert app.position("outbox") == 0

        restarted = build_relay(app, producer, publish_v1=True)
        assert restarted.run_once() == events
        assert restarted.run_once() == 0
        assert app.position("outbox") == events
    finally:
        producer.close()
        app.close()

    published = 10  # started, 3 references requested and completed, registered, registration accepted, submitted
    records = read_records(settings.kafka_bootstrap_servers, str(application.id), count=2 * published + 1,
                           timeout=2.0)

    assert len(records) == 2 * published
    for once, again in zip(records[:published], records[published:], strict=True):
        assert headers_of(once)["ce_id"] == headers_of(again)["ce_id"]
        # every header but the trace context, which names each publish attempt's own producer span
        assert without_trace(headers_of(once)) == without_trace(headers_of(again))
        assert once.value == again.value
        assert once.key == again.key == str(application.id).encode()


def without_trace(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in ("ce_traceparent", "ce_tracestate")}
