"""The outbox relay: follows an application's notification log and publishes integration events to Kafka.

The notification log is written in the same transaction as the aggregate's events, so it is the outbox.
The relay's position is a tracking record in the same database, written only after Kafka acknowledged
every record of the batch: a crash in between republishes the batch with the same `ce_id`s (at-least-once),
and consumers deduplicate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from uuid import NAMESPACE_URL, UUID, uuid5

from endorsement_contracts import IntegrationEvent, encode
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification, Tracking
from kafka import KafkaProducer

from .epoch_scope import EpochScope
from .eventstore import TracingMapper, TrackedApplication
from .shredding import key_batch
from .telemetry import TraceContext, publishing

log = logging.getLogger(__name__)

Translator = Callable[[DomainEventProtocol[UUID]], IntegrationEvent | None]
Translation = IntegrationEvent | Sequence[IntegrationEvent] | None
"""What a stored event becomes: nothing, one integration event, or several (e.g. one per reviewer it releases)."""
RelayTranslator = Callable[[DomainEventProtocol[UUID]], Translation]
Twin = Callable[[IntegrationEvent, UUID], IntegrationEvent | None]
"""An integration event's twin on another topic, given the event and its `ce_id` (e.g. `servicekit.sealed_twins.
TwinSealer`: the sealed v2 copy of a v1 event while consumers move to v2); published under the same `ce_id`."""


def event_id(source: str, notification: Notification, index: int = 0) -> UUID:
    """The CloudEvents id of a stored event: the same every time that event is relayed. When one stored event
    becomes several integration events, the first keeps this id and the n-th (from 0) adds `/n` to its name."""
    name = f"{source}/{notification.originator_id}/{notification.originator_version}"
    return uuid5(NAMESPACE_URL, name if index == 0 else f"{name}/{index}")


def kafka_producer(bootstrap_servers: str, *, enable_idempotence: bool) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers.split(","),
        acks="all",
        enable_idempotence=enable_idempotence,
        # Without idempotence a retried batch could overtake the next one: keep per-key order.
        max_in_flight_requests_per_connection=5 if enable_idempotence else 1,
        retries=5,
        linger_ms=1,
        client_id="outbox-relay",
    )


class OutboxRelay:
    """Publishes each new notification's integration event, then records the position."""

    def __init__(
        self,
        app: TrackedApplication,
        translate: RelayTranslator,
        producer: KafkaProducer,
        *,
        source: str,
        name: str = "outbox",
        batch_size: int = 100,
        twin: Twin | None = None,
        twin_only: bool = False,
    ) -> None:
        self.app = app
        self.translate = translate
        self.producer = producer
        self.source = source
        self.name = name
        self.batch_size = batch_size
        self.twin = twin
        """When set, each integration event with a twin is followed by its twin, under the same `ce_id`."""
        self.twin_only = twin_only
        """With a twin: publish the twin alone (consumers have all moved to the twins' topics)."""
        self.published = 0
        self.epoch: EpochScope | None = None
        """When set (the runtime sets it), the position is kept per broker epoch: a broker that lost its data
        gets the whole notification log again, with the same `ce_id`s."""
        self.after_publish: Callable[[OutboxRelay], None] | None = None
        """A fault-test seam (`servicekit.faults`): called after the broker acknowledged a batch, before the
        position is recorded."""

    def run_once(self) -> int:
        """Relay one batch; returns how many notifications it consumed."""
        tracking_name = self.epoch.name_now(self.name) if self.epoch is not None else self.name
        position = self.app.position(tracking_name)
        notifications = self.app.process_recorder.select_notifications(start=position + 1, limit=self.batch_size)
        if not notifications:
            return 0
        futures = []
        with key_batch():  # sealed values decoded and translated: each subject's key row read once per batch
            for notification in notifications:
                domain_event, cause = self._decode(notification)
                for index, integration_event in enumerate(_listed(self.translate(domain_event))):
                    identifier = event_id(self.source, notification, index)
                    twin = self.twin(integration_event, identifier) if self.twin is not None else None
                    for published in _published(integration_event, twin, twin_only=self.twin_only):
                        # published in the trace of the request or record that saved the event (servicekit.telemetry)
                        with publishing(published.topic, cause, published.type_name()) as context:
                            record = encode(published, event_id=identifier, source=self.source,
                                            traceparent=context.traceparent if context else None,
                                            tracestate=context.tracestate if context else None)
                            futures.append(self.producer.send(record.topic, key=record.key, value=record.value,
                                                              headers=record.headers))
        self.producer.flush(timeout=30)  # bounded, like each future below: a stuck flush must not stop the relay
        for future in futures:
            future.get(timeout=30)
        self.published += len(futures)
        if futures and self.after_publish is not None:
            self.after_publish(self)
        self.app.record_position(Tracking(tracking_name, notifications[-1].id))
        return len(notifications)

    def _decode(self, notification: Notification) -> tuple[DomainEventProtocol[UUID], TraceContext | None]:
        mapper = self.app.mapper
        if isinstance(mapper, TracingMapper):
            return mapper.to_domain_event_and_trace(notification)
        return mapper.to_domain_event(notification), None

    def run_forever(self, stop: threading.Event, poll_seconds: float, wake: threading.Event | None = None) -> None:
        """Relay until `stop` is set; transient failures are logged and retried with backoff. Once caught up, wait
        for `wake` (set when events are committed: servicekit.wakeups; whoever sets `stop` sets it too), at most
        `poll_seconds`."""
        first_backoff = min(poll_seconds, 0.2)
        backoff = first_backoff
        while not stop.is_set():
            try:
                relayed = self.run_once()
                backoff = first_backoff
            except Exception:
                log.exception("outbox relay %s failed; retrying in %.1fs", self.name, backoff)
                relayed = 0
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if relayed == 0:
                if wake is None:
                    stop.wait(poll_seconds)
                else:
                    wake.wait(poll_seconds)
                    wake.clear()


def _published(event: IntegrationEvent, twin: IntegrationEvent | None, *,
               twin_only: bool) -> tuple[IntegrationEvent, ...]:
    if twin is None:
        return (event,)
    return (twin,) if twin_only else (event, twin)


def _listed(translation: Translation) -> Sequence[IntegrationEvent]:
    if translation is None:
        return ()
    if isinstance(translation, IntegrationEvent):
        return (translation,)
    return translation
