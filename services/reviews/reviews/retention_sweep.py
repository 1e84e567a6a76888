"""The register retention sweep: once a day, the holders whose register retention ran out get an `ErasureDue`.

For each association that sets `erasure.register_retention_years`, the `register_retention` read model names the
holders with no endorsement in force, no open case and a last end date older than that (`domain.retention`), asked
once it has applied every event stored when the pass began. Each holder's endorsements then decide
(`reviews.retention.file_erasure_due`, `use_cases/retention.py`), and the decision is stored once: the outbox relay
publishes it on `endorsement.erasures.v1`, and the gateway files the erasure. "Now" is the business clock, dates are
the association's. The loop is `servicekit.sweeps.Sweep`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from servicekit.clock import Clock
from servicekit.sweeps import PoolBridge, Sweep

from .application import Reviews
from .config import Tenant, TenantCatalog
from .domain.retention import years_before
from .projections.retention import RetentionCandidate, due_for_erasure

DAY_SECONDS = 86_400.0
BATCH_SIZE = 500
"""Holders per association and pass; a full batch that settled something is followed at once by the next."""
Candidates = Callable[[str, date], list[RetentionCandidate]]
"""The holders of an association whose last endorsement ended before the date, from the read model."""


class RetentionSweep(Sweep[tuple[Tenant, RetentionCandidate]]):
    label = "register retention sweep"
    report = "%d holder(s) due for erasure"
    isolate_failures = True  # one holder's failure must not keep the others' erasures waiting a day

    def __init__(self, reviews: Reviews, tenants: TenantCatalog, candidates: Candidates, *,
                 interval: float = DAY_SECONDS, clock: Clock) -> None:
        super().__init__(clock=clock, interval=interval, batch_size=BATCH_SIZE)
        self.reviews = reviews
        self.tenants = tenants
        self.due = candidates

    def candidates(self, now: datetime) -> list[tuple[Tenant, RetentionCandidate]]:
        return [(tenant, candidate) for tenant in self.tenants if tenant.register_retention_years is not None
                for candidate in self.due(tenant.slug,
                                          years_before(tenant.today(now), tenant.register_retention_years))]

    def settle(self, candidate: tuple[Tenant, RetentionCandidate], now: datetime) -> bool:
        tenant, holder = candidate
        return self.reviews.retention.file_erasure_due(holder.account_id, holder.endorsement_ids, tenant=tenant,
                                                       now=now)


def retention_candidates(reviews: Reviews, bridge: PoolBridge) -> Candidates:
    """The read model's candidates once it has caught up with every event stored so far."""
    def candidates(tenant: str, ended_before: date) -> list[RetentionCandidate]:
        seen = reviews.recorder.max_notification_id() or 0
        return bridge.run(lambda pool: due_for_erasure(pool, tenant, ended_before, seen_up_to=seen,
                                                          limit=BATCH_SIZE))

    return candidates
