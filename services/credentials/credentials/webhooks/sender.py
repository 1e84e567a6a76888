"""Delivers queued webhook events: POSTs each, signed, and retries failures with exponential backoff.

A subscription's deliveries go out one at a time in the order of their events (a failing delivery holds
back the later ones of that subscription until it succeeds or becomes a dead letter), so a partner never
sees a credential's older state after its newer one. A claimed delivery is leased for a while: should the
process die mid-request, another instance (or this one, restarted) takes it up after the lease. After
`max_attempts` failures a delivery is a dead letter (`state = 'failed'`), listed for the coordinator.

A delivery's body goes once it ends (delivered or dead): partners keep their copy, this service keeps the
stored event. A pending delivery whose body was emptied (its holder was erased) is rebuilt from the stored
event before it is sent (`rebuild`, the fan-out's `body_of`): the same bytes the fan-out queued.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
from servicekit.metrics import WEBHOOK_FAILURES

from credentials.webhooks.cloudevent import MEDIA_TYPE
from credentials.webhooks.sealing import SecretBox, SecretKeyError, is_sealed
from credentials.webhooks.signature import HEADER, signature_header

USER_AGENT = "endorsement-credentials-webhooks/1"
MAX_ERROR_LENGTH = 500

CLAIM = """
WITH heads AS (
    SELECT DISTINCT ON (subscription_id) id FROM webhook_deliveries
    WHERE state = 'pending' ORDER BY subscription_id, sequence
)
SELECT d.id, s.url, s.secret, d.event_id, d.body, d.attempts, s.id, d.sequence
FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
WHERE d.id IN (SELECT id FROM heads) AND d.next_attempt_at <= %(now)s
  AND (d.locked_until IS NULL OR d.locked_until < %(now)s) AND s.deleted_at IS NULL
ORDER BY d.next_attempt_at LIMIT %(limit)s
FOR UPDATE OF d SKIP LOCKED
"""

DELIVERED = """
UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = %(now)s,
    last_status = %(status)s, last_error = NULL, locked_until = NULL, body = NULL
WHERE id = %(id)s
"""

FAILED = """
UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = %(status)s, last_error = %(error)s,
    locked_until = NULL, next_attempt_at = %(retry_at)s,
    state = CASE WHEN %(dead)s THEN 'failed' ELSE 'pending' END,
    failed_at = CASE WHEN %(dead)s THEN %(now)s ELSE NULL END,
    body = CASE WHEN %(dead)s THEN NULL ELSE body END
WHERE id = %(id)s
"""


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 10.0
    max_seconds: float = 3600.0
    max_attempts: int = 12

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure: base, 2 x base, 4 x base, ... up to max_seconds."""
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


@dataclass(frozen=True)
class Delivery:
    id: int
    url: str
    stored_secret: str
    """As stored: sealed (see `sealing`), opened only to sign."""
    event_id: str
    body: bytes | None
    """None once emptied (its holder was erased): rebuilt from the stored event `sequence` before sending."""
    attempts: int
    subscription_id: uuid.UUID
    sequence: int


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


Rebuild = Callable[[int], bytes | None]
"""The body of the delivery of stored event number `sequence` (None when that event has no partner event)."""


class WebhookSender:
    def __init__(self, client: httpx.Client, policy: RetryPolicy, box: SecretBox | None, rebuild: Rebuild, *,
                 lease_seconds: float = 120.0, batch_size: int = 20, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.box = box
        self.rebuild = rebuild
        self.policy = policy
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.clock = clock
        self.delivered = 0
        self.failed_attempts = 0

    def run_once(self, conn: psycopg.Connection) -> int:
        """Deliver the due deliveries (one per subscription); returns how many were attempted."""
        due = self._claim(conn)
        for delivery in due:
            outcome = self._post(delivery)
            self._record(conn, delivery, outcome)
        return len(due)

    def _claim(self, conn: psycopg.Connection) -> list[Delivery]:
        now = self._now()
        with conn.transaction():
            rows = conn.execute(CLAIM, {"now": now, "limit": self.batch_size}).fetchall()
            due = [Delivery(row[0], row[1], row[2], row[3], None if row[4] is None else bytes(row[4]), row[5], row[6],
                            row[7]) for row in rows]
            if due:
                conn.execute("UPDATE webhook_deliveries SET locked_until = %s WHERE id = ANY(%s)",
                             (now + self.lease, [delivery.id for delivery in due]))
        return due

    def _post(self, delivery: Delivery) -> Outcome:
        try:
            secret = self._secret(delivery)
        except SecretKeyError as error:
            return Outcome(None, str(error))
        body = delivery.body if delivery.body is not None else self.rebuild(delivery.sequence)
        if body is None:
            return Outcome(None, f"the body of stored event {delivery.sequence} cannot be rebuilt")
        headers = {
            "Content-Type": f"{MEDIA_TYPE}; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Webhook-Id": delivery.event_id,
            HEADER: signature_header(secret, body, int(self.clock())),
        }
        try:
            response = self.client.post(delivery.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            return Outcome(None, f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH])
        if 200 <= response.status_code < 300:
            return Outcome(response.status_code, None)
        return Outcome(response.status_code, f"HTTP {response.status_code}")

    def _secret(self, delivery: Delivery) -> str:
        if self.box is None:
            if is_sealed(delivery.stored_secret):
                raise SecretKeyError("the webhook secret is sealed and CREDENTIALS_WEBHOOK_SECRET_KEY is not set")
            return delivery.stored_secret
        return self.box.open(delivery.stored_secret, delivery.subscription_id)

    def _record(self, conn: psycopg.Connection, delivery: Delivery, outcome: Outcome) -> None:
        now = self._now()
        with conn.transaction():
            if outcome.succeeded:
                conn.execute(DELIVERED, {"id": delivery.id, "now": now, "status": outcome.status})
                self.delivered += 1
                return
            attempts = delivery.attempts + 1
            WEBHOOK_FAILURES.inc()
            conn.execute(FAILED, {
                "id": delivery.id, "now": now, "status": outcome.status, "error": outcome.error,
                "retry_at": now + self.policy.delay(attempts), "dead": attempts >= self.policy.max_attempts,
            })
            self.failed_attempts += 1

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)
