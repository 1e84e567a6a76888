"""Rows of gateway.login_throttle: one fixed window of counted attempts per account key or address key."""

from __future__ import annotations

from datetime import datetime

from ..domain.throttle import FailureWindow
from .accounts_table import Connection


async def count_attempt(conn: Connection, key: str, *, now: datetime, expired_before: datetime) -> FailureWindow:
    """Count one attempt (atomically); a window that started at or before `expired_before` starts again at `now`."""
    row = await conn.fetchrow(
        """
        INSERT INTO gateway.login_throttle AS t (key, failures, window_started) VALUES ($1, 1, $2)
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN t.window_started <= $3 THEN 1 ELSE t.failures + 1 END,
            window_started = CASE WHEN t.window_started <= $3 THEN $2 ELSE t.window_started END
        RETURNING failures, window_started
        """,
        key, now, expired_before,
    )
    assert row is not None
    return FailureWindow(failures=row["failures"], started=row["window_started"])


async def forgive(conn: Connection, key: str) -> None:
    """Take back one counted attempt (it succeeded)."""
    await conn.execute("UPDATE gateway.login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1", key)


async def clear(conn: Connection, key: str) -> None:
    await conn.execute("DELETE FROM gateway.login_throttle WHERE key = $1", key)


async def delete_expired(conn: Connection, expired_before: datetime, kinds: tuple[str, ...] | None = None) -> None:
    """Drop windows that have passed; `kinds` (the part of the key before its first newline) narrows it."""
    if kinds is None:
        await conn.execute("DELETE FROM gateway.login_throttle WHERE window_started <= $1", expired_before)
        return
    await conn.execute("DELETE FROM gateway.login_throttle WHERE window_started <= $1 "
                       "AND split_part(key, E'\\n', 1) = ANY($2::text[])", expired_before, list(kinds))
