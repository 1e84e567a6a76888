"""The `credentials` table: one row per issued credential, for support look-ups."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from credentials.domain.credential import Credential, CredentialStatus

DDL = """
CREATE TABLE IF NOT EXISTS credentials (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    endorsement_id uuid NOT NULL,
    category text NOT NULL,
    holder_name text NOT NULL,
    status text NOT NULL,
    valid_from date NOT NULL,
    valid_until date NOT NULL,
    issued_at timestamptz NOT NULL,
    verification_url text NOT NULL,
    document jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_endorsement ON credentials (tenant, endorsement_id);
"""

INSERT_ISSUED = """
INSERT INTO credentials (id, tenant, endorsement_id, category, holder_name, status, valid_from, valid_until,
                         issued_at, verification_url, document)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
ON CONFLICT (id) DO NOTHING
"""

SELECT_BY_ENDORSEMENT = """
SELECT id, tenant, endorsement_id, category, holder_name, status, valid_from, valid_until, issued_at,
       verification_url
FROM credentials WHERE tenant = $1 AND endorsement_id = $2 ORDER BY issued_at
"""


class CredentialsProjection:
    name = "credentials"
    tables: tuple[str, ...] = ("credentials",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Credential.Issued):
            await conn.execute(
                INSERT_ISSUED,
                event.originator_id,
                event.tenant,
                event.endorsement_id,
                event.category,
                event.holder_name,
                CredentialStatus.ACTIVE.value,
                event.effective_date,
                event.renewal_date,
                event.issued_at,
                event.verification_url,
                json.dumps(event.document, ensure_ascii=False),
            )


async def get_all_by_endorsement(pool: asyncpg.Pool, tenant: str, endorsement_id: UUID) -> list[dict[str, Any]]:
    """The tenant's credentials for one endorsement (at most one today), as JSON-ready rows."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT_BY_ENDORSEMENT, tenant, endorsement_id)
    return [
        {
            "id": str(row["id"]),
            "endorsement_id": str(row["endorsement_id"]),
            "category": row["category"],
            "holder_name": row["holder_name"],
            "status": row["status"],
            "valid_from": row["valid_from"].isoformat(),
            "valid_until": row["valid_until"].isoformat(),
            "issued_at": row["issued_at"].isoformat(),
            "verification_url": row["verification_url"],
        }
        for row in rows
    ]
