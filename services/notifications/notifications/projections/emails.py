"""The `emails` table: every email and where it stands, for support staff ("did my email go out?")."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Email, EmailStatus

DDL = """
CREATE TABLE IF NOT EXISTS emails (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    recipient text NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    status text NOT NULL,
    queued_at timestamptz NOT NULL,
    sent_at timestamptz,
    failure text
);
CREATE INDEX IF NOT EXISTS emails_by_tenant_recipient ON emails (tenant, lower(recipient));
CREATE INDEX IF NOT EXISTS emails_by_tenant_status ON emails (tenant, status, queued_at DESC);
"""


class EmailsProjection:
    name = "emails"
    tables: tuple[str, ...] = ("emails",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Email.Queued):
            await conn.execute(
                "INSERT INTO emails (id, tenant, recipient, kind, subject, status, queued_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                event.originator_id,
                event.tenant,
                event.recipient,
                event.kind,
                event.subject,
                EmailStatus.QUEUED.value,
                event.timestamp,
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
