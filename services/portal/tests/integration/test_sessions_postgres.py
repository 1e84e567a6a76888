"""The sessions table on real PostgreSQL: idempotent DDL, encrypted token, expiry, delete."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
from portal.sessions import PostgresSessionStore, new_session

SECRET = "integration-secret-0123456789-abcdefghij"


async def scenario(database_url: str) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        await PostgresSessionStore.create_schema(pool)
        await PostgresSessionStore.create_schema(pool)  # idempotent
        store = PostgresSessionStore(pool, SECRET)
        session = new_session(timedelta(hours=1))
        session.sign_in("bearer-secret", {"id": "a1", "email": "ana@example.org", "email_verified": False})
        session.set_language("es")
        session.flash("hello")
        await store.save(session)

        raw = await pool.fetchrow("SELECT * FROM portal.sessions")
        assert raw is not None and b"bearer-secret" not in bytes(raw["token"])
        assert session.id not in raw["id_hash"]

        loaded = await store.load(session.id)
        assert loaded is not None and loaded.access_token == "bearer-secret" and loaded.language == "es"
        assert loaded.account == {"id": "a1", "email_verified": False}  # never the email: see ACCOUNT_FIELDS
        assert loaded.pop_flashes() == [{"message": "hello", "kind": "success"}]

        other_key = PostgresSessionStore(pool, "another-secret-0123456789-abcdefghijkl")
        reread = await other_key.load(session.id)
        assert reread is not None and reread.access_token is None and not reread.signed_in

        old = new_session(timedelta(hours=1))
        old.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        await store.save(old)
        assert await store.load(old.id) is None
        assert await store.purge_expired() == 1

        await store.delete(session.id)
        assert await store.load(session.id) is None
    finally:
        await pool.close()


def test_sessions_table(database_url: str) -> None:
    asyncio.run(scenario(database_url))
