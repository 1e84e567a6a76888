"""Reads of the `applications` table (async; the table may lag the event store by a moment)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from .reviewer_grants import REVIEWER_GRANTS


@dataclass(frozen=True)
class ListFilter:
    tenant: str
    applicant_account_id: UUID | None = None
    reviewer: str | None = None
    """The subject of a reviewer's address. With neither, the whole tenant; else the applicant's own, those the
    reviewer may read now, or both."""
    status: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int


async def list_applications(pool: asyncpg.Pool, where: ListFilter, *, limit: int, offset: int) -> Page:
    """Newest first; `total` counts every match, not just this page."""
    conditions: list[str] = ["tenant = $1"]
    args: list[Any] = [where.tenant]
    for column, value in (("status", where.status), ("category", where.category)):
        if value is not None:
            args.append(value)
            conditions.append(f"{column} = ${len(args)}")
    whose: list[str] = []
    if where.applicant_account_id is not None:
        args.append(where.applicant_account_id)
        whose.append(f"applicant_account_id = ${len(args)}")
    if where.reviewer is not None:
        args.append(where.reviewer)
        whose.append(f"id IN (SELECT application_id FROM {REVIEWER_GRANTS} WHERE reviewer = ${len(args)})")
    if whose:
        conditions.append(f"({' OR '.join(whose)})")
    clause = " AND ".join(conditions)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        total = await conn.fetchval(f"SELECT count(*) FROM applications WHERE {clause}", *args)
        rows = await conn.fetch(
            f"SELECT * FROM applications WHERE {clause} ORDER BY created_at DESC, id"
            f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
            *args, limit, offset,
        )
    return Page(items=[dict(row) for row in rows], total=int(total))
