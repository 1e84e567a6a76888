"""Attaching an `IdempotentConsumer` to the broker: records are handled in batches of what is already fetched.

FastStream hands over one record at a time. The handler takes, with it, the records the Kafka client has already
fetched behind it (`getmany(timeout_ms=0)`: never a wait, so a lone record is handled at once), up to
BATCH_RECORDS. A batch costs one `/internal/unseal` call per producer (the client splits it by MAX_TOKENS) and
one hop to a worker thread, instead of one of each per record; the records themselves are still handled one at
a time, in order within each partition, each in its own transaction with its position (`IdempotentConsumer`).
That matters most when a consumer reads a backlog: after a broker data loss every topic is read again from the
start, and the handlers recognise nearly every record as seen.

When a batch stops (a producer away, a database error), each of its partitions is sought back to its first
record not handled, so what follows is fetched again and nothing is skipped; what was handled is recognised by
its position. A partition sought meanwhile by `servicekit.positions` (a stale broker epoch, a record fetched
before a seek) has the rest of its records in the batch left alone: they come again from the new position.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from aiokafka import TopicPartition  # type: ignore[import-untyped]
from endorsement_contracts import DEAD_LETTER, Envelope, UndeliverableMessage, decode
from eventsourcing.persistence import Tracking
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.subscriber.usecase import DefaultSubscriber

from .consumer import EPOCH_CHANGED, IdempotentConsumer, Opened
from .metrics import CONSUMER_LAG, DEAD_LETTERED
from .positions import RecordedPositions
from .telemetry import consuming
from .unseal import ProducerUnavailable, UnsealRefused

log = logging.getLogger(__name__)

BATCH_RECORDS = 100
"""At most this many records are handled together: the one FastStream hands over and those fetched behind it."""
RETRY_PAUSE_SECONDS = 1.0
"""The pause after a batch stopped on an error, before its records are fetched again."""


def subscribe(broker: KafkaBroker, consumer: IdempotentConsumer, *, session_timeout_ms: int,
              heartbeat_interval_ms: int, fetch_max_wait_ms: int) -> DefaultSubscriber:
    """Attach the consumer to the broker: one subscriber over all the topics its handlers need (returned, so
    `servicekit.replay` can rewind its partitions)."""
    attached: list[DefaultSubscriber] = []

    def kafka_consumer() -> Any:
        return attached[0].consumer if attached else None

    positions = RecordedPositions(consumer, kafka_consumer)
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
    batches = RecordBatches(broker, consumer, positions, kafka_consumer)

    async def on_record(msg: KafkaMessage) -> None:
        await batches.handle(msg.raw_message)

    subscriber(on_record)
    attached.append(subscriber)
    return subscriber


async def _undecoded(msg: Any) -> Any:
    """Leave the value as bytes for `decode`: FastStream's JSON decoding would raise on a malformed value
    before the handler runs, so the record would be retried forever instead of dead-lettered."""
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


@dataclass
class _Item:
    """One record of a batch, let through by the recorded positions."""

    record: Any
    tracking: Tracking
    envelope: Envelope | None = None
    rejection: str | None = None
    """Why it goes to the dead-letter topic (undecodable, its tokens refused, its handler refused it)."""
    opened: Opened | None = None
    error: BaseException | None = None

    @property
    def partition(self) -> TopicPartition:
        return TopicPartition(self.record.topic, self.record.partition)


class RecordBatches:
    """Handles a record and the records fetched behind it (see the module's docstring)."""

    def __init__(self, broker: KafkaBroker, consumer: IdempotentConsumer, positions: RecordedPositions,
                 kafka_consumer: Callable[[], Any]) -> None:
        self.broker = broker
        self.consumer = consumer
        self.positions = positions
        self.kafka_consumer = kafka_consumer

    async def handle(self, first: Any) -> None:
        records = [first, *await self._fetched_behind()]
        handled: set[tuple[TopicPartition, int]] = set()
        sought: set[TopicPartition] = set()
        try:
            items = await self._let_through(records, sought)
            await self._unseal(items)
            await self._handle(items, handled, sought)
        except ProducerUnavailable as exc:  # expected while a producer restarts: one line, no traceback
            self.consumer.stats.last_error = f"ProducerUnavailable: {exc}"
            log.warning("cannot unseal %d records from %s/%s@%s on: producer %s; they will be read again",
                        len(records), first.topic, first.partition, first.offset, exc)
            await self._stop(records, handled, sought)
        except _RecordFailed as failed:
            record, error = failed.item.record, failed.item.error
            self.consumer.stats.last_error = f"{type(error).__name__}: {error}"
            log.error("failed to process %s/%s@%s; it will be read again", record.topic, record.partition,
                      record.offset, exc_info=error)
            await self._stop(records, handled, sought)
        except Exception as exc:
            self.consumer.stats.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("failed to process the records from %s/%s@%s on; they will be read again",
                          first.topic, first.partition, first.offset)
            await self._stop(records, handled, sought)

    async def _fetched_behind(self) -> list[Any]:
        kafka_consumer = self.kafka_consumer()
        if kafka_consumer is None:
            return []
        fetched = await kafka_consumer.getmany(timeout_ms=0, max_records=BATCH_RECORDS - 1)
        return list(chain.from_iterable(fetched.values()))

    async def _let_through(self, records: Sequence[Any], sought: set[TopicPartition]) -> list[_Item]:
        """The records to handle: not those of a partition `servicekit.positions` had to seek, decoded."""
        items: list[_Item] = []
        kafka_consumer = self.kafka_consumer()
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            CONSUMER_LAG.observe(self.consumer.group_id, kafka_consumer, record.topic, record.partition,
                                 record.offset)
            if partition in sought:
                continue
            if await self.positions.reposition_if_stale(record.topic, record.partition, record.offset):
                sought.add(partition)  # read again from the recorded position, this record and those after it
                continue
            item = _Item(record, self.consumer.tracking_for(record.topic, record.partition, record.offset))
            try:
                item.envelope = decode(list(record.headers or ()), record.value)
            except UndeliverableMessage as exc:
                item.rejection = exc.reason
            items.append(item)
        return items

    async def _unseal(self, items: Sequence[_Item]) -> None:
        """Open the sealed fields of every record at once: one call per producer (before any transaction)."""
        wanted: dict[str, list[tuple[_Item, list[str]]]] = {}
        for item in items:
            tokens = self.consumer.tokens_to_open(item.envelope) if item.envelope is not None else None
            if tokens is None:
                continue
            if not tokens:
                item.opened = {}
                continue
            wanted.setdefault(self.consumer.producer_of(item.record.topic), []).append((item, tokens))
        for producer, pairs in wanted.items():
            try:
                opened = await self.consumer.open_tokens(producer, [t for _, tokens in pairs for t in tokens])
            except UnsealRefused:  # some record's tokens are not the producer's: find which, one at a time
                await self._unseal_one_by_one(producer, pairs)
                continue
            for item, tokens in pairs:
                item.opened = {token: opened[token] for token in tokens}

    async def _unseal_one_by_one(self, producer: str, pairs: list[tuple[_Item, list[str]]]) -> None:
        for item, tokens in pairs:
            try:
                item.opened = await self.consumer.open_tokens(producer, tokens)
            except UnsealRefused as exc:
                item.rejection = exc.reason

    async def _handle(self, items: list[_Item], handled: set[tuple[TopicPartition, int]],
                      sought: set[TopicPartition]) -> None:
        """In order: runs of records in a worker thread; a refused record dead-lettered, then its position
        recorded; a record read in an older broker epoch makes its partition be sought again."""
        start = 0
        while start < len(items):
            stop, outcome = await asyncio.to_thread(self._process_run, items, start, handled, sought)
            if stop == len(items):
                return
            item = items[stop]
            if outcome == EPOCH_CHANGED:
                await self.positions.reposition_if_stale(item.record.topic, item.record.partition)
                sought.add(item.partition)
            elif item.error is not None:
                raise _RecordFailed(item)
            else:
                await self._reject(item)
                handled.add((item.partition, item.record.offset))
            start = stop + 1

    def _process_run(self, items: list[_Item], start: int, handled: set[tuple[TopicPartition, int]],
                     sought: set[TopicPartition]) -> tuple[int, str]:
        """Handle items from `start` until one needs the event loop (blocking: runs in a worker thread); returns
        where it stopped (len(items) at the end) and the outcome there."""
        for index in range(start, len(items)):
            item = items[index]
            if item.partition in sought:
                continue
            if item.rejection is not None:
                return index, "rejected"
            assert item.envelope is not None
            record = item.record
            # a CONSUMER span, child of the record's ce_traceparent: the effects saved meanwhile carry this trace on
            with consuming(record.topic, record.partition, record.offset, list(record.headers or ()),
                           self.consumer.group_id):
                try:
                    outcome = self.consumer.process_record(item.envelope, record.topic, record.partition,
                                                           record.offset, item.opened)
                except UndeliverableMessage as exc:
                    item.rejection = exc.reason
                    return index, "rejected"
                except Exception as exc:  # noqa: BLE001 - handed to the event loop, which stops the batch
                    item.error = exc
                    return index, "failed"
            if outcome == EPOCH_CHANGED:
                return index, outcome
            handled.add((item.partition, record.offset))
        return len(items), "done"

    async def _reject(self, item: _Item) -> None:
        """Dead-letter the record, then record its position; a record whose position is recorded already (read
        again after a rebalance's seek) is not dead-lettered twice."""
        record = item.record
        assert item.rejection is not None
        if await asyncio.to_thread(self.consumer.app.has_processed, item.tracking):
            self.consumer.stats.duplicates += 1
            return
        with consuming(record.topic, record.partition, record.offset, list(record.headers or ()),
                       self.consumer.group_id):
            await dead_letter(self.broker, record, self.consumer.group_id, item.rejection)
            await asyncio.to_thread(self.consumer.record_rejection, item.tracking)
            DEAD_LETTERED.labels(self.consumer.group_id).inc()

    async def _stop(self, records: Sequence[Any], handled: set[tuple[TopicPartition, int]],
                    sought: set[TopicPartition]) -> None:
        """Seek each partition of the batch back to its first record not handled, then pause."""
        first_left: dict[TopicPartition, int] = {}
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            if partition in sought or partition in first_left or (partition, record.offset) in handled:
                continue
            first_left[partition] = record.offset
        kafka_consumer = self.kafka_consumer()
        if kafka_consumer is not None:
            assigned = kafka_consumer.assignment()
            for partition, offset in first_left.items():
                if partition in assigned:
                    kafka_consumer.seek(partition, offset)
        await asyncio.sleep(RETRY_PAUSE_SECONDS)


class _RecordFailed(Exception):
    def __init__(self, item: _Item) -> None:
        super().__init__(str(item.error))
        self.item = item
