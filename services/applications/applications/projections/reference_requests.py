"""The `reference_requests` table: references waiting for their rater, for the reminder sweep.

One row per reference; `waiting` is true while the rater has not answered and the reference holds its slot.
The sweep asks for rows whose last email is old enough; the aggregate decides whether a reminder is due.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Application
from ..domain.reference_events import (
    RaterNamed,
    RaterVetted,
    ReferenceAnswered,
    ReferenceDeclined,
    ReferenceRequestedAgain,
    ReferenceWithdrawn,
)

DDL = """
CREATE TABLE IF NOT EXISTS reference_requests (
    reference_id uuid PRIMARY KEY,
    application_id uuid NOT NULL,
    tenant text NOT NULL,
    waiting boolean NOT NULL,
    last_requested_at timestamptz NOT NULL,
    reminders_sent integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS reference_requests_waiting
    ON reference_requests (last_requested_at) WHERE waiting;
CREATE INDEX IF NOT EXISTS reference_requests_by_application ON reference_requests (application_id);
"""


class ReferenceRequestsTable:
    name: str = "reference_requests"
    tables: tuple[str, ...] = ("reference_requests",)
    ddl: str = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, RaterNamed):
            await conn.execute(
                "INSERT INTO reference_requests (reference_id, application_id, tenant, waiting, last_requested_at)"
                " VALUES ($1, $2, $3, true, $4) ON CONFLICT (reference_id) DO NOTHING",
                event.reference_id, event.originator_id, event.tenant, event.at,
            )
        elif isinstance(event, ReferenceRequestedAgain):
            await conn.execute(
                "UPDATE reference_requests SET last_requested_at = $2,"
                " reminders_sent = CASE WHEN $3 THEN reminders_sent + 1 ELSE 0 END WHERE reference_id = $1",
                event.reference_id, event.at, event.reminder,
            )
        elif isinstance(event, ReferenceAnswered | ReferenceWithdrawn | ReferenceDeclined) or (
                isinstance(event, RaterVetted) and not event.approved):
            await conn.execute("UPDATE reference_requests SET waiting = false WHERE reference_id = $1",
                               event.reference_id)
        elif isinstance(event, Application.Withdrawn):
            await conn.execute("UPDATE reference_requests SET waiting = false WHERE application_id = $1",
                               event.originator_id)


async def due_for_reminder(pool: asyncpg.Pool, requested_before: datetime, max_reminders: int,
                           limit: int = 500) -> list[tuple[UUID, UUID]]:
    """(application id, reference id) of waiting references last emailed before `requested_before`."""
    rows = await pool.fetch(
        "SELECT application_id, reference_id FROM reference_requests WHERE waiting AND last_requested_at <= $1"
        " AND reminders_sent < $2 ORDER BY last_requested_at LIMIT $3",
        requested_before, max_reminders, limit,
    )
    return [(row["application_id"], row["reference_id"]) for row in rows]
