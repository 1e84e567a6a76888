"""`review_assignments`: one row per reviewer and case, for the reviewer's own queue and the workload of each.

Kept by the `review_cases` projection (the same position), so an assignment never arrives before its case row. A
reviewer is named by the keyed subject of their address (`RosterMember.subject`), never by the address or name, so
the table holds nothing readable about them and needs no scrub when they are erased. A table from before, keyed by
the plain address, is dropped at start-up with the queue's position, so the projection is built again from the
event store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import case_events as ev
from .stamps import timestamp_of

DDL = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
               AND table_name = 'review_assignments' AND column_name = 'reviewer_email') THEN
        DROP TABLE review_assignments;
        TRUNCATE review_cases;
        DELETE FROM projection_positions WHERE name = 'review_cases';
    END IF;
END $$;
CREATE TABLE IF NOT EXISTS review_assignments (
    case_id uuid NOT NULL,
    reviewer_subject text NOT NULL,
    tenant text NOT NULL,
    slot integer NOT NULL,
    status text NOT NULL,
    assigned_at timestamptz NOT NULL,
    answered_at timestamptz,
    recommendation text,
    recommended_at timestamptz,
    PRIMARY KEY (case_id, reviewer_subject)
);
CREATE INDEX IF NOT EXISTS review_assignments_by_reviewer ON review_assignments (tenant, reviewer_subject, assigned_at);
"""


async def apply_to_assignments(conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
    case_id, at = event.originator_id, timestamp_of(event)
    if isinstance(event, ev.ReviewerAssigned):
        await conn.execute(
            "INSERT INTO review_assignments (case_id, reviewer_subject, tenant, slot, status, assigned_at) "
            "SELECT $1, $2, tenant, $3, 'invited', $4 FROM review_cases WHERE id = $1 "
            "ON CONFLICT (case_id, reviewer_subject) DO UPDATE SET slot = EXCLUDED.slot, status = 'invited', "
            "assigned_at = EXCLUDED.assigned_at, answered_at = NULL, recommendation = NULL, recommended_at = NULL",
            case_id, event.reviewer.subject, event.slot, at,
        )
    elif isinstance(event, ev.AssignmentAnswered):
        await conn.execute(
            "UPDATE review_assignments SET status = $3, answered_at = $4 WHERE case_id = $1 AND reviewer_subject = $2",
            case_id, event.reviewer.subject, "accepted" if event.accepted else "declined", at,
        )
    elif isinstance(event, ev.ReviewerWithdrawn):
        await conn.execute(
            "UPDATE review_assignments SET status = 'withdrawn' WHERE case_id = $1 AND reviewer_subject = $2",
            case_id, event.reviewer.subject,
        )
    elif isinstance(event, ev.Withdrawn):
        await conn.execute(
            "UPDATE review_assignments SET status = 'closed' WHERE case_id = $1 "
            "AND reviewer_subject = ANY($2::text[])", case_id, [reviewer.subject for reviewer in event.reviewers],
        )
    elif isinstance(event, ev.RecommendationSubmitted):
        await conn.execute(
            "UPDATE review_assignments SET recommendation = $3, recommended_at = $4 "
            "WHERE case_id = $1 AND reviewer_subject = $2", case_id, event.reviewer.subject, event.recommendation, at,
        )


@dataclass(frozen=True)
class AssignmentRow:
    case_id: UUID
    application_id: UUID
    applicant_name: str | None
    category: str
    category_name: str
    case_status: str
    slot: int
    status: str
    assigned_at: datetime
    answered_at: datetime | None
    recommendation: str | None
    recommended_at: datetime | None
    cycle: str | None


async def list_assignments(pool: asyncpg.Pool, tenant: str, reviewer: str) -> list[AssignmentRow]:
    """A reviewer's (by subject) live assignments (invited or accepted), oldest first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.case_id, c.application_id, c.applicant_name, c.category, c.category_name, "
            "c.status AS case_status, a.slot, a.status, a.assigned_at, a.answered_at, a.recommendation, "
            "a.recommended_at, c.cycle FROM review_assignments a JOIN review_cases c ON c.id = a.case_id "
            "WHERE a.tenant = $1 AND a.reviewer_subject = $2 AND a.status IN ('invited', 'accepted') "
            "ORDER BY a.assigned_at, a.case_id",
            tenant, reviewer,
        )
    return [AssignmentRow(**dict(row)) for row in rows]


async def workloads(pool: asyncpg.Pool, tenant: str) -> dict[str, int]:
    """Open work per reviewer (by subject): live assignments without a recommendation on cases still in review."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.reviewer_subject, count(*) AS open FROM review_assignments a "
            "JOIN review_cases c ON c.id = a.case_id WHERE a.tenant = $1 AND a.status IN ('invited', 'accepted') "
            "AND a.recommendation IS NULL AND c.status = 'in_review' GROUP BY a.reviewer_subject",
            tenant,
        )
    return {str(r["reviewer_subject"]): int(r["open"]) for r in rows}
