"""Rows of gateway.login_failures: one failure window per (tenant, email, client address)."""

from __future__ import annotations

from datetime import datetime

from ..domain.throttle import AttemptKey, FailureWindow
from .accounts_table import Connection


async def get(conn: Connection, key: AttemptKey) -> FailureWindow | None:
    row = await conn.fetchrow(
        "SELECT failures, window_started FROM gateway.login_failures WHERE tenant = $1 AND email = $2 AND client = $3",
        key.tenant, key.email, key.client,
    )
    return None if row is None else FailureWindow(failures=row["failures"], started=row["window_started"])


async def record(conn: Connection, key: AttemptKey, *, now: datetime, expired_before: datetime) -> None:
    """Count one failure; a window that started at or before `expired_before` starts again at `now`."""
    await conn.execute(
        """
        INSERT INTO gateway.login_failures AS f (tenant, email, client, failures, window_started)
        VALUES ($1, $2, $3, 1, $4)
        ON CONFLICT (tenant, email, client) DO UPDATE SET
            failures = CASE WHEN f.window_started <= $5 THEN 1 ELSE f.failures + 1 END,
            window_started = CASE WHEN f.window_started <= $5 THEN $4 ELSE f.window_started END
        """,
        key.tenant, key.email, key.client, now, expired_before,
    )


async def clear(conn: Connection, key: AttemptKey) -> None:
    await conn.execute(
        "DELETE FROM gateway.login_failures WHERE tenant = $1 AND email = $2 AND client = $3",
        key.tenant, key.email, key.client,
    )


async def delete_expired(conn: Connection, expired_before: datetime) -> None:
    await conn.execute("DELETE FROM gateway.login_failures WHERE window_started <= $1", expired_before)
