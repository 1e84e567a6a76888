"""Rows of gateway.links: one-time links by the SHA-256 digest of their secret."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.links import IssuedLink, Purpose, StoredLink
from .accounts_table import Connection


async def supersede(conn: Connection, account_id: UUID, purpose: Purpose, now: datetime) -> None:
    """Every unused link of `purpose` the account has stops working."""
    await conn.execute(
        """
        UPDATE gateway.links SET superseded_at = $3
        WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL AND superseded_at IS NULL
        """,
        account_id, purpose.value, now,
    )


async def insert_superseding(conn: Connection, account_id: UUID, link: IssuedLink) -> None:
    """Store the new link; every earlier unused link of its purpose stops working."""
    await supersede(conn, account_id, link.purpose, link.created_at)
    await conn.execute(
        """
        INSERT INTO gateway.links (token_digest, id, account_id, purpose, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        link.digest, link.id, account_id, link.purpose.value, link.created_at, link.expires_at,
    )


async def get_for_update(conn: Connection, digest: bytes) -> StoredLink | None:
    row = await conn.fetchrow("SELECT * FROM gateway.links WHERE token_digest = $1 FOR UPDATE", digest)
    return None if row is None else _to_link(row)


async def mark_used(conn: Connection, link_id: UUID, now: datetime) -> None:
    await conn.execute("UPDATE gateway.links SET used_at = $2 WHERE id = $1", link_id, now)


async def requested_since(conn: Connection, account_id: UUID, purpose: Purpose, since: datetime) -> list[datetime]:
    """When links of `purpose` were made for the account after `since`."""
    rows = await conn.fetch(
        "SELECT created_at FROM gateway.links WHERE account_id = $1 AND purpose = $2 AND created_at > $3",
        account_id, purpose.value, since,
    )
    return [row["created_at"] for row in rows]


async def delete_older_than(conn: Connection, before: datetime) -> None:
    await conn.execute("DELETE FROM gateway.links WHERE expires_at <= $1", before)


def _to_link(row: asyncpg.Record) -> StoredLink:
    return StoredLink(id=row["id"], account_id=row["account_id"], purpose=Purpose(row["purpose"]),
                      created_at=row["created_at"], expires_at=row["expires_at"], used_at=row["used_at"],
                      superseded_at=row["superseded_at"])
