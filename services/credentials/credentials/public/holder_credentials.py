"""A holder's own credentials ("my credential" in the portal): from the `credentials` read model, with the
registry listing each one has.

The read model records the holder's gateway account id (`holder_account_id`, as the grant named it). Rows
projected before that column existed have it NULL: they are filled in here from the aggregates, a bounded
batch per call, so an upgraded database needs no rebuild.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from credentials.domain.credential import Credential

BACKFILL_BATCH = 500

SELECT_MINE = """
SELECT c.id, c.endorsement_id, c.category, c.status, c.valid_from, c.valid_until, c.verification_url, c.issued_at,
       l.listed, l.city, l.county
FROM credentials c LEFT JOIN registry_listings l ON l.credential_id = c.id
WHERE c.tenant = $1 AND c.holder_account_id = $2
ORDER BY c.issued_at, c.id
"""


async def backfill_holders(pool: asyncpg.Pool, load: Callable[[UUID], Credential | None]) -> int:
    """Fill `holder_account_id` on up to BACKFILL_BATCH read-model rows that lack it; the number filled."""
    async with pool.acquire() as conn:
        missing = await conn.fetch("SELECT id FROM credentials WHERE holder_account_id IS NULL LIMIT $1",
                                   BACKFILL_BATCH)
    filled = 0
    for row in missing:
        credential = await asyncio.to_thread(load, row["id"])
        if credential is None:
            continue
        async with pool.acquire() as conn:
            await conn.execute("UPDATE credentials SET holder_account_id = $2 WHERE id = $1 AND holder_account_id "
                               "IS NULL", credential.id, credential.holder_account_id)
        filled += 1
    return filled


async def credentials_of(
    pool: asyncpg.Pool, tenant: str, account_id: UUID, *, today: date, categories: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The holder's credentials in `tenant`, oldest first, each with its status today (the association's
    calendar day `today`) and its registry listing; JSON-ready."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT_MINE, tenant, account_id)
    return [
        {
            "id": str(row["id"]),
            "endorsement_id": str(row["endorsement_id"]),
            "category": row["category"],
            "category_name": categories.get(row["category"], row["category"]),
            "status": _status(row["status"], row["valid_from"], row["valid_until"], today),
            "valid_from": row["valid_from"].isoformat(),
            "valid_until": row["valid_until"].isoformat(),
            "verification_url": row["verification_url"],
            "certificate_url": f"{row['verification_url']}/certificate.pdf",
            "registry": {"listed": bool(row["listed"]), "city": row["city"], "county": row["county"]},
        }
        for row in rows
    ]


def _status(recorded: str, valid_from: date, valid_until: date, today: date) -> str:
    """As the registry states it: a recorded suspension, revocation or expiry first, then the calendar."""
    if recorded != "active":
        return recorded
    if valid_from > today:
        return "not yet valid"
    if valid_until < today:
        return "expired"
    return "active"
