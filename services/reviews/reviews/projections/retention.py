"""`register_retention`: what the register retention sweep asks (`domain.retention`), at one position of its own.

Per endorsement, whether it is in force and when it last ended (`retention_endorsements`); per case, whether it is
open (`retention_cases`); and the holders for whom nothing more is due (`retention_settled`: their `ErasureDue` was
stored, or they were erased). A projection of its own, rather than columns on `endorsements` or `review_cases`,
because a new projection starts from the first stored event: every end date and every case is in it, however long
before this read model existed it was recorded.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Endorsement, ReviewCase
from ..domain import case_events as ev
from ..domain.erasure import Erasure
from ..domain.retention import RegisterRetention
from .review_cases import DECIDED_STATUS

DDL = """
CREATE TABLE IF NOT EXISTS retention_endorsements (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    holder_account_id uuid NOT NULL,
    in_force boolean NOT NULL,
    ended_on date
);
CREATE INDEX IF NOT EXISTS retention_endorsements_holder ON retention_endorsements (tenant, holder_account_id);
CREATE TABLE IF NOT EXISTS retention_cases (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    applicant_account_id uuid NOT NULL,
    open boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS retention_cases_applicant ON retention_cases (tenant, applicant_account_id) WHERE open;
CREATE TABLE IF NOT EXISTS retention_settled (
    tenant text NOT NULL,
    holder_account_id uuid NOT NULL,
    PRIMARY KEY (tenant, holder_account_id)
);
"""

CLOSING_EVENTS: tuple[type, ...] = (*DECIDED_STATUS, ev.Withdrawn)
"""A case decided or withdrawn admits nothing more (`domain.lifecycle.CLOSED`)."""


class RegisterRetentionProjection:
    name = "register_retention"
    tables: tuple[str, ...] = ("retention_endorsements", "retention_cases", "retention_settled")
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        row_id = event.originator_id
        if isinstance(event, Endorsement.Granted):
            await conn.execute(
                "INSERT INTO retention_endorsements (id, tenant, holder_account_id, in_force) VALUES ($1, $2, $3, "
                "true) ON CONFLICT (id) DO NOTHING", row_id, event.tenant, event.holder.account_id)
        elif isinstance(event, Endorsement.Reinstated):
            await conn.execute("UPDATE retention_endorsements SET in_force = true, ended_on = NULL WHERE id = $1",
                               row_id)
        elif isinstance(event, Endorsement.Lapsed | Endorsement.Revoked):
            ended_on = event.lapsed_on if isinstance(event, Endorsement.Lapsed) else event.revoked_on
            await conn.execute("UPDATE retention_endorsements SET in_force = false, ended_on = $2 WHERE id = $1",
                               row_id, ended_on)
        elif isinstance(event, ReviewCase.Opened):
            await conn.execute(
                "INSERT INTO retention_cases (id, tenant, applicant_account_id, open) VALUES ($1, $2, $3, true) "
                "ON CONFLICT (id) DO NOTHING", row_id, event.tenant, event.applicant.account_id)
        elif isinstance(event, CLOSING_EVENTS):
            await conn.execute("UPDATE retention_cases SET open = false WHERE id = $1", row_id)
        elif isinstance(event, RegisterRetention.ErasureDue | Erasure.SubjectErased) and event.account_id is not None:
            await conn.execute("INSERT INTO retention_settled (tenant, holder_account_id) VALUES ($1, $2) "
                               "ON CONFLICT DO NOTHING", event.tenant, event.account_id)


@dataclass(frozen=True)
class RetentionCandidate:
    """A holder the read model says is due: the endorsements to check on their aggregates, and the end date."""

    account_id: UUID
    endorsement_ids: tuple[UUID, ...]
    ended_on: date


class RetentionBehind(RuntimeError):
    """The read model has not yet applied every event stored when the question was asked (the pass fails and is
    tried again after the sweep's interval)."""


BEHIND_WAIT_SECONDS = 10.0


async def due_for_erasure(pool: asyncpg.Pool, tenant: str, ended_before: date, *, seen_up_to: int,
                          limit: int = 500) -> list[RetentionCandidate]:
    """The association's holders with no endorsement in force and no open case, whose last endorsement ended
    before `ended_before`, and for whom nothing was settled yet; asked once the read model has applied every
    stored event up to notification `seen_up_to` (a grant or a case saved just before is never missed)."""
    deadline = asyncio.get_running_loop().time() + BEHIND_WAIT_SECONDS
    async with pool.acquire() as conn:
        while int(await conn.fetchval("SELECT coalesce(max(position), 0) FROM projection_positions WHERE name = $1",
                                      RegisterRetentionProjection.name)) < seen_up_to:
            if asyncio.get_running_loop().time() > deadline:
                raise RetentionBehind(f"the retention read model has not reached notification {seen_up_to} yet")
            await asyncio.sleep(0.05)
        rows = await conn.fetch(
            "SELECT e.holder_account_id, array_agg(e.id ORDER BY e.id) AS ids, max(e.ended_on) AS ended_on "
            "FROM retention_endorsements e WHERE e.tenant = $1 "
            "AND NOT EXISTS (SELECT 1 FROM retention_settled s WHERE s.tenant = $1 "
            "                AND s.holder_account_id = e.holder_account_id) "
            "AND NOT EXISTS (SELECT 1 FROM retention_cases c WHERE c.tenant = $1 AND c.open "
            "                AND c.applicant_account_id = e.holder_account_id) "
            "GROUP BY e.holder_account_id HAVING NOT bool_or(e.in_force) AND max(e.ended_on) < $2 "
            "ORDER BY max(e.ended_on), e.holder_account_id LIMIT $3", tenant, ended_before, limit,
        )
    return [RetentionCandidate(UUID(str(r["holder_account_id"])), tuple(UUID(str(i)) for i in r["ids"]),
                               r["ended_on"]) for r in rows]
