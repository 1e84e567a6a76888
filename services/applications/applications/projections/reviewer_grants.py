"""The `application_reviewer_grants` table: the reviewers who may read each application now (for their listing), a
row per grant until it ends or the application is settled (decided or withdrawn).

A reviewer is the keyed subject of their address (`domain/reviewer_access.py`), never the address. The table replaces
`application_reviewers`, which held addresses: a projection of its own name, it is built from the start of the event
log the first time it runs (older grants read with their subjects through their upcasters).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Application
from ..domain.lifecycle import SETTLED
from ..domain.outcomes import ReviewOutcomes

REVIEWER_GRANTS = "application_reviewer_grants"

DDL = f"""
CREATE TABLE IF NOT EXISTS {REVIEWER_GRANTS} (
    application_id uuid NOT NULL,
    reviewer text NOT NULL,
    review_case_id uuid NOT NULL,
    PRIMARY KEY (application_id, reviewer)
);
CREATE INDEX IF NOT EXISTS application_reviewer_grants_by_reviewer ON {REVIEWER_GRANTS} (reviewer, application_id);
"""


class ReviewerGrantsTable:
    """Projection of the reviewer access events, and of what settles an application, into the grants table."""

    name: str = REVIEWER_GRANTS
    tables: tuple[str, ...] = (REVIEWER_GRANTS,)
    ddl: str = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Application.ReviewerAccessGranted):
            await conn.execute(
                f"INSERT INTO {REVIEWER_GRANTS} (application_id, reviewer, review_case_id) VALUES ($1, $2, $3)"
                " ON CONFLICT (application_id, reviewer) DO UPDATE SET review_case_id = EXCLUDED.review_case_id",
                event.originator_id, event.reviewer, event.review_case_id,
            )
        elif isinstance(event, Application.ReviewerAccessEnded):
            await conn.execute(f"DELETE FROM {REVIEWER_GRANTS} WHERE application_id = $1 AND reviewer = $2",
                               event.originator_id, event.reviewer)
        elif isinstance(event, Application.Withdrawn) or (
                isinstance(event, ReviewOutcomes.ReviewOutcome) and event.status_after in SETTLED):
            # a decided or withdrawn application is no reviewer's to read
            await conn.execute(f"DELETE FROM {REVIEWER_GRANTS} WHERE application_id = $1", event.originator_id)
