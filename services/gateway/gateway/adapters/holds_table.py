"""Rows of gateway.holds: legal holds on a subject; an active one (not lifted) keeps its erasures waiting."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.erasures import Hold
from .accounts_table import Connection


def _hold(row: asyncpg.Record) -> Hold:
    return Hold(id=row["id"], tenant=row["tenant"], subject=row["subject"], reason=row["reason"],
                placed_by=row["placed_by"], placed_at=row["placed_at"], lifted_by=row["lifted_by"],
                lifted_at=row["lifted_at"], lift_reason=row["lift_reason"])


async def insert(conn: Connection, hold: Hold) -> None:
    await conn.execute(
        "INSERT INTO gateway.holds (id, tenant, subject, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        hold.id, hold.tenant, hold.subject, hold.reason, hold.placed_by, hold.placed_at)


async def get(conn: Connection, tenant: str, hold_id: UUID, *, for_update: bool = False) -> Hold | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT * FROM gateway.holds WHERE tenant = $1 AND id = $2{lock}", tenant, hold_id)
    return None if row is None else _hold(row)


async def first_active(conn: Connection, tenant: str, subject: str) -> Hold | None:
    """The earliest hold still covering the subject."""
    row = await conn.fetchrow(
        "SELECT * FROM gateway.holds WHERE tenant = $1 AND subject = $2 AND lifted_at IS NULL"
        " ORDER BY placed_at, id LIMIT 1", tenant, subject)
    return None if row is None else _hold(row)


async def page(conn: Connection, tenant: str, *, active_only: bool, limit: int, offset: int) -> list[Hold]:
    rows = await conn.fetch(
        "SELECT * FROM gateway.holds WHERE tenant = $1 AND (NOT $2 OR lifted_at IS NULL)"
        " ORDER BY placed_at DESC, id LIMIT $3 OFFSET $4", tenant, active_only, limit, offset)
    return [_hold(row) for row in rows]


async def lift(conn: Connection, hold_id: UUID, lifted_by: str, now: datetime, reason: str) -> None:
    await conn.execute(
        "UPDATE gateway.holds SET lifted_by = $2, lifted_at = $3, lift_reason = $4 WHERE id = $1 AND lifted_at IS NULL",
        hold_id, lifted_by, now, reason)
