"""`examinations` (the coordinator's exam queue and the examinee's own) and `exam_scoring` (each scorer's queue).

`exam_scoring` holds what a scorer may see (candidate number, responses' reference, due date) and the examination
it belongs to, which only the service uses to find it: scorers are never told. The scorer is named by the keyed
subject of their address (`RosterMember.subject`), never by the address: nothing readable about them is kept here.
Tables from before, keyed by the plain address, are dropped at start-up with the projection's position, so it is
built again from the event store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain.erasure import Erasure
from ..domain.examination import events as ev
from ..domain.examination.aggregate import Examination
from .stamps import timestamp_of

DDL = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
               AND table_name = 'exam_scoring' AND column_name = 'scorer_email') THEN
        DROP TABLE exam_scoring;
        TRUNCATE examinations;
        DELETE FROM projection_positions WHERE name = 'examinations';
    END IF;
END $$;
CREATE TABLE IF NOT EXISTS examinations (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    review_case_id uuid NOT NULL,
    application_id uuid NOT NULL,
    applicant_account_id uuid NOT NULL,
    applicant_name text NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    sitting date,
    candidate_number text,
    opened_at timestamptz NOT NULL,
    status_since timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS examinations_queue ON examinations (tenant, status, sitting);
CREATE INDEX IF NOT EXISTS examinations_applicant ON examinations (tenant, applicant_account_id);
CREATE TABLE IF NOT EXISTS exam_scoring (
    assignment_id uuid PRIMARY KEY,
    exam_id uuid NOT NULL,
    tenant text NOT NULL,
    scorer_subject text NOT NULL,
    slot integer NOT NULL,
    candidate_number text NOT NULL,
    responses_ref text NOT NULL,
    vignettes integer NOT NULL,
    due_on date NOT NULL,
    status text NOT NULL,
    assigned_at timestamptz NOT NULL,
    scored_at timestamptz
);
CREATE INDEX IF NOT EXISTS exam_scoring_by_scorer ON exam_scoring (tenant, scorer_subject, status, due_on);
ALTER TABLE examinations ALTER COLUMN applicant_name DROP NOT NULL;
"""


class ExaminationsProjection:
    name = "examinations"
    tables: tuple[str, ...] = ("examinations", "exam_scoring")
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        exam_id, at = event.originator_id, timestamp_of(event)
        if isinstance(event, Erasure.SubjectErased):
            await conn.execute("UPDATE examinations SET applicant_name = NULL WHERE tenant = $1 AND "
                               "applicant_account_id = $2", event.tenant, event.account_id)
        elif isinstance(event, Examination.Opened):
            await conn.execute(
                "INSERT INTO examinations (id, tenant, review_case_id, application_id, applicant_account_id, "
                "applicant_name, category, status, opened_at, status_since) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting_registration', $8, $8) ON CONFLICT (id) DO NOTHING",
                exam_id,
                event.tenant,
                event.review_case_id,
                event.application_id,
                event.applicant.account_id,
                event.applicant.name,
                event.category,
                at,
            )
        elif isinstance(event, ev.Registered):
            await self._exam(
                conn, exam_id, at, "registered", sitting=event.sitting, candidate_number=event.candidate_number
            )
        elif isinstance(event, ev.RegistrationWithdrawn):
            await self._exam(conn, exam_id, at, "awaiting_registration", sitting=None, candidate_number=None)
        elif isinstance(event, ev.ScoresDisagreed):
            await self._exam(conn, exam_id, at, "escalated")
        elif isinstance(event, ev.Part2Reconciled):
            await self._exam(conn, exam_id, at, "registered")
            await conn.execute(
                "UPDATE exam_scoring SET status = 'closed' WHERE exam_id = $1 AND status = 'assigned'", exam_id
            )
        elif isinstance(event, ev.AttemptConcluded):
            await self._exam(
                conn,
                exam_id,
                at,
                "passed" if event.passed else "awaiting_registration",
                sitting=None,
                candidate_number=None,
                attempts=event.attempt,
            )
        elif isinstance(event, ev.Cancelled):
            await self._exam(conn, exam_id, at, "cancelled", sitting=None, candidate_number=None)
            await conn.execute(
                "UPDATE exam_scoring SET status = 'closed' WHERE exam_id = $1 AND status = 'assigned'", exam_id
            )
        else:
            await self._apply_to_scoring(conn, event, exam_id, at)

    @staticmethod
    async def _apply_to_scoring(conn: asyncpg.Connection, event: Any, exam_id: UUID, at: datetime) -> None:
        if isinstance(event, ev.ScorerAssigned):
            await conn.execute(
                "INSERT INTO exam_scoring (assignment_id, exam_id, tenant, scorer_subject, slot, candidate_number, "
                "responses_ref, vignettes, due_on, status, assigned_at) "
                "SELECT $1, $2, tenant, $3, $4, $5, $6, $7, $8, 'assigned', $9 FROM examinations WHERE id = $2 "
                "ON CONFLICT (assignment_id) DO NOTHING",
                event.assignment_id,
                exam_id,
                event.scorer.subject,
                event.slot,
                event.candidate_number,
                event.responses_ref,
                event.vignettes,
                event.due_on,
                at,
            )
        elif isinstance(event, ev.ScorerWithdrawn):
            await conn.execute(
                "UPDATE exam_scoring SET status = 'withdrawn' WHERE assignment_id = $1", event.assignment_id
            )
        elif isinstance(event, ev.ScoreSubmitted):
            await conn.execute(
                "UPDATE exam_scoring SET status = 'scored', scored_at = $2 WHERE assignment_id = $1",
                event.assignment_id,
                at,
            )

    @staticmethod
    async def _exam(conn: asyncpg.Connection, exam_id: UUID, at: datetime, status: str, **columns: Any) -> None:
        sets = ["status = $2", "status_since = $3"] + [f"{name} = ${i}" for i, name in enumerate(columns, start=4)]
        await conn.execute(
            f"UPDATE examinations SET {', '.join(sets)} WHERE id = $1", exam_id, status, at, *columns.values()
        )


@dataclass(frozen=True)
class ExaminationQuery:
    tenant: str
    sitting: date | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ExamRow:
    id: UUID
    review_case_id: UUID
    application_id: UUID
    applicant_name: str | None
    category: str
    status: str
    attempts: int
    sitting: date | None
    candidate_number: str | None
    opened_at: datetime
    status_since: datetime


EXAM_COLUMNS = (
    "id, review_case_id, application_id, applicant_name, category, status, attempts, sitting, "
    "candidate_number, opened_at, status_since"
)


async def list_examinations(pool: asyncpg.Pool, query: ExaminationQuery) -> tuple[list[ExamRow], int]:
    """One page of a tenant's examinations, by sitting then the oldest first, and how many match in all."""
    where: list[str] = ["tenant = $1"]
    args: list[Any] = [query.tenant]
    filters: tuple[tuple[str, Any], ...] = (("sitting", query.sitting), ("status", query.status))
    for column, value in filters:
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    condition = " AND ".join(where)
    async with pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM examinations WHERE {condition}", *args)
        rows = await conn.fetch(
            f"SELECT {EXAM_COLUMNS} FROM examinations WHERE {condition} ORDER BY sitting NULLS LAST, opened_at, id "
            f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
            *args,
            query.limit,
            query.offset,
        )
    return [ExamRow(**dict(row)) for row in rows], int(total)


async def examinations_of(pool: asyncpg.Pool, tenant: str, account_id: UUID) -> list[UUID]:
    """The examinations of one examinee (by gateway account), oldest first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id FROM examinations WHERE tenant = $1 AND applicant_account_id = $2 ORDER BY opened_at, id",
            tenant,
            account_id,
        )
    return [UUID(str(r["id"])) for r in rows]


@dataclass(frozen=True)
class ScoringRow:
    assignment_id: UUID
    candidate_number: str
    responses_ref: str
    vignettes: int
    due_on: date
    status: str
    assigned_at: datetime


async def scoring_queue(pool: asyncpg.Pool, tenant: str, scorer: str) -> list[ScoringRow]:
    """A scorer's (by subject) assignments still to score, the earliest due first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT assignment_id, candidate_number, responses_ref, vignettes, due_on, status, assigned_at "
            "FROM exam_scoring WHERE tenant = $1 AND scorer_subject = $2 AND status = 'assigned' "
            "ORDER BY due_on, assigned_at, assignment_id",
            tenant,
            scorer,
        )
    return [ScoringRow(**dict(row)) for row in rows]


async def scoring_exam_id(pool: asyncpg.Pool, tenant: str, assignment_id: UUID, scorer: str) -> UUID | None:
    """The examination behind a scorer's (by subject) own assignment, for the service to load; None for anyone
    else's."""
    async with pool.acquire() as conn:
        value = await conn.fetchval(
            "SELECT exam_id FROM exam_scoring WHERE assignment_id = $1 AND tenant = $2 AND scorer_subject = $3",
            assignment_id,
            tenant,
            scorer,
        )
    return None if value is None else UUID(str(value))
