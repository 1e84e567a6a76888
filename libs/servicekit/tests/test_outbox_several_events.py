"""The relay when one stored event becomes several integration events (or none): every one is published, each with
its own stable `ce_id`, and the first keeps the id a single translation would have."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, IntegrationEvent, Person
from eventsourcing.domain import Aggregate, event
from servicekit.eventstore import TrackedApplication
from servicekit.outbox import OutboxRelay, event_id


class Batch(Aggregate):
    @event("Created")
    def __init__(self, shape: str) -> None:
        self.shape = shape


class Batches(TrackedApplication):
    pass


@dataclass
class Sent:
    def get(self, timeout: float) -> None:
        return None


@dataclass
class FakeProducer:
    records: list[tuple[str, bytes, dict[str, bytes]]] = field(default_factory=list)

    def send(self, topic: str, *, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> Sent:
        self.records.append((topic, key, dict(headers)))
        return Sent()

    def flush(self, timeout: float | None = None) -> None:
        pass


TRACE_HEADERS = {"ce_traceparent", "ce_tracestate"}


def without_trace(records: list[tuple[str, bytes, dict[str, bytes]]]) -> list[tuple[str, bytes, dict[str, bytes]]]:
    """The records without their trace context: each publication is a span of its own once tracing is configured
    (another test module may have done so), so only the trace differs between two relays' copies."""
    return [(topic, key, {name: value for name, value in headers.items() if name not in TRACE_HEADERS})
            for topic, key, headers in records]


def submitted(application_id: UUID, number: int) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant="itmhca",
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
        application_id=application_id,
        submission_number=number,
        applicant=Person(account_id=uuid4(), name="Ana", email="ana@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="test",
    )


def translate(domain_event: Any) -> list[IntegrationEvent] | IntegrationEvent | None:
    """By the batch's shape: nothing, an empty list, one event, or a list of three."""
    shape, of = domain_event.shape, domain_event.originator_id
    return {"none": None, "empty": [], "one": submitted(of, 1), "three": [submitted(of, n) for n in (1, 2, 3)]}[shape]


def test_each_integration_event_of_a_stored_event_is_published_with_its_own_stable_id() -> None:
    # given stored events translated to nothing, an empty list, one event, and three events
    app = Batches()
    batches = [Batch("none"), Batch("empty"), Batch("one"), Batch("three")]
    app.save(*batches)
    producer = FakeProducer()
    relay = OutboxRelay(app, translate, producer, source="/test/batches")  # type: ignore[arg-type]
    # when the relay runs, and a second relay (from position 0, as after a crash before recording) runs again
    assert relay.run_once() == 4
    first_run = list(producer.records)
    producer.records.clear()
    assert OutboxRelay(app, translate, producer, source="/test/batches", name="again").run_once() == 4  # type: ignore[arg-type]
    assert without_trace(producer.records) == without_trace(first_run)
    # then 0 + 0 + 1 + 3 records, keyed by their aggregate, on the topic, each with its own id
    assert [(topic, key) for topic, key, _ in first_run] == [
        (APPLICATIONS.name, str(batches[2].id).encode()),
        *[(APPLICATIONS.name, str(batches[3].id).encode())] * 3,
    ]
    ids = [headers["ce_id"].decode() for _, _, headers in first_run]
    assert len(set(ids)) == 4
    # and the first of several keeps the id a single event would have; the others add their index
    notifications = app.process_recorder.select_notifications(start=1, limit=10)
    assert ids[0] == str(event_id("/test/batches", notifications[2]))
    assert ids[1:] == [str(event_id("/test/batches", notifications[3], i)) for i in range(3)]
    assert ids[1] == str(event_id("/test/batches", notifications[3]))
