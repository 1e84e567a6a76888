"""Rows of gateway.erasures (the ledger of erasure requests) and gateway.erasure_answers (each service's answer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.erasures import Erasure, ErasureState
from .accounts_table import Connection


def _erasure(row: asyncpg.Record) -> Erasure:
    return Erasure(id=row["id"], tenant=row["tenant"], subject=row["subject"], requested_by=row["requested_by"],
                   reason=row["reason"], requested_at=row["requested_at"], state=ErasureState(row["state"]),
                   hold_id=row["hold_id"], started_at=row["started_at"], done_at=row["done_at"])


async def insert_unless_asked(conn: Connection, erasure: Erasure) -> Erasure | None:
    """Add the request, or None when the subject already has one in this tenant (held, erasing or done)."""
    row = await conn.fetchrow(
        """
        INSERT INTO gateway.erasures (id, tenant, subject, requested_by, reason, requested_at, state, hold_id,
                                      started_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (tenant, subject) DO NOTHING
        RETURNING *
        """,
        erasure.id, erasure.tenant, erasure.subject, erasure.requested_by, erasure.reason, erasure.requested_at,
        erasure.state.value, erasure.hold_id, erasure.started_at)
    return None if row is None else _erasure(row)


async def get(conn: Connection, erasure_id: UUID, *, for_update: bool = False) -> Erasure | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT * FROM gateway.erasures WHERE id = $1{lock}", erasure_id)
    return None if row is None else _erasure(row)


async def get_for_subject(conn: Connection, tenant: str, subject: str) -> Erasure | None:
    row = await conn.fetchrow("SELECT * FROM gateway.erasures WHERE tenant = $1 AND subject = $2", tenant, subject)
    return None if row is None else _erasure(row)


async def held_for_update(conn: Connection, tenant: str, subject: str) -> list[Erasure]:
    rows = await conn.fetch(
        "SELECT * FROM gateway.erasures WHERE tenant = $1 AND subject = $2 AND state = 'held' FOR UPDATE",
        tenant, subject)
    return [_erasure(row) for row in rows]


async def held_by(conn: Connection, hold_id: UUID) -> list[Erasure]:
    """The requests waiting on this hold, whatever their subject (an account's address request waits on the
    account's hold); the caller locks each subject, then its row."""
    rows = await conn.fetch("SELECT * FROM gateway.erasures WHERE hold_id = $1 AND state = 'held'", hold_id)
    return [_erasure(row) for row in rows]


async def page(conn: Connection, tenant: str, *, state: ErasureState | None, limit: int,
               offset: int) -> list[Erasure]:
    rows = await conn.fetch(
        "SELECT * FROM gateway.erasures WHERE tenant = $1 AND ($2::text IS NULL OR state = $2)"
        " ORDER BY requested_at DESC, id LIMIT $3 OFFSET $4",
        tenant, None if state is None else state.value, limit, offset)
    return [_erasure(row) for row in rows]


async def hold_on(conn: Connection, erasure_id: UUID, hold_id: UUID) -> None:
    await conn.execute("UPDATE gateway.erasures SET hold_id = $2 WHERE id = $1 AND state = 'held'",
                       erasure_id, hold_id)


async def start(conn: Connection, erasure_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.erasures SET state = 'erasing', hold_id = NULL, started_at = $2"
        " WHERE id = $1 AND state = 'held'", erasure_id, now)


async def record_answer(conn: Connection, erasure_id: UUID, service: str, now: datetime) -> bool:
    """Note one service's answer; False when it was already noted (a replay)."""
    inserted = await conn.fetchval(
        "INSERT INTO gateway.erasure_answers (erasure_id, service, answered_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (erasure_id, service) DO NOTHING RETURNING true", erasure_id, service, now)
    return bool(inserted)


async def answers(conn: Connection, erasure_id: UUID) -> dict[str, datetime]:
    rows = await conn.fetch("SELECT service, answered_at FROM gateway.erasure_answers WHERE erasure_id = $1",
                            erasure_id)
    return {row["service"]: row["answered_at"] for row in rows}


async def finish_if_answered(conn: Connection, erasure_id: UUID, services: Sequence[str], now: datetime) -> bool:
    """`done` once every one of `services` has answered; True when this call finished it."""
    finished = await conn.fetchval(
        """
        UPDATE gateway.erasures SET state = 'done', done_at = $3
        WHERE id = $1 AND state = 'erasing'
          AND (SELECT count(*) FROM gateway.erasure_answers
               WHERE erasure_id = $1 AND service = ANY($2::text[])) = cardinality($2::text[])
        RETURNING true
        """, erasure_id, list(services), now)
    return bool(finished)


async def note_request_record(conn: Connection, erasure_id: UUID, ce_id: UUID) -> None:
    """The `ce_id` of the request's `PersonErased` record, kept so that every later copy carries the same."""
    await conn.execute("UPDATE gateway.erasures SET request_ce_id = $2 WHERE id = $1", erasure_id, ce_id)


async def erasing_with_request_records(conn: Connection) -> list[tuple[Erasure, UUID | None]]:
    """Every request still `erasing` (in every tenant), oldest first, with its `PersonErased` record's `ce_id` (None:
    filed before the ledger kept it, and its row was published since)."""
    rows = await conn.fetch("SELECT * FROM gateway.erasures WHERE state = 'erasing' ORDER BY requested_at, id")
    return [(_erasure(row), row["request_ce_id"]) for row in rows]
