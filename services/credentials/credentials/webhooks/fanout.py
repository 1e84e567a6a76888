"""The webhook fan-out: follows the notification log and queues one delivery per partner event and
active subscription of its tenant.

Its position is a row in the same database, updated in the same transaction as the queued deliveries
(and locked while a batch is queued, so two instances never queue the same batch twice; a delivery is
unique per subscription and event id anyway). A subscription receives the events stored after it was
registered.
"""

from __future__ import annotations

from datetime import datetime

import psycopg
from endorsement_contracts import IntegrationEvent
from eventsourcing.persistence import Notification
from servicekit.eventstore import TrackedApplication
from servicekit.outbox import Translator, event_id

from credentials.webhooks.cloudevent import structured_event

POSITION_NAME = "webhooks"

QUEUE = """
INSERT INTO webhook_deliveries (subscription_id, sequence, event_id, event_type, subject, body, next_attempt_at,
                                created_at)
SELECT id, %(sequence)s, %(event_id)s, %(event_type)s, %(subject)s, %(body)s, %(now)s, %(now)s
FROM webhook_subscriptions WHERE tenant = %(tenant)s AND deleted_at IS NULL
ON CONFLICT (subscription_id, event_id) DO NOTHING
"""


class WebhookFanOut:
    def __init__(self, app: TrackedApplication, translate: Translator, *, source: str, batch_size: int = 100) -> None:
        self.app = app
        self.translate = translate
        self.source = source
        self.batch_size = batch_size
        self.queued = 0

    def run_once(self, conn: psycopg.Connection, now: datetime) -> int:
        """Queue the deliveries of one batch of notifications; returns how many notifications it read."""
        with conn.transaction():
            conn.execute("INSERT INTO webhook_positions (name, position) VALUES (%s, 0) ON CONFLICT DO NOTHING",
                         (POSITION_NAME,))
            row = conn.execute("SELECT position FROM webhook_positions WHERE name = %s FOR UPDATE",
                               (POSITION_NAME,)).fetchone()
            position = int(row[0]) if row else 0
            notifications = self.app.process_recorder.select_notifications(start=position + 1,
                                                                            limit=self.batch_size)
            for notification in notifications:
                self._queue(conn, notification, now)
            if notifications:
                conn.execute("UPDATE webhook_positions SET position = %s WHERE name = %s",
                             (notifications[-1].id, POSITION_NAME))
        return len(notifications)

    def body_of(self, sequence: int) -> bytes | None:
        """The body of stored event number `sequence` as `_queue` made it (a deterministic translation), for a
        delivery whose body was emptied; None when there is no such event or it has no partner event."""
        notifications = self.app.process_recorder.select_notifications(start=sequence, limit=1)
        if not notifications or notifications[0].id != sequence:
            return None
        built = self._build(notifications[0])
        return None if built is None else built[1]

    def _build(self, notification: Notification) -> tuple[IntegrationEvent, bytes] | None:
        partner_event = self.translate(self.app.mapper.to_domain_event(notification))
        if partner_event is None:
            return None
        identifier = event_id(self.source, notification)
        return partner_event, structured_event(partner_event, event_id=identifier, source=self.source,
                                               sequence=notification.id)

    def _queue(self, conn: psycopg.Connection, notification: Notification, now: datetime) -> None:
        built = self._build(notification)
        if built is None:
            return
        partner_event, body = built
        identifier = event_id(self.source, notification)
        cursor = conn.execute(QUEUE, {
            "sequence": notification.id, "event_id": str(identifier), "event_type": partner_event.type_name(),
            "subject": partner_event.key, "body": body, "now": now, "tenant": partner_event.tenant,
        })
        self.queued += max(cursor.rowcount, 0)
