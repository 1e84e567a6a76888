"""The webhook tables, in the service's schema: subscriptions, deliveries (the retry queue) and the
fan-out's position in the notification log. Deliveries are rows, so retries survive a restart.

A delivery's `body` is kept only while it may still be sent: it is emptied (NULL) once the delivery ends
(delivered, failed for good, cancelled) and when its holder is erased; the sender rebuilds an emptied body
of a pending delivery from the stored event (`WebhookFanOut.body_of`). A pending status change queued before
reasons were codes (its body has no `reason_code`, and its `reason` may be a coordinator's free text) is emptied
at start-up, so it is rebuilt with the code's wording."""

from __future__ import annotations

import asyncpg
import psycopg
from psycopg import sql

DDL = """
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    partner text NOT NULL,
    url text NOT NULL,
    secret text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by uuid NOT NULL,
    deleted_at timestamptz,
    deleted_by uuid
);
CREATE INDEX IF NOT EXISTS webhook_subscriptions_active ON webhook_subscriptions (tenant) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id bigserial PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
    sequence bigint NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    subject text NOT NULL,
    body bytea NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until timestamptz,
    last_status integer,
    last_error text,
    created_at timestamptz NOT NULL,
    delivered_at timestamptz,
    failed_at timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (subscription_id, sequence)
    WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_failed ON webhook_deliveries (subscription_id, failed_at)
    WHERE state = 'failed';
ALTER TABLE webhook_deliveries ALTER COLUMN body DROP NOT NULL;
UPDATE webhook_deliveries SET body = NULL WHERE state <> 'pending' AND body IS NOT NULL;
UPDATE webhook_deliveries SET body = NULL
WHERE state = 'pending' AND body IS NOT NULL
  AND event_type IN ('CredentialSuspended.v1', 'CredentialReinstated.v1', 'CredentialRevoked.v1')
  AND NOT ((convert_from(body, 'UTF8')::jsonb -> 'data') ? 'reason_code');
CREATE TABLE IF NOT EXISTS webhook_positions (
    name text PRIMARY KEY,
    position bigint NOT NULL
);
"""


async def create_tables(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await conn.execute(DDL)


def connect(database_url: str, schema: str) -> psycopg.Connection:
    """A psycopg connection whose unqualified names resolve in the service's schema."""
    conn = psycopg.connect(database_url)
    conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(schema)))
    conn.commit()
    return conn
