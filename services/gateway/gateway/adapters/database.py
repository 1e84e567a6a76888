"""The gateway's own schema: a connection pool and idempotent DDL applied at start-up."""

from __future__ import annotations

import asyncpg
from servicekit import shredding
from servicekit.postgres import DEFAULT_DATABASE_WAIT_SECONDS, asyncpg_pool_options, asyncpg_server_settings

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
-- The W3C trace context of the request that wrote the row: the record joins that request's trace. Checked
-- first: ALTER TABLE locks the table even when the column exists, and another gateway's relay may hold a
-- transaction on it while the broker is away.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'gateway' AND table_name = 'outbox' AND column_name = 'tracestate') THEN
        ALTER TABLE gateway.outbox ADD COLUMN IF NOT EXISTS traceparent text,
                                   ADD COLUMN IF NOT EXISTS tracestate text;
    END IF;
END $$;

-- Idempotency-Key (domain/idempotency.py): the SHA-256 of caller, method, path and key; a keyed digest of the
-- body; the answer (status plus AES-GCM sealed headers and body) once it is known. Expired rows are deleted.
CREATE TABLE IF NOT EXISTS gateway.idempotency (
    request_key bytea PRIMARY KEY,
    fingerprint bytea NOT NULL,
    claim       uuid NOT NULL,
    started_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    status      integer,
    sealed      bytea
);
CREATE INDEX IF NOT EXISTS idempotency_expires_at_idx ON gateway.idempotency (expires_at);
-- Whose kept answers these are (the caller's account, when signed in): an erasure deletes them.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'gateway' AND table_name = 'idempotency' AND column_name = 'account_id') THEN
        ALTER TABLE gateway.idempotency ADD COLUMN IF NOT EXISTS account_id uuid;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS idempotency_account_id_idx ON gateway.idempotency (account_id)
    WHERE account_id IS NOT NULL;

-- Erasure (docs/erasure.md): the ledger of requests, the services' answers, and legal holds. Ids only: a
-- subject id and an account id name nobody readable; reasons must not name the person (documented, audited).
CREATE TABLE IF NOT EXISTS gateway.holds (
    id          uuid PRIMARY KEY,
    tenant      text NOT NULL,
    subject     text NOT NULL,
    reason      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    placed_by   text NOT NULL,
    placed_at   timestamptz NOT NULL,
    lifted_by   text,
    lifted_at   timestamptz,
    lift_reason text CHECK (char_length(lift_reason) BETWEEN 1 AND 500)
);
CREATE INDEX IF NOT EXISTS holds_active_idx ON gateway.holds (tenant, subject) WHERE lifted_at IS NULL;
CREATE INDEX IF NOT EXISTS holds_tenant_placed_idx ON gateway.holds (tenant, placed_at DESC, id);

CREATE TABLE IF NOT EXISTS gateway.erasures (
    id           uuid PRIMARY KEY,
    tenant       text NOT NULL,
    subject      text NOT NULL,
    requested_by text NOT NULL,
    reason       text CHECK (char_length(reason) BETWEEN 1 AND 500),
    requested_at timestamptz NOT NULL,
    state        text NOT NULL CHECK (state IN ('held', 'erasing', 'done')),
    hold_id      uuid REFERENCES gateway.holds (id),
    started_at   timestamptz,
    done_at      timestamptz,
    CONSTRAINT erasures_tenant_subject_key UNIQUE (tenant, subject)
);
CREATE INDEX IF NOT EXISTS erasures_tenant_requested_idx ON gateway.erasures (tenant, requested_at DESC, id);

-- The ce_id of each request's PersonErased record, so that a broker which lost its data is asked again under the
-- same id (application/erasure_replay.py); requests that ran before the column existed take it from their row still
-- pending in the outbox, if any (a published row has no payload left to say which request it was).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'gateway' AND table_name = 'erasures' AND column_name = 'request_ce_id') THEN
        ALTER TABLE gateway.erasures ADD COLUMN IF NOT EXISTS request_ce_id uuid;
        UPDATE gateway.erasures e SET request_ce_id = o.id FROM gateway.outbox o
        WHERE o.event_type = 'PersonErased.v1' AND o.payload ->> 'erasure_id' = e.id::text;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS erasures_erasing_idx ON gateway.erasures (requested_at) WHERE state = 'erasing';

-- The broker epoch (servicekit.broker_epoch) the outbox relay last published in: one row. A relay that reads
-- another epoch knows the broker lost its data and asks the services again (application/erasure_replay.py).
CREATE TABLE IF NOT EXISTS gateway.broker_epoch (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    text NOT NULL,
    seen_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS gateway.erasure_answers (
    erasure_id  uuid NOT NULL REFERENCES gateway.erasures (id),
    service     text NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (erasure_id, service)
);

-- Retention (domain/retention.py): when the account last signed in. Expired sessions are deleted, so the latest
-- sign-in is kept on the account; when the column is added, it takes what the sessions still show.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'gateway' AND table_name = 'accounts'
                     AND column_name = 'last_signed_in_at') THEN
        ALTER TABLE gateway.accounts ADD COLUMN IF NOT EXISTS last_signed_in_at timestamptz;
        UPDATE gateway.accounts a SET last_signed_in_at = s.latest
        FROM (SELECT account_id, max(created_at) AS latest FROM gateway.sessions GROUP BY account_id) s
        WHERE s.account_id = a.id;
    END IF;
END $$;
""" + shredding.DDL.format(table="gateway.subject_keys") + """;
-- (servicekit.shredding.SubjectKeys' own table: an erasure leaves the subject's tombstone in it.)
"""


async def create_pool(database_url: str, wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS) -> asyncpg.Pool:
    """Connecting and every command are bounded: a dead database gives a quick 503, not a hang."""
    return await asyncpg.create_pool(
        database_url, min_size=1, max_size=10, server_settings=asyncpg_server_settings(SCHEMA),
        **asyncpg_pool_options(wait_seconds),
    )


async def migrate(pool: asyncpg.Pool) -> None:
    """Create or complete the schema; safe to run on every start and from several processes."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(DDL)
