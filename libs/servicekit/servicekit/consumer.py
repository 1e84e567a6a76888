"""Idempotent Kafka consumption: each record's effects are saved atomically with its position.

A record's position is the tracking record `(group/topic/partition, offset + 1)` in the consuming
service's own database, written in the same transaction as the events the record caused. A redelivered
record is recognised by its position and skipped; a republished copy (same `ce_id`, new offset) is
recognised by the handler, which derives aggregate ids from the event and finds them already there.
Records no handler can accept go to the dead-letter topic with the reason, and the partition moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from endorsement_contracts import DEAD_LETTER, Envelope, IntegrationEvent, UndeliverableMessage, decode
from eventsourcing.persistence import IntegrityError, Tracking
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from .eventstore import TrackedApplication

log = logging.getLogger(__name__)

Handler = Callable[[Envelope], Sequence[Any]]
"""Returns the aggregates whose pending events are the record's effects (none when already applied)."""

MAX_CONFLICT_RETRIES = 5


class RejectedMessage(UndeliverableMessage):
    """A well-formed event this service cannot accept (e.g. unknown tenant); it goes to the dead-letter topic."""


@dataclass
class ConsumerStats:
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    ignored: int = 0
    last_error: str | None = None
    started: bool = False
    by_type: dict[str, int] = field(default_factory=dict)


class IdempotentConsumer:
    """Routes decoded events to handlers and records positions with their effects."""

    def __init__(
        self,
        app: TrackedApplication,
        *,
        group_id: str,
        handlers: dict[type[IntegrationEvent], Handler],
    ) -> None:
        self.app = app
        self.group_id = group_id
        self.handlers = handlers
        self.stats = ConsumerStats()

    def topics(self) -> list[str]:
        return sorted({event.topic for event in self.handlers})

    def tracking_for(self, topic: str, partition: int, offset: int) -> Tracking:
        return Tracking(f"{self.group_id}/{topic}/{partition}", offset + 1)

    def process(self, envelope: Envelope, tracking: Tracking) -> str:
        """Apply one decoded record exactly once; returns what happened (processed/duplicate/ignored)."""
        if self.app.has_processed(tracking):
            self.stats.duplicates += 1
            return "duplicate"
        handler = self.handlers.get(type(envelope.event))
        if handler is None:
            self._record_position(tracking)
            self.stats.ignored += 1
            return "ignored"
        for attempt in range(MAX_CONFLICT_RETRIES):
            aggregates = handler(envelope)
            try:
                if aggregates:
                    self.app.save_tracked(tracking, *aggregates)
                else:
                    self._record_position(tracking)
            except IntegrityError:
                if self.app.has_processed(tracking):
                    self.stats.duplicates += 1
                    return "duplicate"
                log.warning("conflict saving effects of %s (attempt %d); retrying", envelope.id, attempt + 1)
                continue
            if aggregates:
                self.stats.processed += 1
                self.stats.by_type[envelope.type] = self.stats.by_type.get(envelope.type, 0) + 1
                return "processed"
            self.stats.duplicates += 1
            return "duplicate"
        raise RuntimeError(f"could not save the effects of {envelope.id} after {MAX_CONFLICT_RETRIES} attempts")

    def record_rejection(self, tracking: Tracking) -> None:
        self._record_position(tracking)
        self.stats.dead_lettered += 1

    def _record_position(self, tracking: Tracking) -> None:
        with contextlib.suppress(IntegrityError):  # a redelivery raced us to it: recorded either way
            self.app.record_position(tracking)


def subscribe(broker: KafkaBroker, consumer: IdempotentConsumer, *, session_timeout_ms: int,
              heartbeat_interval_ms: int, fetch_max_wait_ms: int) -> None:
    """Attach the consumer to the broker: one subscriber over all the topics its handlers need."""

    async def on_record(msg: KafkaMessage) -> None:
        record: Any = msg.raw_message
        tracking = consumer.tracking_for(record.topic, record.partition, record.offset)
        try:
            envelope = decode(list(record.headers or ()), record.value)
            await asyncio.to_thread(consumer.process, envelope, tracking)
        except UndeliverableMessage as exc:
            await dead_letter(broker, record, consumer.group_id, exc.reason)
            await asyncio.to_thread(consumer.record_rejection, tracking)
        except Exception as exc:
            consumer.stats.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("failed to process %s/%s@%s; will be redelivered", record.topic, record.partition,
                          record.offset)
            await asyncio.sleep(1.0)
            raise

    broker.subscriber(
        *consumer.topics(),
        group_id=consumer.group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms,
        fetch_max_wait_ms=fetch_max_wait_ms,
        decoder=_undecoded,
    )(on_record)


async def _undecoded(msg: Any) -> Any:
    """Leave the value as bytes for `decode`: FastStream's JSON decoding would raise on a malformed value
    before `on_record` runs, so the record would be retried forever instead of dead-lettered."""
    return msg.body


async def dead_letter(broker: KafkaBroker, record: Any, group_id: str, reason: str) -> None:
    """Copy a record to the dead-letter topic with where it came from and why it was refused."""
    headers = {name: (value or b"").decode("utf-8", "replace") for name, value in record.headers or ()}
    headers.update(
        {
            "dlq_reason": reason[:2000],
            "dlq_source_topic": record.topic,
            "dlq_source_partition": str(record.partition),
            "dlq_source_offset": str(record.offset),
            "dlq_consumer_group": group_id,
        }
    )
    log.warning("dead-lettering %s/%s@%s: %s", record.topic, record.partition, record.offset, reason)
    await broker.publish(record.value or b"", topic=DEAD_LETTER.name, key=record.key, headers=headers)
