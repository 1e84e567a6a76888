"""The gateway's outbox relay: publishes gateway.outbox rows to Kafka in order, marking them after the broker's ack.

A crash between publishing and marking publishes the rows again with the same `ce_id` (at-least-once);
consumers deduplicate by it. Each record is sent in a PRODUCER span, child of the trace of the request that wrote
its row, and carries that span's context as `ce_traceparent`: account emails join the request's trace.

Before publishing, the relay reads the broker epoch (`servicekit.broker_epoch`), which makes any missing topic with
its partition count: after the broker lost its data, nothing is auto-created with the broker's default count.
It reads it before taking the relay lock: with the broker away that read waits for the admin client's bootstrap
timeout (30 s), and a relay holding the lock all that time would keep every other gateway's relay from publishing.
Rows already published are not published again after such a loss: their payloads are dropped on publication,
since they may carry one-time links (a person asks for a new link; the notifications service has already learnt
what earlier records taught it). Erasure requests are the exception (`application/erasure_replay.py`): the relay
keeps the epoch it publishes in, in `gateway.broker_epoch`, and when it reads another one it first writes a
`PersonErased` again, under its first `ce_id`, for every request still `erasing` (one transaction under the relay
lock, so one relay of all the gateways does it once per change). With no row pending it still reads the epoch every
`epoch_check_seconds` to notice a loss; a broker away is then no failure, since nothing waits to be published.

The sealed v2 switch (docs/erasure.md, slice 7b): rows keep account events as their sealed `endorsement.accounts.v2`
twins (`application.outbox`), published as they are; with `twin_only` false (PUBLISH_V1_EVENTS) each is preceded
by its v1 event under the same `ce_id`, opened in memory for publication, unless the account was erased meanwhile
(its key destroyed: nothing readable is published). A plaintext v1 row an older gateway wrote is sealed in place at
start-up (`seal_plaintext_rows`); one written later still (a rolling upgrade) gets its twin sealed when relayed, as
before. Events without a twin (erasures) are published alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol
from uuid import UUID

import asyncpg
from endorsement_contracts import ACCOUNTS, EVENTS_BY_TYPE, IntegrationEvent, KafkaRecord, encode
from servicekit.broker_epoch import BrokerUnavailable
from servicekit.clock import Clock
from servicekit.shredding import key_batch
from servicekit.telemetry import publishing

from ..adapters import outbox_table
from ..adapters.accounts_table import Connection
from ..adapters.database import MIGRATION_LOCK
from .outbox import has_sealed_twin, is_sealed_twin

log = logging.getLogger(__name__)

SOURCE = "/services/gateway"
RELAY_LOCK = MIGRATION_LOCK + 2
"""Only one relay (of however many gateways) publishes at a time, so records leave in `seq` order."""
PUBLISHED_RETENTION = timedelta(days=7)
PLAINTEXT_TYPES = tuple(sorted(name for name, event in EVENTS_BY_TYPE.items()
                               if event.topic == ACCOUNTS.name and has_sealed_twin(event)))
"""The account events older gateways stored in plaintext (`endorsement.accounts.v1`)."""


class Publisher(Protocol):
    async def publish(self, records: Sequence[KafkaRecord]) -> None: ...


class Epoch(Protocol):
    """`servicekit.broker_epoch.BrokerEpoch`: blocking; raises when the broker cannot say."""

    def current(self) -> str: ...


class EpochFollower(Protocol):
    """`application.erasure_replay.ErasureReplay`: what must be written again when the broker lost its data."""

    async def follow(self, conn: Connection, epoch: str) -> int: ...


class Sealing(Protocol):
    """`application.outbox.Outbox`: the forms of an account event. Blocking: they read keys."""

    def stored_form(self, event: IntegrationEvent, record_id: UUID) -> IntegrationEvent: ...

    def twin(self, event: IntegrationEvent, record_id: UUID) -> IntegrationEvent | None: ...

    def original(self, twin: IntegrationEvent) -> IntegrationEvent | None: ...


def to_records(row: outbox_table.PendingRecord, sealing: Sealing | None, *,
               twin_only: bool = False) -> list[KafkaRecord]:
    """The row's records: its stored twin, preceded by its opened v1 event unless `twin_only` (or erased); for a
    plaintext v1 row, that event and the twin `sealing` makes (only the twin with `twin_only`). Blocking (keys)."""
    event = EVENTS_BY_TYPE[row.event_type].model_validate_json(row.payload)
    if sealing is None:
        return [_record(event, row)]
    if is_sealed_twin(type(event)):
        original = None if twin_only else sealing.original(event)
        return [_record(event, row)] if original is None else [_record(original, row), _record(event, row)]
    twinned = sealing.twin(event, row.id)
    if twinned is None:
        return [_record(event, row)]
    return [_record(twinned, row)] if twin_only else [_record(event, row), _record(twinned, row)]


def _record(event: IntegrationEvent, row: outbox_table.PendingRecord) -> KafkaRecord:
    with publishing(event.topic, row.trace, event.type_name()) as context:
        return encode(event, event_id=row.id, source=SOURCE, traceparent=context.traceparent if context else None,
                      tracestate=context.tracestate if context else None)


def _batch_records(rows: Sequence[outbox_table.PendingRecord], sealing: Sealing | None,
                   twin_only: bool) -> list[KafkaRecord]:
    with key_batch():  # each account's key row read once per batch
        return [record for row in rows for record in to_records(row, sealing, twin_only=twin_only)]


def _stored_forms(rows: Sequence[outbox_table.PendingRecord], sealing: Sealing) -> list[IntegrationEvent]:
    with key_batch():
        return [sealing.stored_form(EVENTS_BY_TYPE[row.event_type].model_validate_json(row.payload), row.id)
                for row in rows]


class OutboxRelay:
    def __init__(self, pool: asyncpg.Pool, publisher: Publisher, clock: Clock, *,
                 poll_seconds: float = 0.5, batch_size: int = 100, epoch: Epoch | None = None,
                 sealing: Sealing | None = None, twin_only: bool = False, follower: EpochFollower | None = None,
                 epoch_check_seconds: float = 1.0) -> None:
        self._pool = pool
        self._publisher = publisher
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._epoch = epoch
        self._sealing = sealing
        self._twin_only = twin_only
        self._follower = follower
        self._epoch_check_seconds = epoch_check_seconds
        self._next_idle_check = float("-inf")
        self._followed: str | None = None
        """The epoch `follower` last saw through (committed): the same one again needs no database round trip."""
        self._wake = asyncio.Event()
        self.published = 0

    def notify(self) -> None:
        """Something was written to the outbox: publish it now rather than at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Publish one batch of pending rows, after following a new broker epoch; returns how many were published."""
        if self._epoch is not None:
            async with self._pool.acquire() as conn:
                pending = await outbox_table.any_pending(conn)
            epoch = await self._epoch_now(pending)
            if epoch is None:
                return 0
            if self._follower is not None and epoch != self._followed:
                if not await self._follow(self._follower, epoch):
                    return 0  # another relay holds the lock: it follows the epoch too
            elif not pending:
                return 0
        return await self._publish_batch()

    async def _epoch_now(self, pending: bool) -> str | None:
        """The broker epoch, read outside the lock and any transaction: with the broker away the read fails after the
        client's timeout. With rows pending that is a failure (raised); with none, the epoch is read only every
        `epoch_check_seconds`, to notice a loss, and a broker away just means nothing to do yet (None)."""
        assert self._epoch is not None
        if pending:
            return await asyncio.to_thread(self._epoch.current)
        if self._follower is None or time.monotonic() < self._next_idle_check:
            return None
        self._next_idle_check = time.monotonic() + self._epoch_check_seconds
        try:
            return await asyncio.to_thread(self._epoch.current)
        except BrokerUnavailable as exc:
            log.info("broker epoch unreadable (%s); nothing waits to be published", exc)
            return None

    async def _follow(self, follower: EpochFollower, epoch: str) -> bool:
        """`follower` sees `epoch` in a transaction of its own under the relay lock; False when the lock is taken."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", RELAY_LOCK):
                return False
            await follower.follow(conn, epoch)
        self._followed = epoch
        return True

    async def _publish_batch(self) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", RELAY_LOCK):
                return 0
            rows = await outbox_table.pending(conn, self._batch_size)
            if not rows:
                return 0
            # in a worker thread: sealing the twins reads the accounts' keys (synchronous psycopg)
            records = await asyncio.to_thread(_batch_records, rows, self._sealing, self._twin_only)
            await self._publisher.publish(records)
            await outbox_table.mark_published(conn, [row.seq for row in rows], self._clock())
        self.published += len(rows)
        return len(rows)

    async def seal_plaintext_rows(self) -> int:
        """Seal in place the pending plaintext account rows an older gateway wrote (same `ce_id`, same trace: the
        tokens are those the relay would have sealed); returns how many. Under the relay lock, so no relay is
        publishing them meanwhile; the other events are left as they are."""
        if self._sealing is None:
            return 0
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", RELAY_LOCK)
            rows = await outbox_table.pending_of_types(conn, PLAINTEXT_TYPES)
            if not rows:
                return 0
            stored = await asyncio.to_thread(_stored_forms, rows, self._sealing)
            for row, event in zip(rows, stored, strict=True):
                await outbox_table.replace_pending(conn, row.seq, event)
        log.info("sealed %d plaintext outbox row(s) written before sealing at write time", len(rows))
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
