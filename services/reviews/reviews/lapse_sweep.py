"""The lapse sweep: a background loop that lapses endorsements left unrenewed past their removal date.

The `endorsements` read model names the candidates; each endorsement itself decides (and refuses when it was
renewed, revoked or already lapsed meanwhile), so a sweep repeated or run by two processes lapses each once.
The loop is `servicekit.sweeps.Sweep`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID

from servicekit.clock import Clock
from servicekit.sweeps import PoolBridge, Sweep

from .application import Reviews
from .config import Tenant, TenantCatalog
from .projections import due_to_lapse

Candidates = Callable[[str, date], list[UUID]]


class LapseSweep(Sweep[tuple[Tenant, UUID]]):
    label = "lapse sweep"
    report = "%d endorsement(s) lapsed"

    def __init__(self, reviews: Reviews, tenants: TenantCatalog, candidates: Candidates, *, interval: float,
                 clock: Clock) -> None:
        super().__init__(clock=clock, interval=interval)
        self.reviews = reviews
        self.tenants = tenants
        self.due = candidates

    def candidates(self, now: datetime) -> list[tuple[Tenant, UUID]]:
        return [(tenant, endorsement_id) for tenant in self.tenants
                for endorsement_id in self.due(tenant.slug, tenant.today(now))]

    def settle(self, candidate: tuple[Tenant, UUID], now: datetime) -> bool:
        tenant, endorsement_id = candidate
        return self.reviews.endorsements.lapse_if_due(endorsement_id, tenant=tenant, now=now)


def projection_candidates(bridge: PoolBridge) -> Candidates:
    def candidates(tenant: str, today: date) -> list[UUID]:
        return bridge.run(lambda pool: due_to_lapse(pool, tenant, today))

    return candidates
