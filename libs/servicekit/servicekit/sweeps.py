"""Periodic sweeps: background loops that find due work in a read model and let each aggregate decide.

A sweep (reference reminders in applications, the lapse sweep in reviews, the credential expiry sweep) is one
shape: take "now" from the business clock, read a batch of candidates from a read model, settle each on its
aggregate (which refuses when the candidate is no longer due: the read model may lag), count what changed, and do
it again every `interval` seconds. The rule (which candidates, what settling does) stays in the service: a subclass
of `Sweep` gives `candidates` and `settle`. Run `Sweep.run_forever` as a `Service.once_per_cluster` job, so one
replica at a time sweeps; since each aggregate decides, a sweep repeated, or run by two processes, changes each
candidate once.

- A failed pass (database down, a bug) is logged and tried again after `interval`; `reset` runs first, so a sweep
  that holds a connection can drop it.
- With `batch_size`, `candidates` returns at most that many; a full batch in which something was settled is
  followed at once by the next, so a backlog drains without waiting an interval per batch.
- `isolate_failures`: one candidate's failure (e.g. a concurrent change) is logged and the pass goes on; the next
  pass retries it. Without it, the failure ends the pass.

`PoolBridge` lets such a worker thread query the read models on the service's asyncpg pool.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

import asyncpg

from .clock import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")
C = TypeVar("C")


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


class Sweep(ABC, Generic[C]):
    """One periodic sweep; a subclass names it and gives its rule (`candidates`, `settle`)."""

    label: ClassVar[str] = "sweep"
    """For logs: "lapse sweep"."""
    report: ClassVar[str] = "%d settled"
    """What a pass that changed something logs after the label, with the count: "%d endorsement(s) lapsed"."""
    isolate_failures: ClassVar[bool] = False

    def __init__(self, *, clock: Clock, interval: float, batch_size: int | None = None) -> None:
        if interval <= 0:
            raise ValueError("a sweep's interval must be positive")
        if batch_size is not None and batch_size < 1:
            raise ValueError("a sweep's batch size must be at least 1")
        self.clock = clock
        self.interval = interval
        self.batch_size = batch_size
        self.settled = 0
        """How many candidates this sweep settled since it was made."""
        self._last_batch = 0

    @abstractmethod
    def candidates(self, now: datetime) -> Sequence[C]:
        """The candidates due at `now` (at most `batch_size`), from a read model that may lag behind."""

    @abstractmethod
    def settle(self, candidate: C, now: datetime) -> bool:
        """Let the candidate's aggregate decide; True when it changed (False: no longer due, or refused)."""

    def reset(self) -> None:
        """After a failed pass, before the next: drop what may be broken (e.g. a connection). Nothing by default."""

    def close(self) -> None:
        """When the loop stops. Nothing by default."""

    def run_once(self) -> int:
        """One pass over one batch; returns how many candidates it settled."""
        now = self.clock()
        batch = self.candidates(now)
        self._last_batch = len(batch)
        count = 0
        for candidate in batch:
            try:
                if self.settle(candidate, now):
                    count += 1
            except Exception:
                if not self.isolate_failures:
                    raise
                log.exception("%s: %r failed; the next pass retries", self.label, candidate)
        self.settled += count
        return count

    def run_forever(self, stop: threading.Event) -> None:
        """Pass after pass until `stop` is set (a `Service.once_per_cluster` job)."""
        try:
            while not stop.is_set():
                try:
                    count = self.run_once()
                except Exception:
                    log.exception("%s failed; retrying in %.1f s", self.label, self.interval)
                    try:
                        self.reset()
                    except Exception:
                        log.exception("%s: reset failed", self.label)
                    stop.wait(self.interval)
                    continue
                if count:
                    log.info("%s: " + self.report, self.label, count)
                if not (count and self.batch_size is not None and self._last_batch >= self.batch_size):
                    stop.wait(self.interval)
        finally:
            self.close()
