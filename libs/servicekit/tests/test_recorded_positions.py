"""A record fetched at the broker's group offset before the partition was sought to the position the database
recorded must not be handled: it would move the recorded high-water mark past the records in between, which would
then be skipped as "already processed" (seen in CI: handled 3 of 4). `RecordedPositions` seeks again and the record
comes back in order; a second jump past the same offset is a real gap in the log (compaction, log start) and is
believed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition  # type: ignore[import-untyped]
from servicekit.positions import RecordedPositions

TOPIC = "endorsement.applications.v2"
TP = TopicPartition(TOPIC, 0)


@dataclass
class FakeKafkaConsumer:
    sought: list[tuple[TopicPartition, int]] = field(default_factory=list)

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.sought.append((tp, offset))


@dataclass
class Tracking:
    application_name: str


@dataclass
class FakeApp:
    recorded: dict[str, int]

    def position(self, name: str) -> int:
        return self.recorded.get(name, 0)


@dataclass
class FakeConsumer:
    app: FakeApp
    epoch: Any = None

    def tracking_for(self, topic: str, partition: int, offset: int) -> Tracking:
        return Tracking(f"g/{topic}/{partition}")


def positions_recorded_at(offset: int) -> tuple[RecordedPositions, FakeKafkaConsumer]:
    kafka = FakeKafkaConsumer()
    consumer = FakeConsumer(FakeApp({f"g/{TOPIC}/0": offset}))
    return RecordedPositions(consumer, lambda: kafka), kafka  # type: ignore[arg-type]


async def test_a_record_fetched_at_the_group_offset_before_the_seek_is_read_again_in_order() -> None:
    positions, kafka = positions_recorded_at(0)
    await positions.on_partitions_assigned([TP])
    assert kafka.sought == [(TP, 0)]

    assert await positions.reposition_if_stale(TOPIC, 0, 3), "offset 3 came before 0: not handled"
    assert kafka.sought[-1] == (TP, 0), "sought again to the next offset expected"
    for offset in range(4):
        assert not await positions.reposition_if_stale(TOPIC, 0, offset), f"offset {offset} is in order"


async def test_a_redelivered_record_is_let_through_for_the_consumer_to_deduplicate() -> None:
    positions, _ = positions_recorded_at(5)
    await positions.on_partitions_assigned([TP])
    assert not await positions.reposition_if_stale(TOPIC, 0, 5)
    assert not await positions.reposition_if_stale(TOPIC, 0, 6)
    assert not await positions.reposition_if_stale(TOPIC, 0, 6), "the same record after a nack: handled again"


async def test_a_second_jump_past_the_same_offset_is_a_real_gap_and_is_believed() -> None:
    positions, kafka = positions_recorded_at(2)
    await positions.on_partitions_assigned([TP])
    assert await positions.reposition_if_stale(TOPIC, 0, 7)
    assert not await positions.reposition_if_stale(TOPIC, 0, 7), "the broker has nothing from 2 to 6"
    assert kafka.sought == [(TP, 2), (TP, 2)]
    assert await positions.reposition_if_stale(TOPIC, 0, 9), "a new jump (past 8) is checked again"


async def test_a_revoked_partition_forgets_what_it_expected() -> None:
    positions, kafka = positions_recorded_at(0)
    await positions.on_partitions_assigned([TP])
    await positions.on_partitions_revoked([TP])
    assert not await positions.reposition_if_stale(TOPIC, 0, 4), "no expectation without an assignment's seek"
    assert kafka.sought == [(TP, 0)]
