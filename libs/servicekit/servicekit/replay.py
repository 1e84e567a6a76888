"""Replay after the broker lost its data: every relay republishes, every consumer reads again from the start.

The broker epoch (`servicekit.broker_epoch`) is read when the process starts and then every second. Relays keep
their position per epoch, so a new epoch finds them at 0: they republish the whole notification log with the same
`ce_id`s. A consumer's fetch positions stay where they were (a fetch past the log end returns nothing, not
OFFSET_OUT_OF_RANGE), so on a new epoch the watcher below seeks every assigned partition to 0; its positions are
kept per epoch too, and the handlers recognise republished copies by content (ids derived from the events).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from .broker_epoch import BrokerEpoch
from .consumer import IdempotentConsumer
from .epoch_scope import EpochScope
from .outbox import OutboxRelay

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0


class Subscriber(Protocol):
    """A FastStream Kafka subscriber: its aiokafka consumer once started, else None."""

    consumer: Any


async def follow_broker_epoch(bootstrap_servers: str, relays: Sequence[OutboxRelay],
                              consumer: IdempotentConsumer | None) -> BrokerEpoch:
    """Read the epoch now (making any missing topic) and scope the relays' and the consumer's positions to it."""
    epoch = BrokerEpoch(bootstrap_servers)
    parts: list[OutboxRelay | IdempotentConsumer] = [*relays, *([consumer] if consumer is not None else [])]
    for part in parts:
        part.epoch = EpochScope(epoch, part.app)
        await asyncio.to_thread(part.epoch.load)
    return epoch


async def rewind_on_new_epoch(epoch: BrokerEpoch, subscriber: Subscriber, every: float = WATCH_SECONDS) -> None:
    """Until cancelled: when the epoch changes, seek every partition the subscriber holds back to offset 0."""
    rewound_for = epoch.last_known
    while True:
        await asyncio.sleep(every)
        try:
            current = await asyncio.to_thread(epoch.current)
        except Exception as exc:  # noqa: BLE001 - the broker may be away for a while; try again
            log.info("broker epoch unreadable (%s); will retry", exc)
            continue
        if current != rewound_for and rewind(subscriber):
            rewound_for = current


def rewind(subscriber: Subscriber) -> bool:
    """Seek each assigned partition to 0; False when the subscriber has no consumer yet."""
    kafka_consumer = subscriber.consumer
    if kafka_consumer is None:
        return False
    partitions = sorted(kafka_consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
    for tp in partitions:
        kafka_consumer.seek(tp, 0)
    log.warning("broker lost its data: reading %d partitions again from offset 0", len(partitions))
    return True
