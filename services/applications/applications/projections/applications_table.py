"""The `applications` table: one row per application, for listing and filtering (the reviewers who may read each
one now are `reviewer_grants.py`'s)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Application, Status
from ..domain.erasure import Erasure
from ..domain.outcomes import ReviewOutcomes
from ..domain.values import account_of_subject

DDL = """
CREATE TABLE IF NOT EXISTS applications (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    applicant_account_id uuid NOT NULL,
    applicant_name text NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    submission_number integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    submitted_at timestamptz
);
CREATE INDEX IF NOT EXISTS applications_by_tenant
    ON applications (tenant, created_at DESC, id);
CREATE INDEX IF NOT EXISTS applications_by_applicant
    ON applications (tenant, applicant_account_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS applications_by_status
    ON applications (tenant, status, created_at DESC, id);
CREATE INDEX IF NOT EXISTS applications_by_category
    ON applications (tenant, category, created_at DESC, id);
ALTER TABLE applications ALTER COLUMN applicant_name DROP NOT NULL;
DROP TABLE IF EXISTS application_reviewers;
"""
# applicant_name: NULL once the applicant is erased (the DROP NOT NULL upgrades tables made before erasure)
# application_reviewers held reviewers' addresses: `application_reviewer_grants` (reviewer_grants.py) replaces it


class ApplicationsTable:
    """Projection of Application events into the `applications` table."""

    name: str = "applications"
    tables: tuple[str, ...] = ("applications",)
    ddl: str = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Application.Started):
            await conn.execute(
                "INSERT INTO applications (id, tenant, applicant_account_id, applicant_name, category, status,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING",
                event.originator_id, event.tenant, event.applicant.account_id, event.applicant.name,
                event.category, Status.DRAFT.value, event.timestamp,
            )
        elif isinstance(event, Application.Submitted):
            await conn.execute(
                "UPDATE applications SET status = $2, submission_number = $3, submitted_at = $4, updated_at = $5"
                " WHERE id = $1",
                event.originator_id, Status.SUBMITTED.value, event.submission_number, event.submitted_at,
                event.timestamp,
            )
        elif isinstance(event, Application.Registered | Application.RegistrationAccepted):
            status = Status.REGISTERED if isinstance(event, Application.Registered) else Status.ACCEPTED
            await conn.execute("UPDATE applications SET status = $2, updated_at = $3 WHERE id = $1",
                               event.originator_id, status.value, event.timestamp)
        elif isinstance(event, Application.Withdrawn):
            await conn.execute(
                "UPDATE applications SET status = $2, updated_at = $3 WHERE id = $1",
                event.originator_id, Status.WITHDRAWN.value, event.timestamp,
            )
        elif isinstance(event, ReviewOutcomes.ReviewOutcome) and event.status_after is not None:
            await conn.execute("UPDATE applications SET status = $2, updated_at = $3 WHERE id = $1",
                               event.originator_id, event.status_after.value, event.timestamp)
        elif isinstance(event, Erasure.SubjectErased):
            account_id = account_of_subject(event.subject)
            if account_id is not None:
                await conn.execute("UPDATE applications SET applicant_name = NULL"
                                   " WHERE tenant = $1 AND applicant_account_id = $2", event.tenant, account_id)
        elif isinstance(event, Application.Event):  # any change on a tab
            await conn.execute("UPDATE applications SET updated_at = $2 WHERE id = $1",
                               event.originator_id, event.timestamp)
