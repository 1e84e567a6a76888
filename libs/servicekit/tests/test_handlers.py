"""Typed registration (`servicekit.handlers`): one handler per event type, unknown tenants refused before it runs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from endorsement_contracts import (
    APPLICATIONS,
    DEAD_LETTER,
    ApplicationSubmitted,
    Envelope,
    Person,
    decode,
    encode,
)
from endorsement_contracts.events import PersonErased
from endorsement_contracts.events.applications import ApplicationWithdrawn
from eventsourcing.domain import Aggregate
from faststream.kafka import KafkaBroker
from kafka import KafkaConsumer, KafkaProducer
from servicekit.consumer import IdempotentConsumer, RejectedMessage
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.handlers import Effects, EventHandlers
from servicekit.subscription import subscribe
from servicekit.topics import ensure_topics

SERVED = {"itmhca", "aimh"}


class Seen(Aggregate):
    def __init__(self, application_id: UUID) -> None:
        self.application_id = application_id

    @classmethod
    def create_id(cls, application_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"seen-by-type/{application_id}")


class Sightings(TrackedApplication):
    pass


def submitted(tenant: str = "itmhca") -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant=tenant, occurred_at=datetime.now(UTC), application_id=uuid4(), submission_number=1,
        applicant=Person(account_id=uuid4(), name="Ana", email="ana@example.org"),
        category="IFS", category_name="Infant Family Specialist", rule_set_version="test",
    )


def erased(tenant: str = "itmhca") -> PersonErased:
    return PersonErased(tenant=tenant, occurred_at=datetime.now(UTC), erasure_id=uuid4(),
                        subject=f"account:{uuid4()}")


def envelope_of(event: Any) -> Envelope:
    record = encode(event, event_id=uuid4(), source="/test")
    return decode(record.headers, record.value)


class Calls:
    def __init__(self) -> None:
        self.seen: list[tuple[Any, Envelope]] = []


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def registry(calls: Calls) -> EventHandlers:
    handlers = EventHandlers(serves_tenant=SERVED.__contains__)

    @handlers.on(ApplicationSubmitted)
    def on_submitted(event: ApplicationSubmitted, envelope: Envelope) -> Effects:
        calls.seen.append((event, envelope))
        return [Seen(event.application_id)]

    @handlers.on(PersonErased, any_tenant=True)
    def on_erased(event: PersonErased, envelope: Envelope) -> Effects:
        calls.seen.append((event, envelope))
        return []

    return handlers


def test_a_registered_handler_gets_the_event_as_its_type_and_its_record(registry: EventHandlers, calls: Calls) -> None:
    envelope = envelope_of(submitted())
    table = registry.table()
    assert set(table) == {ApplicationSubmitted, PersonErased}
    [seen] = table[ApplicationSubmitted](envelope)
    assert isinstance(seen, Seen)
    assert calls.seen == [(envelope.event, envelope)]


def test_the_decorated_function_is_returned_unchanged() -> None:
    handlers = EventHandlers(serves_tenant=SERVED.__contains__)

    def on_withdrawn(event: ApplicationWithdrawn, envelope: Envelope) -> Effects:
        return []

    assert handlers.on(ApplicationWithdrawn)(on_withdrawn) is on_withdrawn


def test_the_table_is_the_mapping_the_consumer_takes_and_a_copy(registry: EventHandlers) -> None:
    table = registry.table()
    table.pop(PersonErased)
    assert PersonErased in registry.table()
    consumer = IdempotentConsumer(Sightings(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}), group_id="g",
                                  handlers=registry.table())
    assert consumer.topics() == sorted({ApplicationSubmitted.topic, PersonErased.topic})


def test_one_type_registered_twice_is_refused_at_registration(registry: EventHandlers) -> None:
    def again(event: ApplicationSubmitted, envelope: Envelope) -> Effects:
        return []

    with pytest.raises(ValueError, match=r"^two handlers for ApplicationSubmitted\.v1$"):
        registry.on(ApplicationSubmitted)(again)
    with pytest.raises(ValueError, match=r"^two handlers for PersonErased\.v1$"):
        registry.on(PersonErased, any_tenant=True)(lambda event, envelope: [])


def test_a_record_of_a_tenant_not_served_is_refused_with_its_reason_before_the_handler_runs(
    registry: EventHandlers, calls: Calls
) -> None:
    handle = registry.table()[ApplicationSubmitted]
    with pytest.raises(RejectedMessage) as refused:
        handle(envelope_of(submitted(tenant="nowhere")))
    assert refused.value.reason == "unknown tenant 'nowhere'"
    assert calls.seen == []


def test_the_consumer_records_nothing_for_a_refused_record(registry: EventHandlers, calls: Calls) -> None:
    app = Sightings(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    consumer = IdempotentConsumer(app, group_id="g", handlers=registry.table())
    tracking = consumer.tracking_for(APPLICATIONS.name, 0, 3)
    with pytest.raises(RejectedMessage, match=r"^unknown tenant 'nowhere'$"):
        consumer.process(envelope_of(submitted(tenant="nowhere")), tracking)
    assert not app.has_processed(tracking)  # the subscription records it with the dead letter
    assert app.process_recorder.max_notification_id() in (None, 0)
    assert calls.seen == []


def test_an_event_registered_for_any_tenant_is_handled_whatever_association_it_names(
    registry: EventHandlers, calls: Calls
) -> None:
    handle = registry.table()[PersonErased]
    for tenant in ("itmhca", "nowhere"):
        envelope = envelope_of(erased(tenant))
        assert handle(envelope) == []
        assert calls.seen[-1] == (envelope.event, envelope)
    assert len(calls.seen) == 2


def test_without_any_tenant_an_erasure_of_a_tenant_not_served_is_refused() -> None:
    handlers = EventHandlers(serves_tenant=SERVED.__contains__)
    handlers.on(PersonErased)(lambda event, envelope: [])
    with pytest.raises(RejectedMessage, match=r"^unknown tenant 'nowhere'$"):
        handlers.table()[PersonErased](envelope_of(erased("nowhere")))


# On real engines: the refused record reaches the dead-letter topic, and the partition moves on ----------------------


def dead_letters(bootstrap: str, group: str, timeout: float = 20.0) -> list[Any]:
    consumer = KafkaConsumer(DEAD_LETTER.name, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             group_id=None, consumer_timeout_ms=500)
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while not found and time.monotonic() < deadline:
            found.extend(r for r in consumer if dict(r.headers).get("dlq_consumer_group") == group.encode())
    finally:
        consumer.close()
    return found


async def test_a_record_of_a_tenant_not_served_is_dead_lettered_with_its_reason(database_url: str,
                                                                                kafka_bootstrap: str) -> None:
    ensure_topics(kafka_bootstrap)
    app = open_application(Sightings, database_url, "sightings")
    handled: list[UUID] = []
    handlers = EventHandlers(serves_tenant=SERVED.__contains__)

    @handlers.on(ApplicationSubmitted)
    def on_submitted(event: ApplicationSubmitted, envelope: Envelope) -> Effects:
        handled.append(event.application_id)
        return [] if app.process_recorder.select_events(Seen.create_id(event.application_id)) else [
            Seen(event.application_id)]

    group = f"g-{uuid4().hex[:8]}"
    consumer = IdempotentConsumer(app, group_id=group, handlers=handlers.table())
    stranger, known = submitted(tenant="nowhere"), submitted()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    key = f"same-partition-{group}".encode()
    for event in (stranger, known):
        record = encode(event, event_id=uuid4(), source="/test")
        producer.send(APPLICATIONS.name, key=key, value=record.value, headers=record.headers)
    producer.flush()

    broker = KafkaBroker(kafka_bootstrap)
    subscribe(broker, consumer, session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=20)
    await broker.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and known.application_id not in handled:
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()
    [dead] = await asyncio.to_thread(dead_letters, kafka_bootstrap, group)
    assert dict(dead.headers)["dlq_reason"] == b"unknown tenant 'nowhere'"
    assert handled == [known.application_id]  # the stranger's handler never ran, and the partition moved on
    assert consumer.stats.dead_lettered == 1
    producer.close()
    app.close()
