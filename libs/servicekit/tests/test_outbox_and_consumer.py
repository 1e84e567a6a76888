"""The plumbing on real engines: outbox relay → Kafka → idempotent consumer, dead letters, and crash replays."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from endorsement_contracts import APPLICATIONS, DEAD_LETTER, ApplicationSubmitted, Envelope, Person
from eventsourcing.domain import Aggregate, event
from faststream.kafka import KafkaBroker
from kafka import KafkaConsumer, KafkaProducer
from servicekit.consumer import IdempotentConsumer
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.subscription import subscribe
from servicekit.topics import ensure_topics


class Draft(Aggregate):
    @event("Created")
    def __init__(self, tenant: str, name: str) -> None:
        self.tenant = tenant
        self.name = name
        self.submitted = False

    @event("Submitted")
    def submit(self) -> None:
        self.submitted = True


class Seen(Aggregate):
    def __init__(self, application_id: UUID) -> None:
        self.application_id = application_id

    @classmethod
    def create_id(cls, application_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"seen/{application_id}")


class Drafts(TrackedApplication):
    pass


class Sightings(TrackedApplication):
    pass


def translate(domain_event: Any) -> ApplicationSubmitted | None:
    if not isinstance(domain_event, Draft.Submitted):
        return None
    return ApplicationSubmitted(
        tenant="itmhca",
        occurred_at=domain_event.timestamp,
        application_id=domain_event.originator_id,
        submission_number=1,
        applicant=Person(account_id=uuid4(), name="Ana", email="ana@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="test",
    )


def exists(app: TrackedApplication, application_id: UUID) -> bool:
    return bool(app.process_recorder.select_events(Seen.create_id(application_id)))


def read_all(bootstrap: str, topic: str, expect: int, timeout: float = 15) -> list[Any]:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             group_id=None, consumer_timeout_ms=500)
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(records) < expect and time.monotonic() < deadline:
        records.extend(consumer)
    consumer.close()
    return records


def test_relay_publishes_once_per_event_and_replays_with_the_same_ids(database_url: str, kafka_bootstrap: str) -> None:
    """Given submitted drafts, when the relay runs, crashes before recording and runs again,
    then every event is on the topic with the same ce_id each time and the position moves on."""
    ensure_topics(kafka_bootstrap)
    app = open_application(Drafts, database_url, "drafts")
    drafts = [Draft("itmhca", f"d{i}") for i in range(3)]
    for draft in drafts:
        draft.submit()
    app.save(*drafts)
    producer = kafka_producer(kafka_bootstrap, enable_idempotence=False)
    relay = OutboxRelay(app, translate, producer, source="/test/drafts")

    class Crash(Exception):
        pass

    original = app.record_position

    def crash(_: Any) -> None:
        raise Crash

    app.record_position = crash  # type: ignore[method-assign]
    with pytest.raises(Crash):
        relay.run_once()
    app.record_position = original  # type: ignore[method-assign]
    assert app.position("outbox") == 0
    assert relay.run_once() == 6  # 3 Created (not published) + 3 Submitted
    assert relay.run_once() == 0
    mine = {str(d.id) for d in drafts}
    records = [r for r in read_all(kafka_bootstrap, APPLICATIONS.name, 6) if r.key.decode() in mine]
    assert len(records) == 6
    ids_by_key: dict[str, set[str]] = {}
    for record in records:
        ids_by_key.setdefault(record.key.decode(), set()).add(dict(record.headers)["ce_id"].decode())
    assert all(len(ids) == 1 for ids in ids_by_key.values()), "a replayed event must keep its ce_id"
    producer.close()
    app.close()


async def test_consumer_applies_each_event_once_and_dead_letters_garbage(database_url: str,
                                                                         kafka_bootstrap: str) -> None:
    """Given a good record delivered twice, a garbage record and another good one on the same partition,
    when the consumer runs, then two Seen aggregates exist, and the garbage is dead-lettered with its reason."""
    ensure_topics(kafka_bootstrap)
    app = open_application(Sightings, database_url, "sightings")

    def on_submitted(envelope: Envelope) -> list[Seen]:
        assert isinstance(envelope.event, ApplicationSubmitted)
        seen_id = Seen.create_id(envelope.event.application_id)
        try:
            app.repository.get(seen_id)
            return []
        except Exception:
            return [Seen(envelope.event.application_id)]

    group = f"g-{uuid4().hex[:8]}"
    consumer = IdempotentConsumer(app, group_id=group, handlers={ApplicationSubmitted: on_submitted})
    first, second = uuid4(), uuid4()
    from endorsement_contracts import encode

    def record(application_id: UUID) -> Any:
        event = translate(Draft.Submitted(originator_id=application_id, originator_version=2,
                                          timestamp=datetime.now(UTC)))
        assert event is not None
        return encode(event, event_id=f"id-{application_id}", source="/t")

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    key = b"same-partition"
    for payload in (record(first), record(first)):
        producer.send(APPLICATIONS.name, key=key, value=payload.value, headers=payload.headers)
    producer.send(APPLICATIONS.name, key=key, value=b"garbage", headers=[("ce_specversion", b"1.0")])
    good = record(second)
    producer.send(APPLICATIONS.name, key=key, value=good.value, headers=good.headers)
    producer.flush()

    broker = KafkaBroker(kafka_bootstrap)
    subscribe(broker, consumer, session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=20)
    await broker.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (exists(app, first) and exists(app, second)):
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # let any duplicate be handled before looking
    finally:
        await broker.stop()
    created = [n for n in app.process_recorder.select_notifications(start=1, limit=1000)
               if n.originator_id in (Seen.create_id(first), Seen.create_id(second))]
    assert len(created) == 2, "each application must be seen exactly once"
    assert consumer.stats.duplicates >= 1
    assert consumer.stats.dead_lettered >= 1
    dead = [r for r in read_all(kafka_bootstrap, DEAD_LETTER.name, 1)
            if dict(r.headers).get("dlq_consumer_group") == group.encode() and r.key == key]
    assert len(dead) == 1
    assert b"missing CloudEvents headers" in dict(dead[0].headers)["dlq_reason"]
    assert dead[0].value == b"garbage"
    producer.close()
    app.close()
