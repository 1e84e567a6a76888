"""The row of gateway.broker_epoch: which broker epoch (`servicekit.broker_epoch`) the outbox relay last published
in. Read and written under the relay lock only, so one relay of all the gateways sees each change."""

from __future__ import annotations

from datetime import datetime

from .accounts_table import Connection


async def recorded(conn: Connection) -> str | None:
    """The epoch last recorded; None before any relay of this database has read one."""
    epoch = await conn.fetchval("SELECT epoch FROM gateway.broker_epoch")
    return None if epoch is None else str(epoch)


async def record(conn: Connection, epoch: str, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO gateway.broker_epoch (epoch, seen_at) VALUES ($1, $2)"
        " ON CONFLICT (only_row) DO UPDATE SET epoch = EXCLUDED.epoch, seen_at = EXCLUDED.seen_at", epoch, now)
