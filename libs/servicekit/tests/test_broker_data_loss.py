"""The broker loses its data (tansu on memory storage restarts): relays republish, consumers read again.

Each test restarts a broker of its own, so no other test loses records.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from devstack.engines import Engines
from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, Envelope, Person, encode, partition_counts
from eventsourcing.domain import Aggregate, event
from faststream.kafka import KafkaBroker
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata
from servicekit.broker_epoch import BrokerEpoch
from servicekit.consumer import IdempotentConsumer
from servicekit.epoch_scope import EpochScope
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.health import Readiness
from servicekit.metrics import relay_backlog
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.replay import follow_broker_epoch, rewind_on_new_epoch
from servicekit.subscription import subscribe
from servicekit.topics import ensure_topics

BROKER = "tansu-data-loss"


class Draft(Aggregate):
    @event("Submitted")
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant


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


def submitted(application_id: UUID, timestamp: datetime) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant="itmhca", occurred_at=timestamp, application_id=application_id, submission_number=1,
        applicant=Person(account_id=uuid4(), name="Ana", email="ana@example.org"),
        category="IFS", category_name="Infant Family Specialist", rule_set_version="test",
    )


def translate(domain_event: Any) -> ApplicationSubmitted:
    return submitted(domain_event.originator_id, domain_event.timestamp)


@pytest.fixture
def broker(engines: Engines, private_broker: Callable[[str], str]) -> Iterator[tuple[str, Callable[[], None]]]:
    """A broker of this module's own, and a function that makes it lose all its data (a memory restart)."""
    bootstrap = private_broker("data-loss")
    if not any(name == BROKER for name in engines.supervisor.names()):
        pytest.skip("a shared, configured broker cannot be wiped")

    def lose_data() -> None:
        engines.supervisor.restart(BROKER)

    yield bootstrap, lose_data


def topic_ids(bootstrap: str) -> dict[str, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return {d["name"]: len(d["partitions"]) for d in admin.describe_topics(sorted(partition_counts()))}
    finally:
        admin.close()


def ce_ids(bootstrap: str, topic: str, expect: int, timeout: float = 15) -> list[str]:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                             consumer_timeout_ms=500)
    found: list[str] = []
    deadline = time.monotonic() + timeout
    while len(found) < expect and time.monotonic() < deadline:
        found.extend(dict(r.headers)["ce_id"].decode() for r in consumer)
    consumer.close()
    return found


def test_the_epoch_changes_when_the_broker_loses_its_data_and_the_topics_come_back(
        broker: tuple[str, Callable[[], None]]) -> None:
    """Given a broker with the contract topics, when it loses its data, then the next read of the epoch differs
    and has made every contract topic again with its partition count."""
    bootstrap, lose_data = broker
    epoch = BrokerEpoch(bootstrap, max_age=0)
    before = epoch.current()
    assert epoch.current() == before, "the same broker data keeps its epoch"
    lose_data()
    after = epoch.current()
    assert after != before
    assert epoch.changes == 1
    assert topic_ids(bootstrap) == partition_counts()
    epoch.close()


def test_the_relay_republishes_its_whole_log_with_the_same_ce_ids(
        broker: tuple[str, Callable[[], None]], database_url: str) -> None:
    """Given a relay that published three events, when the broker loses its data, then the relay publishes all
    three again, with the ce_ids they had, and a new event after them (its position now kept under the new epoch)."""
    bootstrap, lose_data = broker
    app = open_application(Drafts, database_url, "drafts")
    app.save(*(Draft("itmhca") for _ in range(3)))
    relay = OutboxRelay(app, translate, kafka_producer(bootstrap, enable_idempotence=False), source="/test")
    relay.epoch = EpochScope(BrokerEpoch(bootstrap, max_age=0), app)
    assert relay.run_once() == 3
    assert app.position("outbox") == 3, "the first epoch a database sees keeps the plain tracking name"
    first = ce_ids(bootstrap, APPLICATIONS.name, 3)
    lose_data()
    app.save(Draft("itmhca"))
    assert relay.run_once() == 4
    assert relay.run_once() == 0
    assert app.position(f"outbox@{relay.epoch.epoch.last_known}") == 4
    again = ce_ids(bootstrap, APPLICATIONS.name, 4)
    assert len(again) == 4 and set(first) < set(again), "the same ce_ids, each once, then the new one"
    relay.producer.close()
    relay.epoch.epoch.close()
    app.close()


async def test_the_backlog_counts_what_the_relay_has_not_republished_yet(
        broker: tuple[str, Callable[[], None]], database_url: str) -> None:
    """Given a relay that published three events, when the broker loses its data and the relay has republished
    two of them, then the backlog in /metrics and in /readyz is the one left (not 0 from the old broker's position)."""
    bootstrap, lose_data = broker
    app = open_application(Drafts, database_url, "backlog_drafts")
    app.save(*(Draft("itmhca") for _ in range(3)))
    relay = OutboxRelay(app, translate, kafka_producer(bootstrap, enable_idempotence=False), source="/t",
                        batch_size=2)
    relay.epoch = EpochScope(BrokerEpoch(bootstrap, max_age=0), app)
    relay.epoch.load()
    assert relay.run_once() + relay.run_once() == 3
    assert relay_backlog(relay) == 0
    lose_data()
    assert relay.run_once() == 2
    assert relay_backlog(relay) == 1
    readiness = Readiness(SimpleNamespace(relays=[relay], settings=SimpleNamespace(  # type: ignore[arg-type]
        readiness_timeout_seconds=10, readiness_max_relay_backlog=100)))
    assert await readiness._relay_backlog() == {"status": "ok", "pending": {"outbox": 1}, "limit": 100}
    relay.producer.close()
    relay.epoch.epoch.close()
    app.close()


async def test_a_consumer_reads_the_new_broker_from_the_start(
        broker: tuple[str, Callable[[], None]], database_url: str) -> None:
    """Given a consumer that processed three records, when the broker loses its data and one new record arrives
    at offset 0, then it is processed (not skipped for the old record's position), and a republished copy of an
    old record changes nothing."""
    bootstrap, lose_data = broker
    app = open_application(Sightings, database_url, "sightings")

    def on_submitted(envelope: Envelope) -> list[Seen]:
        assert isinstance(envelope.event, ApplicationSubmitted)
        seen_id = Seen.create_id(envelope.event.application_id)
        return [] if app.process_recorder.select_events(seen_id) else [Seen(envelope.event.application_id)]

    consumer = IdempotentConsumer(app, group_id=f"g-{uuid4().hex[:8]}", handlers={ApplicationSubmitted: on_submitted})
    old, new = [uuid4() for _ in range(3)], uuid4()
    epoch = await follow_broker_epoch(bootstrap, [], consumer)
    epoch.max_age = 0

    def send(*application_ids: UUID) -> None:
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
        for application_id in application_ids:
            record = encode(submitted(application_id, datetime.now(UTC)), event_id=f"id-{application_id}",
                            source="/t")
            producer.send(APPLICATIONS.name, key=b"one-partition", value=record.value, headers=record.headers)
        producer.flush()
        producer.close()

    def seen(application_id: UUID) -> bool:
        return bool(app.process_recorder.select_events(Seen.create_id(application_id)))

    async def until(check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 60
        while not check():
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.1)

    send(*old)
    kafka = KafkaBroker(bootstrap)
    subscriber = subscribe(kafka, consumer, session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=20)
    await kafka.start()
    watcher = asyncio.create_task(rewind_on_new_epoch(epoch, subscriber, every=0.2))
    try:
        await until(lambda: all(seen(i) for i in old), "the first three records are processed")
        duplicates = consumer.stats.duplicates
        await asyncio.to_thread(lose_data)
        await asyncio.to_thread(ensure_topics, bootstrap)  # as a relay would, before publishing
        await asyncio.to_thread(send, new, old[0])
        await until(lambda: seen(new), "the record at offset 0 of the new broker is processed")
        await until(lambda: consumer.stats.duplicates > duplicates, "the republished copy is seen as a duplicate")
    finally:
        watcher.cancel()
        await kafka.stop()
        await asyncio.to_thread(epoch.close)
    mine = {Seen.create_id(i) for i in [*old, new]}
    created = [n for n in app.process_recorder.select_notifications(start=1, limit=1000) if n.originator_id in mine]
    assert len(created) == 4, "each application seen exactly once"
    app.close()


async def test_a_consumer_starts_where_its_database_says_not_at_the_brokers_group_offset(
        broker: tuple[str, Callable[[], None]], database_url: str) -> None:
    """Given four records and a group offset past three of them that the database never recorded (as a consumer's
    acknowledgement commits into a broker that lost its data, before the rewind), when the consumer joins the
    group, then it reads from the position its database recorded (none: offset 0) and handles all four."""
    bootstrap, _ = broker
    app = open_application(Sightings, database_url, "sightings_positions")
    group = f"g-{uuid4().hex[:8]}"

    def on_submitted(envelope: Envelope) -> list[Seen]:
        assert isinstance(envelope.event, ApplicationSubmitted)
        seen_id = Seen.create_id(envelope.event.application_id)
        return [] if app.process_recorder.select_events(seen_id) else [Seen(envelope.event.application_id)]

    consumer = IdempotentConsumer(app, group_id=group, handlers={ApplicationSubmitted: on_submitted})
    epoch = await follow_broker_epoch(bootstrap, [], consumer)
    applications = [uuid4() for _ in range(4)]

    def send_and_commit_a_stale_offset() -> None:
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
        partition = 0
        for application_id in applications:
            record = encode(submitted(application_id, datetime.now(UTC)), event_id=f"id-{application_id}",
                            source="/t")
            partition = producer.send(APPLICATIONS.name, key=b"one-partition", value=record.value,
                                      headers=record.headers).get(timeout=10).partition
        producer.close()
        stale = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
        tp = TopicPartition(APPLICATIONS.name, partition)
        stale.assign([tp])
        stale.commit({tp: OffsetAndMetadata(3, "", -1)})
        assert stale.committed(tp) == 3
        stale.close()

    def seen(application_id: UUID) -> bool:
        return bool(app.process_recorder.select_events(Seen.create_id(application_id)))

    await asyncio.to_thread(send_and_commit_a_stale_offset)
    kafka = KafkaBroker(bootstrap)
    subscribe(kafka, consumer, session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=20)
    await kafka.start()
    try:
        deadline = time.monotonic() + 60
        while not all(seen(i) for i in applications):
            assert time.monotonic() < deadline, (
                f"handled {sum(seen(i) for i in applications)} of 4: the consumer started at the group offset")
            await asyncio.sleep(0.1)
    finally:
        await kafka.stop()
        await asyncio.to_thread(epoch.close)
    app.close()
