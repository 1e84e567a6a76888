"""`review_cases`: the coordinator's queue, one row per case, filterable by status and category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import ReviewCase

DDL = """
CREATE TABLE IF NOT EXISTS review_cases (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    application_id uuid NOT NULL,
    submission_number integer NOT NULL,
    applicant_name text NOT NULL,
    category text NOT NULL,
    category_name text NOT NULL,
    status text NOT NULL,
    received_at timestamptz NOT NULL,
    opened_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by uuid
);
CREATE INDEX IF NOT EXISTS review_cases_queue ON review_cases (tenant, status, opened_at);
CREATE INDEX IF NOT EXISTS review_cases_application ON review_cases (tenant, application_id, submission_number);
"""

COLUMNS = ("id, application_id, submission_number, applicant_name, category, category_name, status, "
           "received_at, opened_at, decided_at, decided_by")


class ReviewCasesProjection:
    name = "review_cases"
    tables: tuple[str, ...] = ("review_cases",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, ReviewCase.Opened):
            await conn.execute(
                "INSERT INTO review_cases (id, tenant, application_id, submission_number, applicant_name, "
                "category, category_name, status, received_at, opened_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) ON CONFLICT (id) DO NOTHING",
                event.originator_id, event.tenant, event.application_id, event.submission_number,
                event.applicant.name, event.category, event.category_name, event.received_at, event.timestamp,
            )
        elif isinstance(event, ReviewCase.Approved):
            await conn.execute(
                "UPDATE review_cases SET status = 'approved', decided_at = $2, decided_by = $3 WHERE id = $1",
                event.originator_id, event.timestamp, event.by.account_id,
            )


@dataclass(frozen=True)
class CaseQuery:
    tenant: str
    status: str | None = None
    category: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class CaseRow:
    id: UUID
    application_id: UUID
    submission_number: int
    applicant_name: str
    category: str
    category_name: str
    status: str
    received_at: datetime
    opened_at: datetime
    decided_at: datetime | None
    decided_by: UUID | None


async def list_cases(pool: asyncpg.Pool, query: CaseQuery) -> tuple[list[CaseRow], int]:
    """One page of a tenant's cases, oldest first (the order they are worked), and how many match in all."""
    where = ["tenant = $1"]
    args: list[Any] = [query.tenant]
    if query.status is not None:
        args.append(query.status)
        where.append(f"status = ${len(args)}")
    if query.category is not None:
        args.append(query.category)
        where.append(f"category = ${len(args)}")
    condition = " AND ".join(where)
    async with pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM review_cases WHERE {condition}", *args)
        rows = await conn.fetch(
            f"SELECT {COLUMNS} FROM review_cases WHERE {condition} ORDER BY opened_at, id "
            f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
            *args, query.limit, query.offset,
        )
    return [CaseRow(**dict(row)) for row in rows], int(total)


async def find_latest_case_id(pool: asyncpg.Pool, tenant: str, application_id: UUID) -> UUID | None:
    """The case of the application's latest submission known to the queue."""
    async with pool.acquire() as conn:
        value = await conn.fetchval(
            "SELECT id FROM review_cases WHERE tenant = $1 AND application_id = $2 "
            "ORDER BY submission_number DESC LIMIT 1",
            tenant, application_id,
        )
    return None if value is None else UUID(str(value))
