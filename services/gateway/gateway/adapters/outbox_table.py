"""Rows of gateway.outbox: integration events waiting for the relay, written in the caller's transaction, each
with the trace context active when it was written (the request's), so its record joins that trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from endorsement_contracts import IntegrationEvent
from servicekit.telemetry import TraceContext, current_trace

from .accounts_table import Connection


@dataclass(frozen=True)
class PendingRecord:
    seq: int
    id: UUID
    """The record's CloudEvents id: fixed when the row is written, so every republication carries the same."""
    event_type: str
    payload: str
    trace: TraceContext | None = None
    """The trace of the request that wrote the row (None when none was active)."""


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: datetime | None


async def add(conn: Connection, event: IntegrationEvent, record_id: UUID) -> None:
    """`event` as given: `application.outbox.Outbox` seals account events before they get here."""
    trace = current_trace()
    await conn.execute(
        "INSERT INTO gateway.outbox (id, topic, event_type, payload, created_at, traceparent, tracestate)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        record_id, event.topic, event.type_name(), event.model_dump_json(), event.occurred_at,
        trace.traceparent if trace else None, trace.tracestate if trace else None,
    )


async def add_again(conn: Connection, event: IntegrationEvent, record_id: UUID, now: datetime) -> bool:
    """`event` pending once more under the `ce_id` it was first written with (the row made `now`, so the backlog's
    age tells how long it waits): a published row of that id, its payload dropped, makes way for it. False when that
    row is still pending: it will be published as it is."""
    await conn.execute("DELETE FROM gateway.outbox WHERE id = $1 AND published_at IS NOT NULL", record_id)
    trace = current_trace()
    written = await conn.fetchval(
        "INSERT INTO gateway.outbox (id, topic, event_type, payload, created_at, traceparent, tracestate)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING true",
        record_id, event.topic, event.type_name(), event.model_dump_json(), now,
        trace.traceparent if trace else None, trace.tracestate if trace else None,
    )
    return bool(written)


async def pending(conn: Connection, limit: int) -> list[PendingRecord]:
    rows = await conn.fetch(
        "SELECT seq, id, event_type, payload, traceparent, tracestate FROM gateway.outbox"
        " WHERE published_at IS NULL ORDER BY seq LIMIT $1",
        limit,
    )
    return [_pending_record(r) for r in rows]


async def pending_of_types(conn: Connection, event_types: Sequence[str]) -> list[PendingRecord]:
    """The pending rows of these CloudEvents types, oldest first."""
    rows = await conn.fetch(
        "SELECT seq, id, event_type, payload, traceparent, tracestate FROM gateway.outbox"
        " WHERE published_at IS NULL AND event_type = ANY($1::text[]) ORDER BY seq",
        list(event_types),
    )
    return [_pending_record(r) for r in rows]


async def replace_pending(conn: Connection, seq: int, event: IntegrationEvent) -> None:
    """A pending row's event replaced by another form of it (same `ce_id`, same trace); published rows stay."""
    await conn.execute(
        "UPDATE gateway.outbox SET topic = $2, event_type = $3, payload = $4 WHERE seq = $1 AND published_at IS NULL",
        seq, event.topic, event.type_name(), event.model_dump_json(),
    )


def _pending_record(r: Any) -> PendingRecord:
    return PendingRecord(seq=r["seq"], id=r["id"], event_type=r["event_type"], payload=r["payload"],
                         trace=TraceContext(r["traceparent"], r["tracestate"]) if r["traceparent"] else None)


async def mark_published(conn: Connection, seqs: Sequence[int], now: datetime) -> None:
    """The broker has them: drop the payloads too, since they may carry one-time links."""
    await conn.execute(
        "UPDATE gateway.outbox SET published_at = $2, payload = NULL WHERE seq = ANY($1::bigint[])", list(seqs), now
    )


async def any_pending(conn: Connection) -> bool:
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM gateway.outbox WHERE published_at IS NULL)"))


async def backlog(conn: Connection) -> Backlog:
    row = await conn.fetchrow(
        "SELECT count(*) AS pending, min(created_at) AS oldest FROM gateway.outbox WHERE published_at IS NULL"
    )
    assert row is not None
    return Backlog(pending=int(row["pending"]), oldest=row["oldest"])


async def delete_published_before(conn: Connection, before: datetime) -> None:
    await conn.execute("DELETE FROM gateway.outbox WHERE published_at <= $1", before)
