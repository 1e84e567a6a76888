"""The gateway's outbox relay: publishes gateway.outbox rows to Kafka in order, marking them after the broker's ack.

A crash between publishing and marking publishes the rows again with the same `ce_id` (at-least-once);
consumers deduplicate by it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

import asyncpg
from endorsement_contracts import EVENTS_BY_TYPE, KafkaRecord, encode

from ..adapters import outbox_table
from ..adapters.database import MIGRATION_LOCK
from .clock import Clock

log = logging.getLogger(__name__)

SOURCE = "/services/gateway"
RELAY_LOCK = MIGRATION_LOCK + 2
"""Only one relay (of however many gateways) publishes at a time, so records leave in `seq` order."""
PUBLISHED_RETENTION = timedelta(days=7)


class Publisher(Protocol):
    async def publish(self, records: Sequence[KafkaRecord]) -> None: ...


def to_record(row: outbox_table.PendingRecord) -> KafkaRecord:
    event = EVENTS_BY_TYPE[row.event_type].model_validate_json(row.payload)
    return encode(event, event_id=row.id, source=SOURCE)


class OutboxRelay:
    def __init__(self, pool: asyncpg.Pool, publisher: Publisher, clock: Clock, *,
                 poll_seconds: float = 0.5, batch_size: int = 100) -> None:
        self._pool = pool
        self._publisher = publisher
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0

    def notify(self) -> None:
        """Something was written to the outbox: publish it now rather than at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", RELAY_LOCK):
                return 0
            rows = await outbox_table.pending(conn, self._batch_size)
            if not rows:
                return 0
            await self._publisher.publish([to_record(row) for row in rows])
            await outbox_table.mark_published(conn, [row.seq for row in rows], self._clock())
        self.published += len(rows)
        return len(rows)

    async def run_forever(self) -> None:
        """Relay until cancelled; failures (broker or database away) are logged and retried with backoff."""
        backoff = self._poll_seconds
        while True:
            self._wake.clear()
            try:
                relayed = await self.run_once()
                backoff = self._poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the relay must outlive any outage
                log.warning("outbox relay failed (%s: %s); retrying in %.1f s", type(exc).__name__, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if relayed < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def delete_published(self) -> None:
        async with self._pool.acquire() as conn:
            await outbox_table.delete_published_before(conn, self._clock() - PUBLISHED_RETENTION)
