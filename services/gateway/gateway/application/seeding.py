"""Staff accounts from the tenant files: created, updated, or disabled to match them (idempotent)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import asyncpg
from servicekit.clock import Clock

from ..adapters import accounts_table, sessions_table
from ..adapters.database import MIGRATION_LOCK
from ..adapters.passwords import Passwords
from ..domain.accounts import Account
from ..tenants import StaffMember, TenantDirectory
from . import account_events
from .outbox import Outbox

log = logging.getLogger(__name__)


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Listed staff whose email belongs to a self-registered account: never promoted automatically."""


async def seed_staff(
    pool: asyncpg.Pool, tenants: TenantDirectory, passwords: Passwords, seed_password: str | None, clock: Clock,
    outbox: Outbox,
) -> SeedReport:
    """Make the seeded accounts match the tenant files.

    A new staff account gets the seed password; an existing one keeps its password and gets the file's
    name and roles. Seeded accounts no longer listed are disabled and their sessions revoked.
    """
    report = SeedReport()
    listed: set[tuple[str, str]] = set()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK + 1)
        for tenant in tenants:
            existing = {a.email: a for a in await accounts_table.get_all_in(conn, tenant.slug)}
            for member in tenant.staff:
                listed.add((tenant.slug, member.email))
                label = f"{tenant.slug}/{member.email}"
                account = existing.get(member.email)
                if account is None:
                    if seed_password is None:
                        raise ValueError("GATEWAY_SEED_PASSWORD is required to create staff accounts")
                    created = await _create(conn, tenant.slug, member, await passwords.hash(seed_password), clock,
                                            tenant.default_language, outbox)
                    (report.created if created else report.refused).append(label)
                elif not account.seeded:
                    log.error("staff %s is listed, but a self-registered account holds that email: not promoted",
                              label)
                    report.refused.append(label)
                elif account.name != member.name or account.roles != member.roles or account.disabled:
                    await accounts_table.update_profile(conn, account.id, member.name, member.roles, clock())
                    report.updated.append(label)
        for account in await accounts_table.get_seeded(conn):
            if (account.tenant, account.email) not in listed and not account.disabled:
                await accounts_table.disable(conn, account.id, clock())
                await sessions_table.revoke_all_of(conn, account.id, clock())
                report.disabled.append(f"{account.tenant}/{account.email}")
    log.info("staff accounts: %d created, %d updated, %d disabled, %d refused",
             len(report.created), len(report.updated), len(report.disabled), len(report.refused))
    return report


async def _create(
    conn: accounts_table.Connection, tenant: str, member: StaffMember, password_hash: str, clock: Clock,
    language: str, outbox: Outbox,
) -> bool:
    now = clock()
    account = Account(id=uuid.uuid4(), tenant=tenant, email=member.email, name=member.name,
                      roles=member.roles, created_at=now, seeded=True, email_verified_at=now, language=language)
    if not await accounts_table.insert(conn, account, password_hash):
        return False
    await outbox.add(conn, account_events.registered(account, now))
    return True
