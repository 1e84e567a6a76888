"""The gateway's own schema: a connection pool and idempotent DDL applied at start-up."""

from __future__ import annotations

import asyncpg
from servicekit.postgres import asyncpg_server_settings

SCHEMA = "gateway"
# Any constant shared by concurrently starting gateways, so only one runs the DDL at a time.
MIGRATION_LOCK = 0x6761_7465_7761_7921

DDL = """
CREATE SCHEMA IF NOT EXISTS gateway;

CREATE TABLE IF NOT EXISTS gateway.accounts (
    id            uuid PRIMARY KEY,
    tenant        text NOT NULL,
    email         text NOT NULL,
    name          text NOT NULL,
    roles         text[] NOT NULL,
    password_hash text NOT NULL,
    seeded        boolean NOT NULL DEFAULT false,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT accounts_tenant_email_key UNIQUE (tenant, email)
);

CREATE TABLE IF NOT EXISTS gateway.sessions (
    token_digest bytea PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES gateway.accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_account_id_idx ON gateway.sessions (account_id);
CREATE INDEX IF NOT EXISTS sessions_expires_at_idx ON gateway.sessions (expires_at);

-- Log-in throttling (domain/throttle.py): one window per account key and per client-address key. It replaced
-- gateway.login_failures (one window per account *and* address, which guesses from many addresses got around).
DROP TABLE IF EXISTS gateway.login_failures;
CREATE TABLE IF NOT EXISTS gateway.login_throttle (
    key            text PRIMARY KEY,
    failures       integer NOT NULL,
    window_started timestamptz NOT NULL
);

ALTER TABLE gateway.accounts ADD COLUMN IF NOT EXISTS language text NOT NULL DEFAULT 'en';
ALTER TABLE gateway.accounts ADD COLUMN IF NOT EXISTS email_verified_at timestamptz;
-- Staff accounts come from the tenant files: their addresses are the association's own.
UPDATE gateway.accounts SET email_verified_at = created_at WHERE seeded AND email_verified_at IS NULL;

-- One-time links: only the SHA-256 of the secret is kept.
CREATE TABLE IF NOT EXISTS gateway.links (
    token_digest  bytea PRIMARY KEY,
    id            uuid NOT NULL UNIQUE,
    account_id    uuid NOT NULL REFERENCES gateway.accounts (id) ON DELETE CASCADE,
    purpose       text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    superseded_at timestamptz
);
CREATE INDEX IF NOT EXISTS links_account_purpose_idx ON gateway.links (account_id, purpose, created_at);

-- Integration events written in the same transaction as the account change; the relay publishes them in
-- `seq` order and marks them published once the broker has acknowledged them.
CREATE TABLE IF NOT EXISTS gateway.outbox (
    seq          bigserial PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    topic        text NOT NULL,
    event_type   text NOT NULL,
    payload      jsonb,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON gateway.outbox (seq) WHERE published_at IS NULL;
"""


async def create_pool(database_url: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        database_url, min_size=1, max_size=10, server_settings=asyncpg_server_settings(SCHEMA)
    )


async def migrate(pool: asyncpg.Pool) -> None:
    """Create or complete the schema; safe to run on every start and from several processes."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(DDL)
