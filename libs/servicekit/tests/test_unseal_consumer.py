"""The consumer's unseal step on tansu and PostgreSQL: handlers read plaintext, an erased person reads as None, a
producer that is away holds the record back (never dead-lettered), and a forged record is dead-lettered."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from devstack.topics import ensure_topics
from endorsement_contracts import DEAD_LETTER, EVENTS_BY_TYPE, Envelope, IntegrationEvent, encode
from endorsement_contracts.events.common import Sealed
from eventsourcing.domain import Aggregate
from faststream.kafka import KafkaBroker
from kafka import KafkaConsumer, KafkaProducer
from prometheus_client import REGISTRY
from servicekit.consumer import IdempotentConsumer
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.health import Readiness, failing
from servicekit.service_identity import ServiceTokenSigner
from servicekit.shredding import SubjectKeys
from servicekit.subscription import subscribe
from servicekit.unseal import UnsealClient, plaintext, producer_of_topic

sys.path.insert(0, str(Path(__file__).parent))
from unseal_support import free_port, producer_api, served

ADA, GRACE = "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b", "rater:itmhca:0a1b2c"


class NoteWritten(IntegrationEvent):
    event_type: ClassVar[str] = "NoteWritten"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = "endorsement.notes.v1"  # each test gets a topic of its own (the `producer` fixture)
    key_field: ClassVar[str] = "note_id"

    note_id: UUID
    text: Sealed
    author: Sealed | None = None


class Read(Aggregate):
    def __init__(self, note_id: UUID) -> None:
        self.note_id = note_id

    @classmethod
    def create_id(cls, note_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"read/{note_id}")


class Readers(TrackedApplication):
    pass


@pytest.fixture
def producer(monkeypatch: pytest.MonkeyPatch, kafka_bootstrap: str) -> str:
    """A producer of its own for the test, publishing NoteWritten on a topic of its own."""
    name = f"notes{uuid4().hex[:8]}"
    monkeypatch.setitem(EVENTS_BY_TYPE, NoteWritten.type_name(), NoteWritten)
    monkeypatch.setattr(NoteWritten, "topic", f"endorsement.{name}.v1")
    ensure_topics(kafka_bootstrap, {NoteWritten.topic: 1, DEAD_LETTER.name: DEAD_LETTER.partitions})
    return name


@pytest.fixture
def keys(database_url: str) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, "notes", os.urandom(32))
    store.setup()
    yield store
    store.close()


@pytest.fixture
def app(database_url: str) -> Iterator[TrackedApplication]:
    application = open_application(Readers, database_url, "readers")
    yield application
    application.close()


class Reader:
    """A handler that notes what it could read of each note, through `plaintext`."""

    def __init__(self, app: TrackedApplication) -> None:
        self.app = app
        self.read: dict[UUID, tuple[str | None, str | None]] = {}

    def __call__(self, envelope: Envelope) -> list[Read]:
        event = envelope.event
        assert isinstance(event, NoteWritten)
        if self.app.process_recorder.select_events(Read.create_id(event.note_id)):
            return []
        self.read[event.note_id] = (plaintext(event.text), plaintext(event.author) if event.author else None)
        return [Read(event.note_id)]


def publish(kafka_bootstrap: str, *events: NoteWritten) -> None:
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for event in events:
        record = encode(event, event_id=str(uuid4()), source="/notes")
        producer.send(record.topic, key=record.key, value=record.value, headers=record.headers)
    producer.flush()
    producer.close()


def dead_letters(kafka_bootstrap: str, group: str) -> list[Any]:
    reader = KafkaConsumer(DEAD_LETTER.name, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
                           group_id=None, consumer_timeout_ms=1000)
    records = [r for r in reader if dict(r.headers).get("dlq_consumer_group") == group.encode()]
    reader.close()
    return records


def note(text: str, author: str | None = None) -> NoteWritten:
    return NoteWritten(tenant="itmhca", occurred_at=datetime.now(UTC), note_id=uuid4(), text=text, author=author)


async def until(condition: Callable[[], bool], what: str, seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def consuming(kafka_bootstrap: str, consumer: IdempotentConsumer) -> Any:
    broker = KafkaBroker(kafka_bootstrap)
    subscribe(broker, consumer, session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=20)
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


def test_the_producer_of_a_topic_is_named_in_it() -> None:
    assert producer_of_topic("endorsement.applications.v2") == "applications"
    assert producer_of_topic("endorsement.accounts.v2") == "gateway"
    with pytest.raises(ValueError, match="no producer known"):
        producer_of_topic("partner.feed")


async def test_handlers_read_plaintext_an_erased_person_as_none_and_a_forged_record_is_dead_lettered(
        keys: SubjectKeys, app: TrackedApplication, kafka_bootstrap: str, database_url: str, producer: str) -> None:
    elsewhere = SubjectKeys(database_url, "forger", os.urandom(32))
    elsewhere.setup()
    forged = note(elsewhere.seal(ADA, "Ada Lovelace, forged"))
    elsewhere.close()
    identity = Ed25519PrivateKey.generate()
    readable = note(keys.seal(ADA, "Ada's note"), author=keys.seal(ADA, "Ada Lovelace"))
    erased = note(keys.seal(GRACE, "Grace's note"))
    keys.destroy(GRACE)
    reader = Reader(app)
    group = f"g-{uuid4().hex[:8]}"
    with served(producer_api(keys, service=producer, callers={"readers": identity})) as url:
        unsealer = UnsealClient(ServiceTokenSigner("readers", identity), {producer: [url]})
        consumer = IdempotentConsumer(app, group_id=group, handlers={NoteWritten: reader}, unsealer=unsealer)
        publish(kafka_bootstrap, readable, forged, erased)
        async with consuming(kafka_bootstrap, consumer):
            await until(lambda: len(reader.read) == 2 and consumer.stats.dead_lettered == 1, "all three are handled")
        await unsealer.aclose()

    assert reader.read == {readable.note_id: ("Ada's note", "Ada Lovelace"), erased.note_id: (None, None)}
    dead = dead_letters(kafka_bootstrap, group)
    assert [dict(r.headers)["dlq_reason"] for r in dead] == [b"unseal refused: UNSEALABLE_TOKEN"]
    assert str(forged.note_id).encode() in dead[0].value and b"Ada Lovelace" not in dead[0].value


async def test_a_record_waits_for_its_producer_and_is_handled_once_it_is_back(
        keys: SubjectKeys, app: TrackedApplication, kafka_bootstrap: str, producer: str) -> None:
    identity = Ed25519PrivateKey.generate()
    waiting = note(keys.seal(ADA, "Ada's note"))
    reader = Reader(app)
    port = free_port()
    unsealer = UnsealClient(ServiceTokenSigner("readers", identity), {producer: [f"http://127.0.0.1:{port}"]})
    consumer = IdempotentConsumer(app, group_id=f"g-{uuid4().hex[:8]}", handlers={NoteWritten: reader},
                                  unsealer=unsealer)
    publish(kafka_bootstrap, waiting)
    async with consuming(kafka_bootstrap, consumer):
        await until(lambda: producer in consumer.stats.producers_away, "the producer is found away")
        await until(lambda: "ProducerUnavailable" in (consumer.stats.last_error or ""), "the failure is reported")
        checks = await Readiness(_service_of(consumer)).checks()  # type: ignore[arg-type]

        assert checks["unseal"] == {"status": "waiting", "producers_away": {producer: "unreachable"}}
        assert "unseal" not in failing(checks), "a producer away is a detail, not this service being unready"
        assert reader.read == {} and consumer.stats.dead_lettered == 0 and away_gauge(producer) == 1
        assert not app.process_recorder.select_events(Read.create_id(waiting.note_id))

        with served(producer_api(keys, service=producer, callers={"readers": identity}), port=port):
            await until(lambda: waiting.note_id in reader.read, "the record is handled")
    await unsealer.aclose()

    assert reader.read == {waiting.note_id: ("Ada's note", None)}
    assert consumer.stats.producers_away == {} and consumer.stats.dead_lettered == 0
    assert consumer.stats.processed == 1 and away_gauge(producer) == 0


def away_gauge(producer: str) -> float | None:
    return REGISTRY.get_sample_value("unseal_producer_unavailable", {"producer": producer})


def _service_of(consumer: IdempotentConsumer) -> SimpleNamespace:
    """Just enough of a `Service` for `Readiness.checks` (no pool or broker: those checks say "starting")."""
    settings = SimpleNamespace(readiness_timeout_seconds=1.0, readiness_broker_cache_seconds=0.0)
    return SimpleNamespace(consumer=consumer, relays=[], threads=[], leaderships=[], settings=settings,
                           api=SimpleNamespace(state=SimpleNamespace()))


class CountingUnsealer:
    """An unsealer that counts the calls it is asked to make."""

    def __init__(self, inner: UnsealClient) -> None:
        self.inner = inner
        self.calls = 0

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]:
        self.calls += 1
        return await self.inner.open_many(producer, tokens)


class FailingOnce(Reader):
    """A reader whose database "fails" the first time it meets one note, in the middle of a batch."""

    def __init__(self, app: TrackedApplication, fail_on: UUID) -> None:
        super().__init__(app)
        self.fail_on = fail_on
        self.failed = False
        self.order: list[UUID] = []

    def __call__(self, envelope: Envelope) -> list[Read]:
        event = envelope.event
        assert isinstance(event, NoteWritten)
        if event.note_id == self.fail_on and not self.failed:
            self.failed = True
            raise ConnectionError("the database went away")
        effects = super().__call__(envelope)
        if effects:
            self.order.append(event.note_id)
        return effects


async def test_a_backlog_is_unsealed_in_batches_and_a_failure_mid_batch_loses_and_repeats_nothing(
        keys: SubjectKeys, app: TrackedApplication, kafka_bootstrap: str, producer: str) -> None:
    identity = Ed25519PrivateKey.generate()
    notes = [note(keys.seal(ADA, f"note {n}"), author=keys.seal(ADA, "Ada Lovelace")) for n in range(40)]
    reader = FailingOnce(app, fail_on=notes[17].note_id)
    publish(kafka_bootstrap, *notes)  # a backlog: fetched together once the consumer starts
    with served(producer_api(keys, service=producer, callers={"readers": identity})) as url:
        unsealer = CountingUnsealer(UnsealClient(ServiceTokenSigner("readers", identity), {producer: [url]}))
        consumer = IdempotentConsumer(app, group_id=f"g-{uuid4().hex[:8]}", handlers={NoteWritten: reader},
                                      unsealer=unsealer)
        async with consuming(kafka_bootstrap, consumer):
            await until(lambda: len(reader.read) == len(notes), "every note is read")
        await unsealer.inner.aclose()

    assert reader.failed and "ConnectionError" in (consumer.stats.last_error or "")
    assert reader.order == [n.note_id for n in notes], "each note once, in the order published"
    assert reader.read[notes[39].note_id] == ("note 39", "Ada Lovelace")
    assert consumer.stats.processed == len(notes) and consumer.stats.dead_lettered == 0
    assert unsealer.calls <= len(notes) // 4, f"{unsealer.calls} unseal calls for {len(notes)} records"
