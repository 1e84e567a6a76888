"""Webhook subscriptions as coordinators manage them (asyncpg, on the API's pool).

The secret is generated here and returned once, at registration; it is stored sealed (`sealing`) to sign
deliveries and never shown again. Deleting a subscription cancels its pending deliveries (their bodies are
emptied); its history stays.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from credentials.webhooks.sealing import SecretBox

MAX_ACTIVE_PER_TENANT = 20
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that marks secrets in logs and leaks, not a secret
FAILURES_SHOWN = 100

LIST = """
SELECT s.id, s.partner, s.url, s.created_at, s.created_by,
       count(d.id) FILTER (WHERE d.state = 'pending') AS pending,
       count(d.id) FILTER (WHERE d.state = 'delivered') AS delivered,
       count(d.id) FILTER (WHERE d.state = 'failed') AS failed
FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d ON d.subscription_id = s.id
WHERE s.tenant = $1 AND s.deleted_at IS NULL
GROUP BY s.id ORDER BY s.created_at
"""

FAILURES = """
SELECT event_id, event_type, subject, attempts, last_status, last_error, created_at, failed_at
FROM webhook_deliveries WHERE subscription_id = $1 AND state = 'failed'
ORDER BY failed_at DESC LIMIT $2
"""


class TooManySubscriptionsError(Exception):
    pass


class SecretKeyMissingError(Exception):
    """No CREDENTIALS_WEBHOOK_SECRET_KEY: secrets cannot be stored, so nothing can be registered."""


class WebhookRegistry:
    def __init__(self, pool: asyncpg.Pool, box: SecretBox | None) -> None:
        self.pool = pool
        self.box = box

    async def create(self, tenant: str, partner: str, url: str, by: uuid.UUID, now: datetime) -> dict[str, Any]:
        """The new subscription, with its secret (the only time it is shown)."""
        if self.box is None:
            raise SecretKeyMissingError("webhooks need CREDENTIALS_WEBHOOK_SECRET_KEY, which is not configured")
        subscription_id, secret = uuid.uuid4(), SECRET_PREFIX + secrets.token_urlsafe(32)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('webhooks/' || $1))", tenant)
            active = await conn.fetchval(
                "SELECT count(*) FROM webhook_subscriptions WHERE tenant = $1 AND deleted_at IS NULL", tenant)
            if active >= MAX_ACTIVE_PER_TENANT:
                raise TooManySubscriptionsError(f"a tenant has at most {MAX_ACTIVE_PER_TENANT} webhooks")
            await conn.execute(
                "INSERT INTO webhook_subscriptions (id, tenant, partner, url, secret, created_at, created_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)", subscription_id, tenant, partner, url,
                self.box.seal(secret, subscription_id), now, by)
        return {"id": str(subscription_id), "partner": partner, "url": url, "created_at": now.isoformat(),
                "secret": secret}

    async def get_all(self, tenant: str) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(LIST, tenant)
        return [
            {"id": str(row["id"]), "partner": row["partner"], "url": row["url"],
             "created_at": row["created_at"].isoformat(), "created_by": str(row["created_by"]),
             "deliveries": {"pending": row["pending"], "delivered": row["delivered"], "failed": row["failed"]}}
            for row in rows
        ]

    async def delete(self, tenant: str, subscription_id: uuid.UUID, by: uuid.UUID, now: datetime) -> bool:
        async with self.pool.acquire() as conn, conn.transaction():
            deleted = await conn.fetchval(
                "UPDATE webhook_subscriptions SET deleted_at = $3, deleted_by = $4 "
                "WHERE id = $1 AND tenant = $2 AND deleted_at IS NULL RETURNING id", subscription_id, tenant, now, by)
            if deleted is None:
                return False
            await conn.execute("UPDATE webhook_deliveries SET state = 'cancelled', body = NULL "
                               "WHERE subscription_id = $1 AND state = 'pending'", subscription_id)
        return True

    async def failures(self, tenant: str, subscription_id: uuid.UUID) -> list[dict[str, Any]] | None:
        """The subscription's dead letters, newest first; None when the tenant has no such subscription."""
        async with self.pool.acquire() as conn:
            owned = await conn.fetchval("SELECT 1 FROM webhook_subscriptions WHERE id = $1 AND tenant = $2",
                                        subscription_id, tenant)
            if owned is None:
                return None
            rows = await conn.fetch(FAILURES, subscription_id, FAILURES_SHOWN)
        return [
            {"event_id": row["event_id"], "type": row["event_type"], "subject": row["subject"],
             "attempts": row["attempts"], "last_status": row["last_status"], "last_error": row["last_error"],
             "queued_at": row["created_at"].isoformat(), "failed_at": row["failed_at"].isoformat()}
            for row in rows
        ]
