"""The gateway's outbox relay: publishes gateway.outbox rows to Kafka in order, marking them after the broker's ack.

A crash between publishing and marking publishes the rows again with the same `ce_id` (at-least-once);
consumers deduplicate by it. Each record is sent in a PRODUCER span, child of the trace of the request that wrote
its row, and carries that span's context as `ce_traceparent`: account emails join the request's trace.

Before publishing, the relay reads the broker epoch (`servicekit.broker_epoch`), which makes any missing topic with
its partition count: after the broker lost its data, nothing is auto-created with the broker's default count.
It reads it before taking the relay lock: with the broker away that read waits for the admin client's bootstrap
timeout (30 s), and a relay holding the lock all that time would keep every other gateway's relay from publishing.
Rows already published cannot be published again after such a loss: their payloads are dropped on publication,
since they may carry one-time links (a person asks for a new link; the notifications service has already learnt
what earlier records taught it).

The sealed v2 switch (docs/erasure.md, slice 7b): with a `twin` (`servicekit.sealed_twins.TwinSealer`), each account
event is followed by its `endorsement.accounts.v2` twin under the same `ce_id`, its email, name and link sealed
under `account:<account_id>` with the gateway's `SubjectKeys`. The tokens are stable (the `ce_id` and the field
name their context): a batch published again carries the same bytes. An account erased before its row was relayed
gets `erased_token`s, which open to None. Events without a twin (erasures) are published alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

import asyncpg
from endorsement_contracts import EVENTS_BY_TYPE, IntegrationEvent, KafkaRecord, encode
from servicekit.clock import Clock
from servicekit.outbox import Twin
from servicekit.shredding import key_batch
from servicekit.telemetry import publishing

from ..adapters import outbox_table
from ..adapters.database import MIGRATION_LOCK

log = logging.getLogger(__name__)

SOURCE = "/services/gateway"
RELAY_LOCK = MIGRATION_LOCK + 2
"""Only one relay (of however many gateways) publishes at a time, so records leave in `seq` order."""
PUBLISHED_RETENTION = timedelta(days=7)


class Publisher(Protocol):
    async def publish(self, records: Sequence[KafkaRecord]) -> None: ...


class Epoch(Protocol):
    """`servicekit.broker_epoch.BrokerEpoch`: blocking; raises when the broker cannot say."""

    def current(self) -> str: ...


def to_records(row: outbox_table.PendingRecord, twin: Twin | None, *, twin_only: bool = False) -> list[KafkaRecord]:
    """The row's record, then its twin's (same `ce_id`) when `twin` makes one; only the twin with `twin_only`
    (PUBLISH_V1_EVENTS false, the default). Blocking: `twin` reads keys."""
    event = EVENTS_BY_TYPE[row.event_type].model_validate_json(row.payload)
    twinned = twin(event, row.id) if twin is not None else None
    if twinned is None:
        return [_record(event, row)]
    return [_record(twinned, row)] if twin_only else [_record(event, row), _record(twinned, row)]


def _record(event: IntegrationEvent, row: outbox_table.PendingRecord) -> KafkaRecord:
    with publishing(event.topic, row.trace, event.type_name()) as context:
        return encode(event, event_id=row.id, source=SOURCE, traceparent=context.traceparent if context else None,
                      tracestate=context.tracestate if context else None)


def _batch_records(rows: Sequence[outbox_table.PendingRecord], twin: Twin | None,
                   twin_only: bool) -> list[KafkaRecord]:
    with key_batch():  # each account's key row read once per batch
        return [record for row in rows for record in to_records(row, twin, twin_only=twin_only)]


class OutboxRelay:
    def __init__(self, pool: asyncpg.Pool, publisher: Publisher, clock: Clock, *,
                 poll_seconds: float = 0.5, batch_size: int = 100, epoch: Epoch | None = None,
                 twin: Twin | None = None, twin_only: bool = False) -> None:
        self._pool = pool
        self._publisher = publisher
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._epoch = epoch
        self._twin = twin
        self._twin_only = twin_only
        self._wake = asyncio.Event()
        self.published = 0

    def notify(self) -> None:
        """Something was written to the outbox: publish it now rather than at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        if self._epoch is not None:
            async with self._pool.acquire() as conn:
                if not await outbox_table.any_pending(conn):
                    return 0
            # Outside the lock and any transaction: raises (after the client's timeout) when the broker is away.
            await asyncio.to_thread(self._epoch.current)
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", RELAY_LOCK):
                return 0
            rows = await outbox_table.pending(conn, self._batch_size)
            if not rows:
                return 0
            # in a worker thread: sealing the twins reads the accounts' keys (synchronous psycopg)
            records = await asyncio.to_thread(_batch_records, rows, self._twin, self._twin_only)
            await self._publisher.publish(records)
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
