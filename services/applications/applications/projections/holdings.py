"""The `holdings` table: one row per endorsement this service follows, for `GET /applications/holdings`.

Rows come from `Holding` events only (the holder's own list, or the association's for a coordinator); the table
may lag the event store by a moment. `history` is the holding's list of changes (JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain.erasure import Erasure
from ..domain.holdings import Holding, HoldingStatus
from ..domain.values import account_of_subject

DDL = """
CREATE TABLE IF NOT EXISTS holdings (
    endorsement_id uuid PRIMARY KEY,
    tenant text NOT NULL,
    holder_account_id uuid NOT NULL,
    holder_name text NOT NULL,
    holder_email text NOT NULL,
    category text NOT NULL,
    category_name text NOT NULL,
    application_id uuid NOT NULL,
    status text NOT NULL,
    effective_date date NOT NULL,
    renewal_date date NOT NULL,
    removal_date date,
    lapsed_on date,
    history jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS holdings_by_tenant ON holdings (tenant, renewal_date, endorsement_id);
CREATE INDEX IF NOT EXISTS holdings_by_holder ON holdings (tenant, holder_account_id, renewal_date, endorsement_id);
ALTER TABLE holdings ALTER COLUMN holder_name DROP NOT NULL;
ALTER TABLE holdings ALTER COLUMN holder_email DROP NOT NULL;
"""
# holder_name, holder_email: NULL once the holder is erased (DROP NOT NULL upgrades tables made before erasure)


SCRUBBED = (
    "(SELECT coalesce(jsonb_agg(CASE WHEN line->>'what' IN ('lapsed', 'revoked', 'inactive')"
    " THEN jsonb_set(line, '{detail}', '\"\"') ELSE line END ORDER BY n), '[]'::jsonb)"
    " FROM jsonb_array_elements(history) WITH ORDINALITY AS lines(line, n))"
)
"""The history with the details of its reasons (`lapsed`, `revoked`, `inactive`: sealed under the holder in the
events) emptied, as a rebuild from the erased holder's events gives it."""


def _change(on: Any, what: str, status: str, detail: str | None) -> str:
    """One history line; a reason read after the holder's erasure (None) is an empty detail."""
    return json.dumps([{"on": on.isoformat(), "what": what, "status": status, "detail": detail or ""}])


class HoldingsTable:
    """Projection of Holding events into the `holdings` table."""

    name: str = "holdings"
    tables: tuple[str, ...] = ("holdings",)
    ddl: str = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Erasure.SubjectErased):
            account_id = account_of_subject(event.subject)
            if account_id is not None:
                await conn.execute(f"UPDATE holdings SET holder_name = NULL, holder_email = NULL, history = {SCRUBBED}"
                                   " WHERE tenant = $1 AND holder_account_id = $2", event.tenant, account_id)
        elif isinstance(event, Holding.Granted):
            await conn.execute(
                "INSERT INTO holdings (endorsement_id, tenant, holder_account_id, holder_name, holder_email, category,"
                " category_name, application_id, status, effective_date, renewal_date, removal_date, history,"
                " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14)"
                " ON CONFLICT (endorsement_id) DO NOTHING",
                event.originator_id,
                event.tenant,
                event.holder.account_id,
                event.holder.name,
                event.holder.email,
                event.category,
                event.category_name,
                event.application_id,
                HoldingStatus.ACTIVE.value,
                event.effective_date,
                event.renewal_date,
                event.removal_date,
                _change(event.effective_date, "granted", HoldingStatus.ACTIVE, f"{event.category} endorsement granted"),
                event.timestamp,
            )
        elif isinstance(event, Holding.Renewed):
            await self._update(
                conn,
                event,
                HoldingStatus.ACTIVE,
                event.renewed_on,
                "renewed",
                f"next renewal due {event.renewal_date.isoformat()}",
                renewal_date=event.renewal_date,
                removal_date=event.removal_date,
            )
        elif isinstance(event, Holding.Reinstated):
            await self._update(
                conn,
                event,
                HoldingStatus.ACTIVE,
                event.reinstated_on,
                "reinstated",
                f"next renewal due {event.renewal_date.isoformat()}",
                renewal_date=event.renewal_date,
                removal_date=event.removal_date,
            )
        elif isinstance(event, Holding.Lapsed):
            await self._update(
                conn, event, HoldingStatus.LAPSED, event.lapsed_on, "lapsed", event.reason, lapsed_on=event.lapsed_on
            )
        elif isinstance(event, Holding.Revoked):
            await self._update(conn, event, HoldingStatus.REVOKED, event.revoked_on, "revoked", event.reason)
        elif isinstance(event, Holding.MadeInactive):
            await self._update(conn, event, HoldingStatus.INACTIVE, event.requested_on, "inactive", event.reason)

    async def _update(
        self,
        conn: asyncpg.Connection,
        event: Any,
        status: HoldingStatus,
        on: Any,
        what: str,
        detail: str | None,
        **columns: Any,
    ) -> None:
        names = list(columns)
        assignments = "".join(f", {name} = ${index}" for index, name in enumerate(names, start=5))
        await conn.execute(
            f"UPDATE holdings SET status = $2, history = history || $3::jsonb, updated_at = $4{assignments}"
            " WHERE endorsement_id = $1",
            event.originator_id,
            status.value,
            _change(on, what, status, detail),
            event.timestamp,
            *(columns[name] for name in names),
        )


@dataclass(frozen=True)
class HoldingFilter:
    tenant: str
    holder_account_id: UUID | None = None
    """None lists the whole tenant."""
    status: str | None = None
    category: str | None = None


async def list_holdings(
    pool: asyncpg.Pool, where: HoldingFilter, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Soonest renewal first; the total counts every match, not just this page."""
    conditions = ["tenant = $1"]
    args: list[Any] = [where.tenant]
    for column, value in (
        ("holder_account_id", where.holder_account_id),
        ("status", where.status),
        ("category", where.category),
    ):
        if value is not None:
            args.append(value)
            conditions.append(f"{column} = ${len(args)}")
    clause = " AND ".join(conditions)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        total = await conn.fetchval(f"SELECT count(*) FROM holdings WHERE {clause}", *args)
        rows = await conn.fetch(
            f"SELECT * FROM holdings WHERE {clause} ORDER BY renewal_date, endorsement_id"
            f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
            *args,
            limit,
            offset,
        )
    items = []
    for row in rows:
        item = dict(row)
        item["history"] = json.loads(item["history"]) if isinstance(item["history"], str) else item["history"]
        items.append(item)
    return items, int(total)
