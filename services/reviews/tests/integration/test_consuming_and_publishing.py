"""On the real broker: ApplicationSubmitted opens one case; approval publishes EndorsementGranted; garbage is
dead-lettered without stopping the partition."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from endorsement_contracts import (
    APPLICATIONS_V2,
    DEAD_LETTER,
    REVIEWS,
    ApplicationSubmitted,
    EndorsementGranted,
    KafkaRecord,
    Person,
    decode,
)
from kafka import KafkaProducer
from reviews.domain import ReviewCase, review_case_id
from servicekit.shredding import SubjectKeys

from .applications_twins import twin_record


def submitted(*, tenant: str = "itmhca", application_id: UUID | None = None) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant=tenant,
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        application_id=application_id or uuid4(),
        submission_number=1,
        applicant=Person(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="itmhca-IFS-2025",
    )


def record_of(keys: SubjectKeys, event: ApplicationSubmitted) -> KafkaRecord:
    """As the applications relay publishes it on `endorsement.applications.v2`: its sealed twin."""
    return twin_record(keys, event)


def with_headers(record: KafkaRecord, **changes: str | None) -> list[tuple[str, bytes]]:
    """The record's headers with some replaced (or removed when None)."""
    headers = dict(record.headers)
    for name, value in changes.items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value.encode()
    return list(headers.items())


def header(record: Any, name: str) -> str:
    return dict(record.headers)[name].decode()


async def test_a_submission_opens_one_case_approval_is_published_and_garbage_is_dead_lettered(
    running: Any,  # conftest.Running
    auth: Callable[..., dict[str, str]],
    wait_for: Callable[..., Awaitable[Any]],
    read: Callable[..., list[Any]],
    applications_keys: SubjectKeys,
) -> None:
    service, client = running.service, running.client
    group = service.settings.reviews_consumer_group  # type: ignore[attr-defined]
    bootstrap = service.settings.kafka_bootstrap_servers
    first, second = submitted(), submitted()
    first_record, second_record = record_of(applications_keys, first), record_of(applications_keys, second)
    valid = json.loads(first_record.value)
    schema_invalid = json.dumps({**valid, "submission_number": 0}).encode()
    unknown_tenant = record_of(applications_keys, submitted(tenant="nowhere"))

    # given, on one partition: a submission delivered twice (the second a republished copy at a new offset),
    # five records no one can accept, and then another submission
    key = f"partition-of-{uuid4()}".encode()
    sends: list[tuple[bytes, list[tuple[str, bytes]]]] = [
        (first_record.value, first_record.headers),
        (first_record.value, first_record.headers),
        (b"{not json", first_record.headers),
        (first_record.value, with_headers(first_record, ce_type=None)),
        (first_record.value, with_headers(first_record, ce_type="ApplicationExploded.v2")),
        (schema_invalid, first_record.headers),
        (unknown_tenant.value, unknown_tenant.headers),
        (second_record.value, second_record.headers),
    ]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    futures = [producer.send(APPLICATIONS_V2.name, key=key, value=value, headers=headers) for value, headers in sends]
    producer.flush()
    offsets = [f.get(timeout=10).offset for f in futures]
    producer.close()
    coordinator = auth()

    # when the service consumes them, then the second submission's case appears, so every earlier record was handled
    async def case_of(application_id: UUID) -> dict[str, Any] | None:
        response = await client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
        return response.json() if response.status_code == 200 else None

    await wait_for(lambda: case_of(second.application_id), within=30)
    case = await case_of(first.application_id)
    assert case is not None
    assert case["id"] == str(review_case_id(first.application_id, 1))
    assert case["status"] == "open"
    assert case["applicant"]["name"] == "Ana Applicant"
    assert [entry["action"] for entry in case["history"]] == ["opened"]

    # and the twice-delivered submission opened exactly one case
    mine = {review_case_id(first.application_id, 1), review_case_id(second.application_id, 1)}
    openings = [n.originator_id for n in service.app.process_recorder.select_notifications(start=1, limit=10_000)
                if n.originator_id in mine and n.topic.endswith(ReviewCase.Opened.__qualname__)]
    assert sorted(openings) == sorted(mine)
    assert service.consumer is not None
    assert service.consumer.stats.duplicates >= 1

    # and the five refused records are on the dead-letter topic with where they came from and why
    # (the topics are shared by the session's tests, so only this test's partition key counts)
    dead = read(bootstrap, DEAD_LETTER.name,
                lambda r: r.key == key and dict(r.headers).get("dlq_consumer_group") == group.encode(), expect=5)
    reasons = {int(header(r, "dlq_source_offset")): header(r, "dlq_reason") for r in dead}
    assert len(dead) == 5
    assert reasons[offsets[2]].startswith("value is not JSON")
    assert reasons[offsets[3]] == "missing CloudEvents headers: ce_type"
    assert reasons[offsets[4]] == "unknown ce_type 'ApplicationExploded.v2'"
    assert reasons[offsets[5]].startswith("ApplicationSubmitted.v2 failed validation: submission_number")
    assert reasons[offsets[6]] == "unknown tenant 'nowhere'"
    assert all(header(r, "dlq_source_topic") == APPLICATIONS_V2.name for r in dead)
    assert next(r for r in dead if int(header(r, "dlq_source_offset")) == offsets[2]).value == b"{not json"

    # when the coordinator approves the first case
    response = await client.post(f"/reviews/cases/{case['id']}/approve", json={"designation": "Clinical"},
                                 headers=coordinator)
    assert response.status_code == 200, response.text
    decision = response.json()["decision"]
    endorsement_id = decision["endorsement_id"]

    # then EndorsementGranted is published once, keyed by the endorsement, as a CloudEvent from this service
    granted = read(bootstrap, REVIEWS.name, lambda r: r.key == endorsement_id.encode(), expect=1)
    assert len(granted) == 1
    record = granted[0]
    assert header(record, "ce_specversion") == "1.0"
    assert header(record, "ce_type") == "EndorsementGranted.v1"
    assert header(record, "ce_source") == "/services/reviews"
    assert header(record, "ce_subject") == endorsement_id
    assert header(record, "ce_tenant") == "itmhca"
    assert header(record, "ce_id") == str(uuid5(NAMESPACE_URL, f"/services/reviews/{case['id']}/2"))
    event = decode(list(record.headers), record.value).event
    assert isinstance(event, EndorsementGranted)
    assert str(event.endorsement_id) == endorsement_id
    assert str(event.review_case_id) == case["id"]
    assert event.application_id == first.application_id
    assert event.applicant == first.applicant
    assert (event.category, event.category_name, event.designation) == ("IFS", "Infant Family Specialist", "Clinical")
    assert event.emerging is False
    assert event.effective_date.isoformat() == decision["effective_date"]
    assert event.renewal_date.isoformat() == decision["renewal_date"]
    assert event.renewal_date.year == event.effective_date.year + 1
    assert (event.renewal_date.month, event.renewal_date.day) == (12, 15)
    assert str(event.granted_by) == decision["decided_by"]["account_id"]
