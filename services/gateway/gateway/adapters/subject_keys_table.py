"""gateway.subject_keys, the table of `servicekit.shredding.SubjectKeys` (made with its DDL at start-up).

Destroying a key here, on the caller's connection, puts it in the erasure's transaction; the statement is
`SubjectKeys.destroy`'s, so a `SubjectKeys(database_url, "gateway", master_key)` later finds the tombstone: it opens
the subject's tokens to None and refuses to seal for the subject again."""

from __future__ import annotations

from .accounts_table import Connection


async def destroy(conn: Connection, subject: str) -> None:
    """Erase the subject's key for good (idempotent), leaving a tombstone even when no key was ever made."""
    await conn.execute(
        "INSERT INTO gateway.subject_keys AS k (subject, erased_at) VALUES ($1, now()) ON CONFLICT (subject) DO UPDATE"
        " SET wrapped_key = NULL, master_key_id = NULL, erased_at = COALESCE(k.erased_at, now())", subject)
