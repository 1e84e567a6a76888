"""The reminder sweep: a background loop that re-emails raters who have not answered (a new link each time).

The `reference_requests` read model names the candidates; each application decides (not due, answered, withdrawn
or out of reminders: nothing), so a repeated sweep, or two processes sweeping, remind each rater once per period.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

import asyncpg

from .application import ApplicationsService
from .projections.reference_requests import due_for_reminder

log = logging.getLogger(__name__)
T = TypeVar("T")
Candidates = Callable[[datetime, int], list[tuple[UUID, UUID]]]
"""(requested before, max reminders) -> (application id, reference id) pairs."""


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


def projection_candidates(bridge: PoolBridge) -> Candidates:
    def candidates(requested_before: datetime, max_reminders: int) -> list[tuple[UUID, UUID]]:
        return bridge.run(lambda pool: due_for_reminder(pool, requested_before, max_reminders))

    return candidates


class ReferenceReminders:
    def __init__(self, service: ApplicationsService, candidates: Candidates, *, interval: float) -> None:
        self.service = service
        self.candidates = candidates
        self.interval = interval
        self.sent = 0

    def run_once(self) -> int:
        """Remind every rater due; returns how many reminders this sweep sent."""
        policy = self.service.reference_policy
        count = 0
        for application_id, reference_id in self.candidates(self.service.clock() - policy.remind_after,
                                                             policy.max_reminders):
            try:
                if self.service.remind_if_due(application_id, reference_id):
                    count += 1
            except Exception:  # one application's trouble (e.g. a concurrent change) must not stop the sweep
                log.exception("reminder for reference %s of %s failed; next sweep retries", reference_id,
                              application_id)
        self.sent += count
        return count

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if count := self.run_once():
                    log.info("reference reminders: %d sent", count)
            except Exception:
                log.exception("reference reminder sweep failed; retrying in %.0fs", self.interval)
            stop.wait(self.interval)
