"""Where a consumer reads from: the positions its own database recorded, under the current broker epoch.

Every record a consumer handles writes its tracking position in the same transaction as its effects, and a
position is a high-water mark: eventsourcing counts every offset at or below the highest one recorded under a name
as processed. So a consumer must never handle a record past its recorded position, or the records in between would
later be skipped as "already processed" and lost. Two things could make it do so, and this module stops both:

- **The broker's group offsets.** They are only a copy of the recorded positions, and a copy that can be wrong:
  after the broker lost its data, an acknowledgement commits every position the consumer holds, old positions of
  partitions not yet rewound included, into the new broker, and the next rebalance would resume there. So on every
  assignment each partition is sought to its recorded position (`on_partitions_assigned`).
- **Positions of the old epoch.** When the broker lost its data, the relays republish at once, so the new broker
  soon holds records at the offsets where the consumer's fetch positions still are. A record fetched there must not
  be handled under the new epoch's name before its partition was sought to the new epoch's recorded position
  (`reposition_if_stale`, called before each record; the record comes again from the right place).
- **Records fetched before a seek.** A record the subscriber took from the fetcher before its partition was sought
  (the fetch at the group offset can race the seek on assignment) arrives after the seek. A record past the offset the
  partition was sought to, or past the one after the last record handled, is such a record: the partition is sought
  again and the record comes back in order. Only a second jump past the same offset is believed (the broker has no
  records there: compacted, or before the log start).

A partition is "positioned" in the epoch under whose names it was last sought; records are handled only in it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRebalanceListener, TopicPartition  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from .consumer import IdempotentConsumer

log = logging.getLogger(__name__)


class RecordedPositions(ConsumerRebalanceListener):  # type: ignore[misc]
    """Seeks a consumer's partitions to the positions its database recorded: on assignment, and whenever the
    broker epoch changed since the partition was last sought."""

    def __init__(self, consumer: IdempotentConsumer, kafka_consumer: Callable[[], Any]) -> None:
        self.consumer = consumer
        self.kafka_consumer = kafka_consumer
        """The subscriber's aiokafka consumer, looked up when needed (it exists once the subscriber started)."""
        self.positioned_in: dict[TopicPartition, str | None] = {}
        """The epoch each assigned partition was last sought in."""
        self.next_offset: dict[TopicPartition, int] = {}
        """The offset each partition's next record should have: where it was sought to, or one past the last record
        let through."""
        self.resought_for: dict[TopicPartition, int] = {}
        """A partition sought again because a record jumped past `next_offset`: the offset it was sought to then."""

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        for tp in revoked:
            self.positioned_in.pop(tp, None)
            self.next_offset.pop(tp, None)
            self.resought_for.pop(tp, None)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        partitions = list(assigned)
        if partitions:
            try:
                await self.seek(partitions, why="assigned")
            except Exception:  # noqa: BLE001 - logged in seek; each partition is sought before its first record
                return

    async def reposition_if_stale(self, topic: str, partition: int, offset: int | None = None) -> bool:
        """Before handling a record: True (and the partition sought to its recorded position) when the partition was
        not positioned in the epoch now known, or the record at `offset` jumped past the next one expected, so the
        record must not be handled; False to go on."""
        tp = TopicPartition(topic, partition)
        if self.consumer.epoch is not None and (
                tp not in self.positioned_in or self.positioned_in[tp] != self.consumer.epoch.epoch.last_known):
            await self.seek([tp], why="not yet positioned in this broker epoch")
            return True
        if offset is None:
            return False
        expected = self.next_offset.get(tp)
        if expected is not None and offset > expected and self.resought_for.get(tp) != expected:
            log.info("%s/%s@%s came before %s (fetched before a seek): reading again from %s", topic, partition,
                     offset, expected, expected)
            kafka_consumer = self.kafka_consumer()
            if kafka_consumer is not None and tp in kafka_consumer.assignment():
                kafka_consumer.seek(tp, expected)
                self.resought_for[tp] = expected
                return True
        self.next_offset[tp] = offset + 1
        self.resought_for.pop(tp, None)
        return False

    async def seek(self, partitions: list[TopicPartition], *, why: str) -> None:
        """Seek each partition to its recorded position under a freshly read epoch (the group offsets stay where
        they are if the database cannot say)."""
        kafka_consumer = self.kafka_consumer()
        if kafka_consumer is None:
            return
        try:
            epoch, positions = await asyncio.to_thread(self.recorded_positions, partitions)
        except Exception:  # the database may be away; the record is redelivered and we try again
            log.warning("could not read the recorded positions of %d partitions (%s)", len(partitions), why,
                        exc_info=True)
            raise
        assigned = kafka_consumer.assignment()
        for tp, offset in positions.items():
            if tp in assigned:
                kafka_consumer.seek(tp, offset)
                self.positioned_in[tp] = epoch
                self.next_offset[tp] = offset
                self.resought_for.pop(tp, None)
        log.info("%d partitions sought to their recorded positions (%s)", len(positions), why)

    def recorded_positions(self, partitions: Iterable[TopicPartition]) -> tuple[str | None, dict[TopicPartition, int]]:
        """The epoch read now and, under it, the next offset to read per partition (blocking: call in a thread)."""
        scope = self.consumer.epoch
        if scope is not None:
            try:
                scope.refresh()
            except Exception:  # noqa: BLE001 - broker away: the epoch last read is the best we know
                log.info("broker epoch unreadable while positioning partitions; using the one last read")
        while True:  # the names and the epoch they belong to, read together (another thread may refresh it)
            epoch = scope.epoch.last_known if scope is not None else None
            names = {tp: self.consumer.tracking_for(tp.topic, tp.partition, -1).application_name for tp in partitions}
            if scope is None or scope.epoch.last_known == epoch:
                return epoch, {tp: self.consumer.app.position(name) for tp, name in names.items()}
