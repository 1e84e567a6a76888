"""The periodic-sweep shape: a pass settles a batch, the loop repeats, drains full batches, and survives failures.

The services' sweeps run against the real engines in their own tests (reference reminders, lapse, expiry);
these pin the shared loop with a sweep whose candidates are a list and a stop event that counts its waits.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import pytest
from servicekit.sweeps import PoolBridge, Sweep

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


class Stop(threading.Event):
    """Records each wait instead of waiting; sets itself after `passes` waits."""

    def __init__(self, passes: int) -> None:
        super().__init__()
        self.passes = passes
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.passes:
            self.set()
        return self.is_set()


class ListSweep(Sweep[int]):
    """Candidates are the numbers still `due`; settling removes one (refused when `refuse` holds it)."""

    label = "test sweep"
    report = "%d done"

    def __init__(self, due: list[int], *, batch_size: int | None = None, interval: float = 5.0) -> None:
        super().__init__(clock=lambda: NOW, interval=interval, batch_size=batch_size)
        self.due = due
        self.refuse: set[int] = set()
        self.explode: set[int] = set()
        self.broken_passes = 0
        self.seen_now: list[datetime] = []
        self.resets = 0
        self.closed = False

    def candidates(self, now: datetime) -> list[int]:
        self.seen_now.append(now)
        if self.broken_passes:
            self.broken_passes -= 1
            raise ConnectionError("database down")
        return self.due[: self.batch_size] if self.batch_size else list(self.due)

    def settle(self, candidate: int, now: datetime) -> bool:
        if candidate in self.explode:
            raise RuntimeError(f"candidate {candidate} is in trouble")
        if candidate in self.refuse:
            return False
        self.due.remove(candidate)
        return True

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        self.closed = True


class IsolatingSweep(ListSweep):
    isolate_failures = True


def test_a_pass_settles_every_due_candidate_and_counts_what_changed() -> None:
    sweep = ListSweep([1, 2, 3])
    sweep.refuse = {2}
    assert sweep.run_once() == 2
    assert sweep.run_once() == 0  # the refused one stays due; the others are gone
    assert (sweep.due, sweep.settled, sweep.seen_now) == ([2], 2, [NOW, NOW])


def test_one_candidates_failure_ends_the_pass_unless_the_sweep_isolates_failures(
        caplog: pytest.LogCaptureFixture) -> None:
    strict = ListSweep([1, 2, 3])
    strict.explode = {2}
    with pytest.raises(RuntimeError, match="candidate 2"):
        strict.run_once()
    assert strict.due == [2, 3] and strict.settled == 0

    isolating = IsolatingSweep([1, 2, 3])
    isolating.explode = {2}
    assert isolating.run_once() == 2
    assert isolating.due == [2]
    assert "test sweep: 2 failed; the next pass retries" in caplog.text


def test_the_loop_waits_an_interval_between_passes_and_closes_when_stopped(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="servicekit.sweeps")
    sweep = ListSweep([1, 2])
    stop = Stop(passes=3)
    sweep.run_forever(stop)
    assert stop.waits == [5.0, 5.0, 5.0]
    assert (sweep.due, sweep.settled, len(sweep.seen_now), sweep.closed) == ([], 2, 3, True)
    assert caplog.text.count("test sweep: 2 done") == 1


def test_a_failed_pass_is_logged_reset_and_tried_again_after_the_interval(caplog: pytest.LogCaptureFixture) -> None:
    sweep = ListSweep([1])
    sweep.broken_passes = 2
    stop = Stop(passes=3)
    sweep.run_forever(stop)
    assert (sweep.resets, stop.waits, sweep.due) == (2, [5.0, 5.0, 5.0], [])
    assert caplog.text.count("test sweep failed; retrying in 5.0 s") == 2
    assert "ConnectionError: database down" in caplog.text


def test_full_batches_follow_each_other_at_once_until_the_backlog_is_drained() -> None:
    sweep = ListSweep(list(range(7)), batch_size=3)
    stop = Stop(passes=1)
    sweep.run_forever(stop)
    assert (sweep.due, sweep.settled, len(sweep.seen_now), stop.waits) == ([], 7, 3, [5.0])  # 3 + 3 + 1


def test_a_full_batch_that_changed_nothing_waits_instead_of_spinning() -> None:
    """A read model lagging behind the aggregates names candidates that are no longer due: no busy loop."""
    sweep = ListSweep([1, 2, 3], batch_size=3)
    sweep.refuse = {1, 2, 3}
    stop = Stop(passes=2)
    sweep.run_forever(stop)
    assert (len(sweep.seen_now), stop.waits) == (2, [5.0, 5.0])


def test_a_sweep_needs_a_positive_interval_and_batch_size() -> None:
    with pytest.raises(ValueError, match="interval"):
        ListSweep([], interval=0)
    with pytest.raises(ValueError, match="batch size"):
        ListSweep([], batch_size=0)


@pytest.fixture
def loop_thread() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()


def test_the_pool_bridge_runs_a_query_on_the_pools_loop_from_a_worker_thread(
        loop_thread: asyncio.AbstractEventLoop) -> None:
    bridge = PoolBridge()
    with pytest.raises(RuntimeError, match="not ready"):
        bridge.run(lambda pool: pool.fetchval("SELECT 1"))
    pool = cast(asyncpg.Pool, object())
    asyncio.run_coroutine_threadsafe(bridge.attach(pool), loop_thread).result(10)

    async def query(given: asyncpg.Pool) -> tuple[Any, asyncio.AbstractEventLoop]:
        return given, asyncio.get_running_loop()

    assert bridge.run(query) == (pool, loop_thread)
