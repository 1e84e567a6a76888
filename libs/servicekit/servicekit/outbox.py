"""The outbox relay: follows an application's notification log and publishes integration events to Kafka.

The notification log is written in the same transaction as the aggregate's events, so it is the outbox.
The relay's position is a tracking record in the same database, written only after Kafka acknowledged
every record of the batch: a crash in between republishes the batch with the same `ce_id`s (at-least-once),
and consumers deduplicate.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from uuid import NAMESPACE_URL, UUID, uuid5

from endorsement_contracts import IntegrationEvent, encode
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification, Tracking
from kafka import KafkaProducer

from .eventstore import TrackedApplication

log = logging.getLogger(__name__)

Translator = Callable[[DomainEventProtocol[UUID]], IntegrationEvent | None]
Translation = IntegrationEvent | Sequence[IntegrationEvent] | None
"""What a stored event becomes: nothing, one integration event, or several (e.g. one per reviewer it releases)."""
RelayTranslator = Callable[[DomainEventProtocol[UUID]], Translation]
CRASH_AFTER_PUBLISH_ENV = "FAULT_CRASH_AFTER_PUBLISH"


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
    ) -> None:
        self.app = app
        self.translate = translate
        self.producer = producer
        self.source = source
        self.name = name
        self.batch_size = batch_size
        self.published = 0

    def run_once(self) -> int:
        """Relay one batch; returns how many notifications it consumed."""
        position = self.app.position(self.name)
        notifications = self.app.process_recorder.select_notifications(start=position + 1, limit=self.batch_size)
        if not notifications:
            return 0
        futures = []
        for notification in notifications:
            domain_event = self.app.mapper.to_domain_event(notification)
            for index, integration_event in enumerate(_listed(self.translate(domain_event))):
                record = encode(integration_event, event_id=event_id(self.source, notification, index),
                                source=self.source)
                futures.append(
                    self.producer.send(record.topic, key=record.key, value=record.value, headers=record.headers)
                )
        self.producer.flush()
        for future in futures:
            future.get(timeout=30)
        self.published += len(futures)
        if futures and os.environ.get(CRASH_AFTER_PUBLISH_ENV) == self.name:
            log.critical("fault injection: exiting after publish, before recording the relay position")
            os._exit(137)
        self.app.record_position(Tracking(self.name, notifications[-1].id))
        return len(notifications)

    def run_forever(self, stop: threading.Event, poll_seconds: float) -> None:
        """Relay until `stop` is set; transient failures are logged and retried with backoff."""
        backoff = poll_seconds
        while not stop.is_set():
            try:
                relayed = self.run_once()
                backoff = poll_seconds
            except Exception:
                log.exception("outbox relay %s failed; retrying in %.1fs", self.name, backoff)
                relayed = 0
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if relayed == 0:
                stop.wait(poll_seconds)


def _listed(translation: Translation) -> Sequence[IntegrationEvent]:
    if translation is None:
        return ()
    if isinstance(translation, IntegrationEvent):
        return (translation,)
    return translation
