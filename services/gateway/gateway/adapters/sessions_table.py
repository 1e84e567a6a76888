"""Rows of gateway.sessions, keyed by the SHA-256 digest of the bearer token."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..domain.sessions import ActiveSession
from .accounts_table import Connection, to_account


async def insert(conn: Connection, digest: bytes, account_id: UUID, now: datetime, expires_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO gateway.sessions (token_digest, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        digest, account_id, now, expires_at,
    )


async def get_active(conn: Connection, digest: bytes, now: datetime) -> ActiveSession | None:
    """The session and its account, unless expired, revoked or the account is disabled."""
    row = await conn.fetchrow(
        """
        SELECT s.expires_at AS session_expires_at,
               a.id, a.tenant, a.email, a.name, a.roles, a.seeded, a.disabled_at, a.created_at,
               a.language, a.email_verified_at
        FROM gateway.sessions s JOIN gateway.accounts a ON a.id = s.account_id
        WHERE s.token_digest = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.disabled_at IS NULL
        """,
        digest, now,
    )
    if row is None:
        return None
    return ActiveSession(digest=digest, expires_at=row["session_expires_at"], account=to_account(row))


async def revoke(conn: Connection, digest: bytes, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.sessions SET revoked_at = $2 WHERE token_digest = $1 AND revoked_at IS NULL", digest, now
    )


async def revoke_all_of(conn: Connection, account_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL", account_id, now
    )


async def revoke_all_but(conn: Connection, account_id: UUID, kept: bytes, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.sessions SET revoked_at = $3"
        " WHERE account_id = $1 AND token_digest <> $2 AND revoked_at IS NULL",
        account_id, kept, now,
    )


async def delete_expired(conn: Connection, now: datetime) -> int:
    status = await conn.execute("DELETE FROM gateway.sessions WHERE expires_at <= $1", now)
    return int(status.split()[-1])
