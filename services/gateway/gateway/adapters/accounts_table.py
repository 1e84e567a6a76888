"""Rows of gateway.accounts; every function works on the caller's connection (and transaction)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.accounts import Account
from ..domain.retention import last_activity

Connection = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy

COLUMNS = "id, tenant, email, name, roles, seeded, disabled_at, created_at, language, email_verified_at"


def to_account(row: asyncpg.Record) -> Account:
    return Account(
        id=row["id"],
        tenant=row["tenant"],
        email=row["email"],
        name=row["name"],
        roles=frozenset(row["roles"]),
        created_at=row["created_at"],
        seeded=row["seeded"],
        disabled=row["disabled_at"] is not None,
        language=row["language"],
        email_verified_at=row["email_verified_at"],
    )


async def insert(conn: Connection, account: Account, password_hash: str) -> bool:
    """Add the account; False when its email is already taken in its tenant."""
    inserted = await conn.fetchval(
        """
        INSERT INTO gateway.accounts (id, tenant, email, name, roles, password_hash, seeded, created_at, updated_at,
                                      language, email_verified_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)
        ON CONFLICT (tenant, email) DO NOTHING
        RETURNING true
        """,
        account.id, account.tenant, account.email, account.name, sorted(account.roles), password_hash,
        account.seeded, account.created_at, account.language, account.email_verified_at,
    )
    return bool(inserted)


async def get_with_hash(conn: Connection, tenant: str, email: str) -> tuple[Account, str] | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS}, password_hash FROM gateway.accounts WHERE tenant = $1 AND email = $2", tenant, email
    )
    return None if row is None else (to_account(row), row["password_hash"])


async def get(conn: Connection, account_id: UUID) -> Account | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM gateway.accounts WHERE id = $1", account_id)
    return None if row is None else to_account(row)


async def get_with_hash_by_id(conn: Connection, account_id: UUID) -> tuple[Account, str] | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS}, password_hash FROM gateway.accounts WHERE id = $1", account_id)
    return None if row is None else (to_account(row), row["password_hash"])


async def get_all_in(conn: Connection, tenant: str) -> list[Account]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM gateway.accounts WHERE tenant = $1", tenant)
    return [to_account(row) for row in rows]


async def get_seeded(conn: Connection) -> list[Account]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM gateway.accounts WHERE seeded")
    return [to_account(row) for row in rows]


async def update_password_hash(conn: Connection, account_id: UUID, password_hash: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.accounts SET password_hash = $2, updated_at = $3 WHERE id = $1", account_id, password_hash, now
    )


async def set_name_and_language(conn: Connection, account_id: UUID, name: str, language: str,
                                now: datetime) -> None:
    await conn.execute("UPDATE gateway.accounts SET name = $2, language = $3, updated_at = $4 WHERE id = $1",
                       account_id, name, language, now)


async def mark_email_verified(conn: Connection, account_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.accounts SET email_verified_at = $2, updated_at = $2"
        " WHERE id = $1 AND email_verified_at IS NULL",
        account_id, now,
    )


async def update_profile(
    conn: Connection, account_id: UUID, name: str, roles: frozenset[str], now: datetime
) -> None:
    """Set name and roles and enable the account (staff listed again in a tenant file)."""
    await conn.execute(
        "UPDATE gateway.accounts SET name = $2, roles = $3, disabled_at = NULL, updated_at = $4 WHERE id = $1",
        account_id, name, sorted(roles), now,
    )


async def disable(conn: Connection, account_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE gateway.accounts SET disabled_at = $2, updated_at = $2 WHERE id = $1 AND disabled_at IS NULL",
        account_id, now,
    )


async def delete(conn: Connection, account_id: UUID) -> None:
    """Erase the account row; its sessions and links go with it (ON DELETE CASCADE)."""
    await conn.execute("DELETE FROM gateway.accounts WHERE id = $1", account_id)


async def record_sign_in(conn: Connection, account_id: UUID, now: datetime) -> None:
    """Note the sign-in (the retention job counts it as activity; sessions themselves are deleted once expired)."""
    await conn.execute("UPDATE gateway.accounts SET last_signed_in_at = $2 WHERE id = $1", account_id, now)


async def get_activity(conn: Connection, account_id: UUID) -> tuple[Account, datetime] | None:
    """The account and its latest sign-up, change or sign-in (`domain.retention.last_activity`)."""
    row = await conn.fetchrow(f"SELECT {COLUMNS}, updated_at, last_signed_in_at FROM gateway.accounts WHERE id = $1",
                              account_id)
    if row is None:
        return None
    return to_account(row), last_activity(row["created_at"], row["updated_at"], row["last_signed_in_at"])


async def inactive_applicants(conn: Connection, tenant: str, cutoff: datetime, limit: int) -> list[UUID]:
    """Applicant accounts of `tenant` (not seeded, no other role) without activity since `cutoff` and with no
    erasure request yet (held, erasing or done), least recently active first."""
    rows = await conn.fetch(
        """
        SELECT a.id FROM gateway.accounts a
        WHERE a.tenant = $1 AND NOT a.seeded AND a.roles = ARRAY['applicant']::text[]
          AND GREATEST(a.created_at, a.updated_at, a.last_signed_in_at) < $2
          AND NOT EXISTS (SELECT 1 FROM gateway.erasures e
                          WHERE e.tenant = a.tenant AND e.subject = 'account:' || a.id::text)
        ORDER BY GREATEST(a.created_at, a.updated_at, a.last_signed_in_at), a.id
        LIMIT $3
        """, tenant, cutoff, limit)
    return [row["id"] for row in rows]
