"""The retention job (docs/erasure.md, "Legal holds and retention"): once a day, the erasure of every applicant
account inactive for longer than its tenant's `erasure.inactive_account_years`, filed by `system`.

A `servicekit.sweeps.Sweep` run by one gateway at a time (`servicekit.leadership`, job `gateway/job:retention`).
The accounts table names the candidates (applicants' accounts, inactive, with no request yet); each is filed by
`ErasureService.file_for_retention`, which looks again under the subject's lock, so an account that signed in
meanwhile, or that someone asked to erase meanwhile, is left alone, and a pass repeated files nothing twice. A
hold on the subject files the request as `held`, as for a coordinator's. "Now" is the gateway's business clock.

The sweep's thread reaches the gateway's asyncpg pool and services on their event loop (`PoolBridge`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from servicekit.clock import Clock
from servicekit.sweeps import PoolBridge, Sweep

from ..adapters import accounts_table
from ..domain.retention import InactivityRule
from ..tenants import TenantDirectory
from .erasures import ErasureService

DAY_SECONDS = 24 * 60 * 60.0
JOB_NAME = "gateway/job:retention"
"""The advisory lock one gateway holds while it runs the job (`servicekit.leadership`)."""

Candidate = tuple[InactivityRule, UUID]


def inactivity_rules(tenants: TenantDirectory) -> list[InactivityRule]:
    """The tenants that set `erasure.inactive_account_years` (the others erase nobody for inactivity)."""
    return [InactivityRule(tenant.slug, tenant.erasure.inactive_account_years) for tenant in tenants
            if tenant.erasure.inactive_account_years is not None]


class RetentionSweep(Sweep[Candidate]):
    label = "retention sweep"
    report = "%d erasure(s) filed"
    isolate_failures = True

    def __init__(self, rules: Sequence[InactivityRule], erasures: ErasureService, bridge: PoolBridge, *,
                 clock: Clock, interval: float = DAY_SECONDS, batch_size: int = 100) -> None:
        super().__init__(clock=clock, interval=interval, batch_size=batch_size)
        self.rules = tuple(rules)
        self._erasures = erasures
        self._bridge = bridge
        self.passes = 0
        """How many passes ended (with or without erasures filed), for probes and tests."""

    def run_once(self) -> int:
        count = super().run_once()
        self.passes += 1
        return count

    def candidates(self, now: datetime) -> list[Candidate]:
        assert self.batch_size is not None
        found: list[Candidate] = []
        for rule in self.rules:
            limit = self.batch_size - len(found)
            if limit <= 0:
                break
            inactive = self._bridge.run(functools.partial(_inactive, rule.tenant, rule.cutoff(now), limit))
            found += [(rule, account_id) for account_id in inactive]
        return found

    def settle(self, candidate: Candidate, now: datetime) -> bool:
        rule, account_id = candidate
        return self._bridge.run(functools.partial(_file, self._erasures, rule, account_id))


async def _inactive(tenant: str, cutoff: datetime, limit: int, pool: asyncpg.Pool) -> list[UUID]:
    async with pool.acquire() as conn:
        return await accounts_table.inactive_applicants(conn, tenant, cutoff, limit)


async def _file(erasures: ErasureService, rule: InactivityRule, account_id: UUID, _pool: asyncpg.Pool) -> bool:
    return await erasures.file_for_retention(rule, account_id) is not None
