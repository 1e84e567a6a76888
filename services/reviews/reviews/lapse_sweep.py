"""The lapse sweep: a background loop that lapses endorsements left unrenewed past their removal date.

The `endorsements` read model names the candidates; each endorsement itself decides (and refuses when it was
renewed, revoked or already lapsed meanwhile), so a sweep repeated or run by two processes lapses each once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

import asyncpg

from .application import Reviews
from .config import TenantCatalog
from .projections import due_to_lapse

log = logging.getLogger(__name__)
T = TypeVar("T")


class PoolBridge:
    """Lets a worker thread query the read models on the service's asyncpg pool, on the pool's event loop."""

    def __init__(self) -> None:
        self._pool: asyncpg.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def attach(self, pool: asyncpg.Pool) -> None:
        """A `Service.on_pool` hook: runs in the lifespan, before the worker threads start."""
        self._pool = pool
        self._loop = asyncio.get_running_loop()

    def run(self, query: Callable[[asyncpg.Pool], Awaitable[T]], timeout: float = 30.0) -> T:
        if self._pool is None or self._loop is None:
            raise RuntimeError("the read-model pool is not ready")
        pool = self._pool

        async def call() -> T:
            return await query(pool)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)


Candidates = Callable[[str, date], list[UUID]]


class LapseSweep:
    def __init__(self, reviews: Reviews, tenants: TenantCatalog, candidates: Candidates, *, interval: float,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.reviews = reviews
        self.tenants = tenants
        self.candidates = candidates
        self.interval = interval
        self.clock = clock
        self.lapsed = 0

    def run_once(self) -> int:
        """Lapse every endorsement due; returns how many this sweep lapsed."""
        now = self.clock()
        count = 0
        for tenant in self.tenants:
            for endorsement_id in self.candidates(tenant.slug, tenant.today(now)):
                if self.reviews.lapse_if_due(endorsement_id, tenant=tenant, now=now):
                    count += 1
        self.lapsed += count
        return count

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if count := self.run_once():
                    log.info("lapse sweep: %d endorsement(s) lapsed", count)
            except Exception:
                log.exception("lapse sweep failed; retrying in %.0fs", self.interval)
            stop.wait(self.interval)


def projection_candidates(bridge: PoolBridge) -> Candidates:
    def candidates(tenant: str, today: date) -> list[UUID]:
        return bridge.run(lambda pool: due_to_lapse(pool, tenant, today))

    return candidates
