"""Idempotent Kafka consumption: each record's effects are saved atomically with its position.

A record's position is the tracking record `(group/topic/partition, offset + 1)` in the consuming
service's own database, written in the same transaction as the events the record caused. A redelivered
record is recognised by its position and skipped; a republished copy (same `ce_id`, new offset) is
recognised by the handler, which derives aggregate ids from the event and finds them already there.
Records no handler can accept go to the dead-letter topic with the reason, and the partition moves on.

Positions are scoped to the broker epoch (`servicekit.broker_epoch`): after the broker lost its data, offsets
start again at 0 and must not be mistaken for the old ones. A record that looks processed by position is only
skipped once a fresh read of the epoch confirms it is still the same broker; `servicekit.replay` rewinds the
partitions when the epoch changes, and the handlers recognise the republished copies by content.

Sealed fields (docs/erasure.md, slice 4): a consumer given an `unsealer` opens the tokens of a record's `Sealed`
fields at the record's producer before anything else, outside any transaction, and handlers read the text with
`servicekit.unseal.plaintext(token)` (a context variable set around the handler: their signature is unchanged).
A producer that cannot answer leaves the record unprocessed and unrecorded: it is redelivered until the producer
is back (`ConsumerStats.producers_away`, the `unseal_producer_unavailable` gauge, `/readyz`). A producer that
refuses the tokens (a forged record) gets the record dead-lettered, `unseal refused: <problem code>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from endorsement_contracts import DEAD_LETTER, Envelope, IntegrationEvent, UndeliverableMessage, decode
from eventsourcing.persistence import IntegrityError, Tracking
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.subscriber.usecase import DefaultSubscriber

from .epoch_scope import EpochScope
from .eventstore import TrackedApplication
from .metrics import CONSUMER_LAG, DEAD_LETTERED
from .positions import RecordedPositions
from .shredding import key_batch
from .telemetry import consuming
from .unseal import PRODUCER_AWAY, ProducerUnavailable, producer_of_topic, sealed_tokens, unsealed

log = logging.getLogger(__name__)

Handler = Callable[[Envelope], Sequence[Any]]
"""Returns the aggregates whose pending events are the record's effects (none when already applied)."""

MAX_CONFLICT_RETRIES = 5
EPOCH_CHANGED = "epoch changed"
"""`process_record`'s answer for a record read before its partition was positioned in the broker epoch now known."""
Opened = Mapping[str, str | None]


class Unsealer(Protocol):
    """What the consumer needs of `servicekit.unseal.UnsealClient`."""

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]: ...


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
    producers_away: dict[str, str] = field(default_factory=dict)
    """Producers whose `/internal/unseal` did not answer the last time, with why (never a token)."""


class IdempotentConsumer:
    """Routes decoded events to handlers and records positions with their effects."""

    def __init__(
        self,
        app: TrackedApplication,
        *,
        group_id: str,
        handlers: dict[type[IntegrationEvent], Handler],
        unsealer: Unsealer | None = None,
        producer_of: Callable[[str], str] = producer_of_topic,
    ) -> None:
        self.app = app
        self.group_id = group_id
        self.handlers = handlers
        self.unsealer = unsealer
        """None (today's services): records are handled as they come, sealed fields unopened."""
        self.producer_of = producer_of
        """The service whose `/internal/unseal` opens a topic's tokens (default: `producer_of_topic`)."""
        self.stats = ConsumerStats()
        self.epoch: EpochScope | None = None
        """When set (the runtime sets it), positions are kept per broker epoch."""

    def topics(self) -> list[str]:
        return sorted({event.topic for event in self.handlers})

    def tracking_for(self, topic: str, partition: int, offset: int) -> Tracking:
        """The position after `offset`, in the broker epoch last read (no broker call: safe in the event loop)."""
        name = f"{self.group_id}/{topic}/{partition}"
        return Tracking(self.epoch.name_last_known(name) if self.epoch is not None else name, offset + 1)

    async def unseal(self, envelope: Envelope, topic: str) -> Opened | None:
        """The texts of the record's sealed fields, opened at the topic's producer (None without an unsealer or
        for an event no handler takes). Raises ProducerUnavailable (redelivered) or UnsealRefused (dead letter)."""
        if self.unsealer is None or type(envelope.event) not in self.handlers:
            return None
        tokens = sealed_tokens(envelope.event)
        if not tokens:
            return {}
        producer = self.producer_of(topic)
        try:
            opened = await self.unsealer.open_many(producer, tokens)
        except ProducerUnavailable as exc:
            self.stats.producers_away[producer] = exc.why
            PRODUCER_AWAY.labels(producer).set(1)
            raise
        if self.stats.producers_away.pop(producer, None) is not None:
            PRODUCER_AWAY.labels(producer).set(0)
        return opened

    def process_record(self, envelope: Envelope, topic: str, partition: int, offset: int,
                       opened: Opened | None = None) -> str:
        """`process` at the record's position; one that looks processed is checked against a fresh epoch first,
        so a record of a broker that lost its data is never skipped for an old record's position."""
        tracking = self.tracking_for(topic, partition, offset)
        if self.epoch is not None and self.app.has_processed(tracking):
            self.epoch.refresh()
            if self.tracking_for(topic, partition, offset) != tracking:
                return EPOCH_CHANGED  # handled only once the partition is positioned in the new epoch
        with key_batch():  # the record's loads and save read each subject's key row once (servicekit.shredding)
            return self.process(envelope, tracking, opened)

    def process(self, envelope: Envelope, tracking: Tracking, opened: Opened | None = None) -> str:
        """Apply one decoded record exactly once; returns what happened (processed/duplicate/ignored). `opened`:
        the texts of its sealed fields, which the handler reads with `servicekit.unseal.plaintext`."""
        if self.app.has_processed(tracking):
            self.stats.duplicates += 1
            return "duplicate"
        handler = self.handlers.get(type(envelope.event))
        if handler is None:
            self._record_position(tracking)
            self.stats.ignored += 1
            return "ignored"
        for attempt in range(MAX_CONFLICT_RETRIES):
            if opened is None:
                aggregates = handler(envelope)
            else:
                with unsealed(opened):
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
              heartbeat_interval_ms: int, fetch_max_wait_ms: int) -> DefaultSubscriber:
    """Attach the consumer to the broker: one subscriber over all the topics its handlers need (returned, so
    `servicekit.replay` can rewind its partitions)."""

    async def on_record(msg: KafkaMessage) -> None:
        record: Any = msg.raw_message
        headers = list(record.headers or ())
        CONSUMER_LAG.observe(consumer.group_id, getattr(msg, "consumer", None), record.topic, record.partition,
                             record.offset)
        # a CONSUMER span, child of the record's ce_traceparent: the effects saved meanwhile carry this trace on
        with consuming(record.topic, record.partition, record.offset, headers, consumer.group_id):
            if await positions.reposition_if_stale(record.topic, record.partition, record.offset):
                return  # read again from the position recorded in this broker epoch (servicekit.positions)
            tracking = consumer.tracking_for(record.topic, record.partition, record.offset)
            try:
                envelope = decode(headers, record.value)
                opened = await consumer.unseal(envelope, record.topic)  # before any transaction is opened
                outcome = await asyncio.to_thread(consumer.process_record, envelope, record.topic, record.partition,
                                                  record.offset, opened)
                if outcome == EPOCH_CHANGED:
                    await positions.reposition_if_stale(record.topic, record.partition)
            except UndeliverableMessage as exc:  # UnsealRefused among them
                await dead_letter(broker, record, consumer.group_id, exc.reason)
                await asyncio.to_thread(consumer.record_rejection, tracking)
                DEAD_LETTERED.labels(consumer.group_id).inc()
            except ProducerUnavailable as exc:  # expected while a producer restarts: one line, no traceback
                consumer.stats.last_error = f"ProducerUnavailable: {exc}"
                log.warning("cannot unseal %s/%s@%s: producer %s; will be redelivered", record.topic,
                            record.partition, record.offset, exc)
                await asyncio.sleep(1.0)
                raise
            except Exception as exc:
                consumer.stats.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("failed to process %s/%s@%s; will be redelivered", record.topic, record.partition,
                              record.offset)
                await asyncio.sleep(1.0)
                raise

    attached: list[DefaultSubscriber] = []
    positions = RecordedPositions(consumer, lambda: attached[0].consumer if attached else None)
    subscriber = broker.subscriber(
        *consumer.topics(),
        group_id=consumer.group_id,
        listener=positions,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms,
        fetch_max_wait_ms=fetch_max_wait_ms,
        decoder=_undecoded,
    )
    subscriber(on_record)
    attached.append(subscriber)
    return subscriber


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
