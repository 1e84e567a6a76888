"""The `emails` table: every email and where it stands, for support staff ("did my email go out?").

A row says which email (its `kind`, the template id, e.g. `reference-requested`), never what it said: a subject line
often names another person (the applicant in a rater's email), who may be erased while this row stays. It keeps the
recipient's address in plain text, so support staff can find a person's emails by address, and the recipient's
subject id (`data_subject`), so an erasure (`Erasure.SubjectErased`) scrubs the person's rows: the address becomes
NULL. Rebuilt from the log after an erasure, the rows come out scrubbed too: the erased addressees decode as None.
Rows of emails queued before sealing have no `data_subject` (the migration, slice 9).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Email, EmailStatus, Erasure

DDL = """
CREATE TABLE IF NOT EXISTS emails (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    recipient text,
    kind text NOT NULL,
    status text NOT NULL,
    queued_at timestamptz NOT NULL,
    sent_at timestamptz,
    failure text,
    data_subject text
);
ALTER TABLE emails ADD COLUMN IF NOT EXISTS data_subject text;
ALTER TABLE emails ALTER COLUMN recipient DROP NOT NULL;
ALTER TABLE emails DROP COLUMN IF EXISTS subject;
CREATE INDEX IF NOT EXISTS emails_by_tenant_recipient ON emails (tenant, lower(recipient));
CREATE INDEX IF NOT EXISTS emails_by_tenant_status ON emails (tenant, status, queued_at DESC);
CREATE INDEX IF NOT EXISTS emails_by_data_subject ON emails (data_subject);
"""


class EmailsProjection:
    name = "emails"
    tables: tuple[str, ...] = ("emails",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Email.Queued):
            await conn.execute(
                "INSERT INTO emails (id, tenant, recipient, kind, status, queued_at, data_subject) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                event.originator_id,
                event.tenant,
                event.addressee.address,
                event.kind,
                EmailStatus.QUEUED.value,
                event.timestamp,
                event.addressee.data_subject,
            )
        elif isinstance(event, Email.Sent):
            await conn.execute(
                "UPDATE emails SET status = $2, sent_at = $3, failure = NULL WHERE id = $1",
                event.originator_id,
                EmailStatus.SENT.value,
                event.at,
            )
        elif isinstance(event, Email.Failed):
            status = EmailStatus.FAILED if event.permanent else EmailStatus.QUEUED
            await conn.execute(
                "UPDATE emails SET status = $2, failure = $3 WHERE id = $1",
                event.originator_id,
                status.value,
                event.reason,
            )
        elif isinstance(event, Erasure.SubjectErased):
            await conn.execute(
                "UPDATE emails SET recipient = NULL WHERE data_subject = $1", event.subject
            )
