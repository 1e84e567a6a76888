"""`review_reports`: how long cases spend in each state, and the decisions taken, per category and review cycle.

Three tables, kept at one position and rebuilt from the event store like every read model:
- `review_report_cases`: one row per case (its kind, category, cycle, current state and the state it resumes);
- `review_state_intervals`: one row per stay of a case in a state (`left_at` empty while it is still there);
- `review_decisions`: one row per decision on a case (`approved_for_exam` and the later approval both count).
A decided or withdrawn case leaves its last state and enters no other (a withdrawal is not a decision). Time in a
state counts only from when the case's review cycle opened; the wait before it is reported as the state `waiting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import ReviewCase
from ..domain import case_events as ev
from .stamps import timestamp_of

DDL = """
CREATE TABLE IF NOT EXISTS review_report_cases (
    case_id uuid PRIMARY KEY,
    tenant text NOT NULL,
    kind text NOT NULL,
    category text NOT NULL,
    cycle text,
    cycle_opens_at timestamptz,
    opened_at timestamptz NOT NULL,
    state text NOT NULL,
    resume_state text,
    stays integer NOT NULL
);
CREATE INDEX IF NOT EXISTS review_report_cases_cycle ON review_report_cases (tenant, cycle, category);
CREATE TABLE IF NOT EXISTS review_state_intervals (
    case_id uuid NOT NULL,
    seq integer NOT NULL,
    state text NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz,
    PRIMARY KEY (case_id, seq)
);
CREATE TABLE IF NOT EXISTS review_decisions (
    case_id uuid NOT NULL,
    outcome text NOT NULL,
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, outcome)
);
"""

STATE_ORDER = ("waiting", "open", "returned", "in_review", "on_hold", "recommended", "escalated",
               "approved_for_exam", "exam_passed")
"""States a case stays in, in lifecycle order; decided cases stay in none."""

ENTERS: dict[type[Any], str] = {
    ev.CompletenessPassed: "in_review",
    ev.ApprovedForExam: "approved_for_exam",
}
DECISIONS: dict[type[Any], str] = {
    ev.ApprovedForExam: "approved_for_exam",
    ReviewCase.Approved: "approved",
    ev.ApprovedAsEmerging: "approved_emerging",
    ev.RenewalCaseApproved: "approved",
    ev.ReinstatementCaseApproved: "approved",
    ev.Deferred: "deferred",
    ev.Denied: "denied",
}

MOVE = """
WITH moved AS (
    UPDATE review_report_cases SET
        state = coalesce($2, resume_state, 'open'),
        resume_state = CASE $4::text WHEN 'current' THEN state WHEN 'open' THEN 'open' WHEN 'clear' THEN NULL
                       ELSE resume_state END,
        stays = stays + CASE WHEN $5 THEN 1 ELSE 0 END
    WHERE case_id = $1
    RETURNING case_id, state, stays
), closed AS (
    UPDATE review_state_intervals SET left_at = $3 WHERE case_id = $1 AND left_at IS NULL
)
INSERT INTO review_state_intervals (case_id, seq, state, entered_at)
SELECT case_id, stays, state, $3 FROM moved WHERE $5
"""


class ReviewReportsProjection:
    name = "review_reports"
    tables: tuple[str, ...] = ("review_report_cases", "review_state_intervals", "review_decisions")
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        case_id, at = event.originator_id, timestamp_of(event)
        kind = type(event)
        if isinstance(event, ReviewCase.Opened):
            await conn.execute(
                "INSERT INTO review_report_cases (case_id, tenant, kind, category, cycle, cycle_opens_at, opened_at, "
                "state, stays) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', 1) ON CONFLICT (case_id) DO NOTHING",
                case_id, event.tenant, event.kind, event.category, event.cycle, event.cycle_opens_at, at,
            )
            await conn.execute("INSERT INTO review_state_intervals (case_id, seq, state, entered_at) "
                               "VALUES ($1, 1, 'open', $2) ON CONFLICT DO NOTHING", case_id, at)
            return
        if kind in DECISIONS:
            await conn.execute("INSERT INTO review_decisions (case_id, outcome, decided_at) VALUES ($1, $2, $3) "
                               "ON CONFLICT DO NOTHING", case_id, DECISIONS[kind], at)
        if kind in ENTERS:
            await self._move(conn, case_id, at, ENTERS[kind])
        elif kind in DECISIONS:
            await self._move(conn, case_id, at, str(DECISIONS[kind]).removesuffix("_emerging"), stays=False)
        elif isinstance(event, ev.ReturnedIncomplete):
            await self._move(conn, case_id, at, "returned", resume="open")
        elif isinstance(event, ev.InformationRequested):
            await self._move(conn, case_id, at, "on_hold", resume="current")
        elif isinstance(event, ev.InformationReceived):
            await self._move(conn, case_id, at, None, resume="clear")
        elif isinstance(event, ev.ReviewConcluded):
            await self._move(conn, case_id, at, "recommended" if event.conclusion == "consensus" else "escalated")
        elif isinstance(event, ev.ExamScored) and event.passed:
            await self._move(conn, case_id, at, "exam_passed")
        elif isinstance(event, ev.Withdrawn):
            await self._move(conn, case_id, at, "withdrawn", resume="clear", stays=False)

    @staticmethod
    async def _move(conn: asyncpg.Connection, case_id: UUID, at: datetime, state: str | None, *,
                    resume: str = "keep", stays: bool = True) -> None:
        """Leave the current state at `at` and enter `state` (None: the state the case paused in); a decided case
        enters no further stay."""
        await conn.execute(MOVE, case_id, state, at, resume, stays)


@dataclass(frozen=True)
class StateDurations:
    state: str
    stays: int
    current: int
    """How many of the stays have not ended yet (counted up to now)."""
    median_seconds: float
    p90_seconds: float
    max_seconds: float


@dataclass(frozen=True)
class StateStay:
    state: str
    entered_at: datetime
    left_at: datetime | None
    seconds: float


@dataclass(frozen=True)
class DecisionCount:
    cycle: str | None
    category: str
    kind: str
    outcome: str
    count: int


SPANS = """
SELECT i.state, i.left_at IS NULL AS current, greatest(0, extract(epoch FROM coalesce(i.left_at, $2)
       - greatest(i.entered_at, coalesce(c.cycle_opens_at, i.entered_at))))::float8 AS seconds
FROM review_state_intervals i JOIN review_report_cases c ON c.case_id = i.case_id WHERE {where}
UNION ALL
SELECT 'waiting', c.cycle_opens_at > $2, extract(epoch FROM least(c.cycle_opens_at, $2) - c.opened_at)::float8
FROM review_report_cases c WHERE {where} AND c.cycle_opens_at > c.opened_at AND c.opened_at <= $2
"""


async def time_in_state(pool: asyncpg.Pool, tenant: str, now: datetime, *, cycle: str | None = None,
                        category: str | None = None) -> list[StateDurations]:
    """Per state: how many stays, and their median, 90th percentile and longest duration (ongoing ones to now)."""
    where, args = ["c.tenant = $1"], [tenant, now]
    for column, value in (("c.cycle", cycle), ("c.category", category)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    spans = SPANS.format(where=" AND ".join(where))
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT state, count(*) AS stays, count(*) FILTER (WHERE current) AS current, "
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median_seconds, "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90_seconds, max(seconds) AS max_seconds "
            f"FROM ({spans}) spans GROUP BY state", *args,
        )
    found = [StateDurations(**dict(row)) for row in rows]
    return sorted(found, key=lambda d: (STATE_ORDER.index(d.state) if d.state in STATE_ORDER else 99, d.state))


async def decisions(pool: asyncpg.Pool, tenant: str, *, cycle: str | None = None) -> list[DecisionCount]:
    """Decisions by cycle, category, kind of case and outcome."""
    args: list[Any] = [tenant]
    where = "c.tenant = $1"
    if cycle is not None:
        args.append(cycle)
        where += " AND c.cycle = $2"
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT c.cycle, c.category, c.kind, d.outcome, count(*) AS count FROM review_decisions d "
            f"JOIN review_report_cases c ON c.case_id = d.case_id WHERE {where} "
            "GROUP BY c.cycle, c.category, c.kind, d.outcome "
            "ORDER BY c.cycle NULLS FIRST, c.category, c.kind, d.outcome",
            *args,
        )
    return [DecisionCount(**dict(row)) for row in rows]


async def case_time_in_state(pool: asyncpg.Pool, tenant: str, case_id: UUID, now: datetime) -> list[StateStay]:
    """One case's stays, oldest first (the last one ongoing unless it was decided)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT i.state, i.entered_at, i.left_at, greatest(0, extract(epoch FROM coalesce(i.left_at, $3) "
            "- i.entered_at))::float8 AS seconds FROM review_state_intervals i "
            "JOIN review_report_cases c ON c.case_id = i.case_id WHERE c.tenant = $1 AND i.case_id = $2 ORDER BY i.seq",
            tenant, case_id, now,
        )
    return [StateStay(**dict(row)) for row in rows]
