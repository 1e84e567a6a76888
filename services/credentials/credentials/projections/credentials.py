"""The `credentials` table: one row per credential with its current document and status.

Read by support look-ups, the expiry sweep and the public pages and registry. Columns other readers rely
on (keep them stable): `id`, `tenant`, `endorsement_id`, `category`, `holder_name`, `status` (`active`,
`suspended`, `revoked` or `expired`: the gravest recorded fact), `valid_from` and `valid_until` (calendar
dates of the current document), `valid_until_at` (its exact end), `issued_at`, `verification_url`,
`document` (the current signed credential), `status_reason_code` and `status_reason` (why it is suspended or
revoked: a `ReasonCode` and its fixed wording, never a staff note), `status_changed_at`, `status_index`,
`holder_account_id` (the holder's gateway account; NULL on rows projected before the column existed, which
`credentials.public.holder_credentials` fills in from the aggregates).

Rows projected before reasons were codes held the free text in `status_reason`: the first start with
`status_reason_code` resets this projection's position once, so every event is projected again over the rows
(each update is idempotent and the last event of each kind wins, so the rows end as a rebuild would leave them),
and the old texts are replaced by their codes' wording.

`holder_name` is NULL once the holder was erased: the erasure record (`Erasure.SubjectErased`) scrubs the
holder's rows here (name, and the name inside an older signed document's copy), deletes their registry
listing and empties their webhook bodies; a rebuild replays it, so the scrubbed state comes back the same.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from credentials.domain.credential import Credential
from credentials.domain.erasure import Erasure
from credentials.domain.grant import account_of_subject
from credentials.domain.reasons import ReasonCode, wording

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
ALTER TABLE credentials
    ADD COLUMN IF NOT EXISTS valid_until_at timestamptz,
    ADD COLUMN IF NOT EXISTS reissued_at timestamptz,
    ADD COLUMN IF NOT EXISTS suspended boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS revoked boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS expired boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS status_reason text,
    ADD COLUMN IF NOT EXISTS status_changed_at timestamptz,
    ADD COLUMN IF NOT EXISTS status_index integer,
    ADD COLUMN IF NOT EXISTS holder_account_id uuid,
    ALTER COLUMN holder_name DROP NOT NULL;
DELETE FROM projection_positions WHERE name = 'credentials' AND NOT EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'credentials' AND column_name = 'status_reason_code');
ALTER TABLE credentials ADD COLUMN IF NOT EXISTS status_reason_code text;
CREATE INDEX IF NOT EXISTS credentials_by_endorsement ON credentials (tenant, endorsement_id);
CREATE INDEX IF NOT EXISTS credentials_by_holder ON credentials (tenant, holder_account_id);
CREATE INDEX IF NOT EXISTS credentials_due_to_expire ON credentials (valid_until_at) WHERE NOT expired AND NOT revoked;
"""

STATUS = ("CASE WHEN revoked THEN 'revoked' WHEN suspended THEN 'suspended' WHEN expired THEN 'expired' "
          "ELSE 'active' END")

INSERT_ISSUED = """
INSERT INTO credentials (id, tenant, endorsement_id, category, holder_name, status, valid_from, valid_until,
                         issued_at, verification_url, document, valid_until_at, status_index, holder_account_id)
VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10::jsonb, $11, $12, $13)
ON CONFLICT (id) DO NOTHING
"""

SET_FLAG = """
UPDATE credentials SET {flag} = $2, status_reason_code = $3, status_reason = $4, status_changed_at = $5 WHERE id = $1
"""

SCRUB_HOLDER = """
UPDATE credentials SET holder_name = NULL, document = document #- '{credentialSubject,name}'
WHERE holder_account_id = $1
"""
# the registry and webhook tables are made at start-up (on_pool), before any projection runs
DELETE_LISTINGS = "DELETE FROM registry_listings WHERE holder_account_id = $1"
EMPTY_WEBHOOK_BODIES = """
UPDATE webhook_deliveries SET body = NULL
WHERE body IS NOT NULL AND subject IN (SELECT id::text FROM credentials WHERE holder_account_id = $1)
"""

SELECT_BY_ENDORSEMENT = """
SELECT id, tenant, endorsement_id, category, holder_name, status, valid_from, valid_until, issued_at,
       verification_url, status_reason_code, status_reason, status_changed_at
FROM credentials WHERE tenant = $1 AND endorsement_id = $2 ORDER BY issued_at
"""


class CredentialsProjection:
    name = "credentials"
    tables: tuple[str, ...] = ("credentials",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            await handler(conn, event)


async def _issued(conn: asyncpg.Connection, event: Any) -> None:
    await conn.execute(
        INSERT_ISSUED, event.originator_id, event.tenant, event.endorsement_id, event.category, event.holder.name,
        event.effective_date, event.renewal_date, event.issued_at, event.verification_url, _json(event.document),
        event.valid_until, event.status_index, event.holder_account_id,
    )


async def _reissued(conn: asyncpg.Connection, event: Any) -> None:
    lifts_suspension = isinstance(event, Credential.Reinstated)
    await conn.execute(
        "UPDATE credentials SET valid_from = $2, valid_until = $3, valid_until_at = $4, document = $5::jsonb, "
        "reissued_at = $6, expired = false, suspended = suspended AND NOT $7, "
        "status_changed_at = CASE WHEN $7 THEN $6 ELSE status_changed_at END WHERE id = $1",
        event.originator_id, event.valid_from_date, event.renewal_date, event.valid_until, _json(event.document),
        event.reissued_at, lifts_suspension,
    )
    await _restate(conn, event.originator_id)


def _flag(flag: str, value: bool, at_field: str, with_reason: bool = True) -> Callable[[Any, Any], Awaitable[None]]:
    async def apply(conn: asyncpg.Connection, event: Any) -> None:
        code = ReasonCode(event.reason_code) if with_reason else None
        reason = (None, None) if code is None else (code.value, wording(code))
        await conn.execute(SET_FLAG.format(flag=flag), event.originator_id, value, *reason, getattr(event, at_field))
        await _restate(conn, event.originator_id)

    return apply


async def _expired(conn: asyncpg.Connection, event: Any) -> None:
    await conn.execute("UPDATE credentials SET expired = true WHERE id = $1", event.originator_id)
    await _restate(conn, event.originator_id)


async def _subject_erased(conn: asyncpg.Connection, event: Any) -> None:
    account_id = account_of_subject(event.subject)
    if account_id is None:
        return  # a rater: no credential names them
    await conn.execute(SCRUB_HOLDER, account_id)
    await conn.execute(DELETE_LISTINGS, account_id)
    await conn.execute(EMPTY_WEBHOOK_BODIES, account_id)


async def _restate(conn: asyncpg.Connection, credential_id: UUID) -> None:
    await conn.execute(f"UPDATE credentials SET status = {STATUS} WHERE id = $1", credential_id)


_HANDLERS: dict[type[Any], Callable[[Any, Any], Awaitable[None]]] = {
    Credential.Issued: _issued,
    Credential.Renewed: _reissued,
    Credential.Reinstated: _reissued,
    Credential.Suspended: _flag("suspended", True, "suspended_at"),
    Credential.Unsuspended: _flag("suspended", False, "unsuspended_at", with_reason=False),
    Credential.Revoked: _flag("revoked", True, "revoked_at"),
    Credential.Expired: _expired,
    Erasure.SubjectErased: _subject_erased,
}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)


async def get_all_by_endorsement(pool: asyncpg.Pool, tenant: str, endorsement_id: UUID) -> list[dict[str, Any]]:
    """The tenant's credentials for one endorsement (at most one), as JSON-ready rows."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT_BY_ENDORSEMENT, tenant, endorsement_id)
    return [
        {
            "id": str(row["id"]),
            "endorsement_id": str(row["endorsement_id"]),
            "category": row["category"],
            "holder_name": row["holder_name"],
            "status": row["status"],
            "status_reason_code": row["status_reason_code"],
            "status_reason": row["status_reason"],
            "status_changed_at": row["status_changed_at"].isoformat() if row["status_changed_at"] else None,
            "valid_from": row["valid_from"].isoformat(),
            "valid_until": row["valid_until"].isoformat(),
            "issued_at": row["issued_at"].isoformat(),
            "verification_url": row["verification_url"],
        }
        for row in rows
    ]
