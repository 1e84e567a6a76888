"""Rows of gateway.idempotency: one per (caller, method, path, Idempotency-Key), claimed, then completed or dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from .accounts_table import Connection


@dataclass(frozen=True)
class Row:
    fingerprint: bytes
    started_at: datetime
    status: int | None
    sealed: bytes | None


async def claim(conn: Connection, request_key: bytes, fingerprint: bytes, claim_id: UUID, *, now: datetime,
                expires_at: datetime, abandoned_before: datetime, account_id: UUID | None = None) -> bool:
    """Take the key: a new row, or one whose time is up (expired, or left running by a gateway that died while
    handling the same body). False when another request holds it. `account_id` (the caller's, when signed in)
    lets an erasure delete the account's rows, the answer they keep included.

    The claim's commit does not wait for its WAL flush: were it lost in a database crash, the request's outcome
    would be unknown whatever was flushed; the answer, once known, is committed durably (`complete`)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit TO off")
        taken = await conn.fetchval(
            """
            INSERT INTO gateway.idempotency AS i (request_key, fingerprint, claim, started_at, expires_at, account_id)
            VALUES ($1, $2, $3, $4, $5, $7)
            ON CONFLICT (request_key) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, claim = EXCLUDED.claim, started_at = EXCLUDED.started_at,
                expires_at = EXCLUDED.expires_at, status = NULL, sealed = NULL, account_id = EXCLUDED.account_id
            WHERE i.expires_at <= $4
               OR (i.status IS NULL AND i.started_at <= $6 AND i.fingerprint = EXCLUDED.fingerprint)
            RETURNING claim
            """,
            request_key, fingerprint, claim_id, now, expires_at, abandoned_before, account_id,
        )
    return bool(taken == claim_id)


async def get(conn: Connection, request_key: bytes) -> Row | None:
    row = await conn.fetchrow(
        "SELECT fingerprint, started_at, status, sealed FROM gateway.idempotency WHERE request_key = $1",
        request_key)
    if row is None:
        return None
    return Row(fingerprint=row["fingerprint"], started_at=row["started_at"], status=row["status"],
               sealed=row["sealed"])


async def complete(conn: Connection, request_key: bytes, claim_id: UUID, status: int, sealed: bytes) -> None:
    await conn.execute("UPDATE gateway.idempotency SET status = $3, sealed = $4 WHERE request_key = $1 AND claim = $2",
                       request_key, claim_id, status, sealed)


async def release(conn: Connection, request_key: bytes, claim_id: UUID) -> None:
    await conn.execute("DELETE FROM gateway.idempotency WHERE request_key = $1 AND claim = $2", request_key, claim_id)


async def forget(conn: Connection, request_key: bytes) -> None:
    await conn.execute("DELETE FROM gateway.idempotency WHERE request_key = $1", request_key)


async def delete_expired(conn: Connection, now: datetime) -> int:
    result = await conn.execute("DELETE FROM gateway.idempotency WHERE expires_at <= $1", now)
    return int(result.split()[-1])


async def delete_of_account(conn: Connection, account_id: UUID) -> None:
    """Every row (kept answers and claims) of a caller being erased."""
    await conn.execute("DELETE FROM gateway.idempotency WHERE account_id = $1", account_id)
