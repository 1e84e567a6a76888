"""`endorsements`: the association's register, one row per endorsement, and the ones due to lapse."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Endorsement
from ..domain.erasure import Erasure
from .stamps import timestamp_of

DDL = """
CREATE TABLE IF NOT EXISTS endorsements (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    review_case_id uuid NOT NULL,
    application_id uuid NOT NULL,
    holder_account_id uuid NOT NULL,
    holder_name text NOT NULL,
    category text NOT NULL,
    category_name text NOT NULL,
    designation text,
    status text NOT NULL,
    effective_date date NOT NULL,
    renewal_date date NOT NULL,
    removal_date date NOT NULL,
    emerging_until date,
    granted_at timestamptz NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS endorsements_register ON endorsements (tenant, status, category, granted_at);
CREATE INDEX IF NOT EXISTS endorsements_removal ON endorsements (tenant, status, removal_date);
CREATE INDEX IF NOT EXISTS endorsements_holder ON endorsements (tenant, holder_account_id);
ALTER TABLE endorsements ALTER COLUMN holder_name DROP NOT NULL;
"""

COLUMNS = ("id, review_case_id, application_id, holder_account_id, holder_name, category, category_name, designation, "
           "status, effective_date, renewal_date, removal_date, emerging_until, granted_at, changed_at")


class EndorsementsProjection:
    name = "endorsements"
    tables: tuple[str, ...] = ("endorsements",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        endorsement_id, at = event.originator_id, timestamp_of(event)
        if isinstance(event, Erasure.SubjectErased):
            await conn.execute("UPDATE endorsements SET holder_name = NULL WHERE tenant = $1 AND "
                               "holder_account_id = $2", event.tenant, event.account_id)
        elif isinstance(event, Endorsement.Granted):
            await conn.execute(
                f"INSERT INTO endorsements ({COLUMNS}, tenant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, "
                "$10, $11, $12, $13, $13, $14) ON CONFLICT (id) DO NOTHING",
                endorsement_id, event.review_case_id, event.application_id, event.holder.account_id,
                event.holder.name, event.category, event.category_name, event.designation, event.effective_date,
                event.renewal_date, event.removal_date, event.emerging_until, at, event.tenant,
            )
        elif isinstance(event, Endorsement.RenewalApproved | Endorsement.Reinstated):
            await conn.execute(
                "UPDATE endorsements SET status = 'active', renewal_date = $2, removal_date = $3, changed_at = $4 "
                "WHERE id = $1", endorsement_id, event.renewal_date, event.removal_date, at,
            )
        elif isinstance(event, Endorsement.Lapsed | Endorsement.Revoked):
            status = "lapsed" if isinstance(event, Endorsement.Lapsed) else "revoked"
            await conn.execute("UPDATE endorsements SET status = $2, changed_at = $3 WHERE id = $1",
                               endorsement_id, status, at)


@dataclass(frozen=True)
class EndorsementQuery:
    tenant: str
    status: str | None = None
    category: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class EndorsementRow:
    id: UUID
    review_case_id: UUID
    application_id: UUID
    holder_account_id: UUID
    holder_name: str | None
    category: str
    category_name: str
    designation: str | None
    status: str
    effective_date: date
    renewal_date: date
    removal_date: date
    emerging_until: date | None
    granted_at: datetime
    changed_at: datetime


async def list_endorsements(pool: asyncpg.Pool, query: EndorsementQuery) -> tuple[list[EndorsementRow], int]:
    where = ["tenant = $1"]
    args: list[Any] = [query.tenant]
    for column, value in (("status", query.status), ("category", query.category)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    condition = " AND ".join(where)
    async with pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM endorsements WHERE {condition}", *args)
        rows = await conn.fetch(
            f"SELECT {COLUMNS} FROM endorsements WHERE {condition} ORDER BY granted_at, id "
            f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}", *args, query.limit, query.offset,
        )
    return [EndorsementRow(**dict(row)) for row in rows], int(total)


async def due_to_lapse(pool: asyncpg.Pool, tenant: str, today: date, limit: int = 500) -> list[UUID]:
    """Active endorsements whose removal date has passed (the aggregate decides; this only finds candidates)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id FROM endorsements WHERE tenant = $1 AND status = 'active' AND removal_date < $2 "
            "ORDER BY removal_date, id LIMIT $3", tenant, today, limit,
        )
    return [UUID(str(r["id"])) for r in rows]


class RegisterBehind(RuntimeError):
    """The register read model has not yet applied every event the question is about (transient: ask again)."""


REGISTER_WAIT_SECONDS = 10.0


async def held_by(pool: asyncpg.Pool, tenant: str, account_id: UUID, *, seen_up_to: int) -> list[UUID]:
    """The endorsements of one holder not revoked yet (the candidates an erasure surrenders), once the register
    has applied every stored event up to notification `seen_up_to`: a grant saved just before is never missed.
    Raises RegisterBehind when it has not within REGISTER_WAIT_SECONDS."""
    deadline = asyncio.get_running_loop().time() + REGISTER_WAIT_SECONDS
    async with pool.acquire() as conn:
        while int(await conn.fetchval("SELECT coalesce(max(position), 0) FROM projection_positions WHERE name = $1",
                                      EndorsementsProjection.name)) < seen_up_to:
            if asyncio.get_running_loop().time() > deadline:
                raise RegisterBehind(f"the register has not reached notification {seen_up_to} yet")
            await asyncio.sleep(0.05)
        rows = await conn.fetch(
            "SELECT id FROM endorsements WHERE tenant = $1 AND holder_account_id = $2 AND status <> 'revoked' "
            "ORDER BY granted_at, id", tenant, account_id,
        )
    return [UUID(str(r["id"])) for r in rows]
