"""`review_cases`: the coordinator's queue, one row per case, filterable by status, category, kind and review
cycle (and whether the case still waits for its cycle to open)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import ReviewCase
from ..domain import case_events as ev
from ..domain.erasure import Erasure
from .assignments import DDL as ASSIGNMENTS_DDL
from .assignments import apply_to_assignments
from .stamps import timestamp_of

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
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS latest_submission integer;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS status_since timestamptz;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS resume_status text;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS kind text;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS cycle text;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS cycle_opens_at timestamptz;
ALTER TABLE review_cases ADD COLUMN IF NOT EXISTS applicant_account_id uuid;
ALTER TABLE review_cases ALTER COLUMN applicant_name DROP NOT NULL;
CREATE INDEX IF NOT EXISTS review_cases_applicant ON review_cases (tenant, applicant_account_id);
CREATE INDEX IF NOT EXISTS review_cases_cycle ON review_cases (tenant, cycle, status);
CREATE INDEX IF NOT EXISTS review_cases_queue ON review_cases (tenant, status, opened_at);
CREATE INDEX IF NOT EXISTS review_cases_application ON review_cases (tenant, application_id, submission_number);
"""

COLUMNS = ("id, application_id, submission_number, coalesce(latest_submission, submission_number) AS "
           "latest_submission, applicant_name, category, category_name, status, received_at, opened_at, "
           "coalesce(status_since, opened_at) AS status_since, decided_at, decided_by, "
           "coalesce(kind, 'initial') AS kind, cycle, cycle_opens_at")

SIMPLE_STATUS: dict[type[Any], str] = {
    ev.CompletenessPassed: "in_review",
    ev.ApprovedForExam: "approved_for_exam",
}
DECIDED_STATUS: dict[type[Any], str] = {
    ReviewCase.Approved: "approved",
    ev.ApprovedAsEmerging: "approved",
    ev.Deferred: "deferred",
    ev.Denied: "denied",
    ev.RenewalCaseApproved: "approved",
    ev.ReinstatementCaseApproved: "approved",
}


class ReviewCasesProjection:
    """The queue and the reviewers' assignments, kept at one position."""

    name = "review_cases"
    tables: tuple[str, ...] = ("review_cases", "review_assignments")
    ddl = DDL + ASSIGNMENTS_DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        await self._apply_to_cases(conn, event)
        await apply_to_assignments(conn, event)

    async def _apply_to_cases(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        case_id, at = event.originator_id, timestamp_of(event)
        kind = type(event)
        if isinstance(event, Erasure.SubjectErased):
            await conn.execute("UPDATE review_cases SET applicant_name = NULL WHERE tenant = $1 AND "
                               "applicant_account_id = $2", event.tenant, event.account_id)
        elif isinstance(event, ReviewCase.Opened):
            await conn.execute(
                "INSERT INTO review_cases (id, tenant, application_id, submission_number, latest_submission, "
                "applicant_name, category, category_name, status, received_at, opened_at, status_since, kind, cycle, "
                "cycle_opens_at, applicant_account_id) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, 'open', $8, $9, $9, "
                "$10, $11, $12, $13) ON CONFLICT (id) DO NOTHING",
                case_id, event.tenant, event.application_id, event.submission_number,
                event.applicant.name, event.category, event.category_name, event.received_at, at,
                event.kind, event.cycle, event.cycle_opens_at, event.applicant.account_id,
            )
        elif kind in DECIDED_STATUS:
            decision: Any = event  # every decision event records `by`
            await conn.execute(
                "UPDATE review_cases SET status = $2, status_since = $3, decided_at = $3, decided_by = $4 "
                "WHERE id = $1", case_id, DECIDED_STATUS[kind], at, decision.by.account_id,
            )
        elif kind in SIMPLE_STATUS:
            await self._status(conn, case_id, SIMPLE_STATUS[kind], at)
        elif isinstance(event, ev.Withdrawn):
            await conn.execute("UPDATE review_cases SET status = 'withdrawn', status_since = $2, resume_status = NULL "
                               "WHERE id = $1", case_id, at)
        elif isinstance(event, ev.ReturnedIncomplete | ev.InformationRequested):
            await conn.execute(
                "UPDATE review_cases SET resume_status = CASE WHEN $4 THEN 'open' ELSE status END, status = $2, "
                "status_since = $3 WHERE id = $1",
                case_id, "returned" if isinstance(event, ev.ReturnedIncomplete) else "on_hold", at,
                isinstance(event, ev.ReturnedIncomplete),
            )
        elif isinstance(event, ev.InformationReceived):
            await conn.execute(
                "UPDATE review_cases SET status = coalesce(resume_status, 'open'), resume_status = NULL, "
                "latest_submission = $2, status_since = $3 WHERE id = $1", case_id, event.submission_number, at,
            )
        elif isinstance(event, ev.ReviewConcluded):
            await self._status(conn, case_id, "recommended" if event.conclusion == "consensus" else "escalated", at)
        elif isinstance(event, ev.ExamScored) and event.passed:
            await self._status(conn, case_id, "exam_passed", at)

    @staticmethod
    async def _status(conn: asyncpg.Connection, case_id: UUID, status: str, at: datetime) -> None:
        await conn.execute("UPDATE review_cases SET status = $2, status_since = $3 WHERE id = $1",
                           case_id, status, at)


@dataclass(frozen=True)
class CaseQuery:
    tenant: str
    now: datetime
    """The moment that decides which cases still wait for their cycle."""
    status: str | None = None
    category: str | None = None
    kind: str | None = None
    cycle: str | None = None
    waiting: bool | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class CaseRow:
    id: UUID
    application_id: UUID
    submission_number: int
    latest_submission: int
    applicant_name: str | None
    category: str
    category_name: str
    status: str
    received_at: datetime
    opened_at: datetime
    status_since: datetime
    decided_at: datetime | None
    decided_by: UUID | None
    kind: str
    cycle: str | None
    cycle_opens_at: datetime | None
    waiting: bool


async def list_cases(pool: asyncpg.Pool, query: CaseQuery) -> tuple[list[CaseRow], int]:
    """One page of a tenant's cases, oldest first (the order they are worked), and how many match in all."""
    where = ["tenant = $1"]
    args: list[Any] = [query.tenant]
    for column, value in (("status", query.status), ("category", query.category),
                          ("coalesce(kind, 'initial')", query.kind), ("cycle", query.cycle)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if query.waiting is not None:
        args.append(query.now)
        waits = f"coalesce(cycle_opens_at > ${len(args)}, false)"
        where.append(waits if query.waiting else f"NOT {waits}")
    condition = " AND ".join(where)
    n = len(args)
    async with pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM review_cases WHERE {condition}", *args)
        rows = await conn.fetch(
            f"SELECT {COLUMNS}, coalesce(cycle_opens_at > ${n + 1}, false) AS waiting FROM review_cases "
            f"WHERE {condition} ORDER BY opened_at, id LIMIT ${n + 2} OFFSET ${n + 3}",
            *args, query.now, query.limit, query.offset,
        )
    return [CaseRow(**dict(row)) for row in rows], int(total)


async def find_latest_case_id(pool: asyncpg.Pool, tenant: str, application_id: UUID) -> UUID | None:
    """The case of the application's latest submission known to the queue (a resumed case counts with the
    submission that resumed it)."""
    async with pool.acquire() as conn:
        value = await conn.fetchval(
            "SELECT id FROM review_cases WHERE tenant = $1 AND application_id = $2 "
            "ORDER BY coalesce(latest_submission, submission_number) DESC LIMIT 1",
            tenant, application_id,
        )
    return None if value is None else UUID(str(value))
