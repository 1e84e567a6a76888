"""One policy for concurrent changes: an attempt that met another writer runs again, a bounded number of times, then
the service's CONCURRENT_CHANGE refusal; anything else passes through at once."""

from __future__ import annotations

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from servicekit.concurrency import ATTEMPTS, CONCURRENT_CHANGE, DETAIL, OnConflict


class ConcurrentChange(Exception):
    code = CONCURRENT_CHANGE


class Refused(Exception):
    code = "NOT_OPEN"


class Attempts:
    """An attempt that conflicts `conflicts` times, then returns how many attempts it took."""

    def __init__(self, conflicts: int) -> None:
        self.conflicts = conflicts
        self.made = 0

    def __call__(self) -> int:
        self.made += 1
        if self.made <= self.conflicts:
            raise IntegrityError("another writer saved this version first")
        return self.made


def test_an_attempt_that_met_another_writer_runs_again() -> None:
    attempt = Attempts(conflicts=ATTEMPTS - 1)

    assert OnConflict(ConcurrentChange).run(attempt) == ATTEMPTS


def test_after_the_last_conflicting_attempt_the_service_s_refusal() -> None:
    attempt = Attempts(conflicts=ATTEMPTS)

    with pytest.raises(ConcurrentChange) as refused:
        OnConflict(ConcurrentChange).run(attempt)

    assert (attempt.made, str(refused.value), refused.value.code) == (ATTEMPTS, DETAIL, "CONCURRENT_CHANGE")
    assert refused.value.__context__ is None


def test_the_bound_and_what_counts_as_a_conflict_are_the_service_s() -> None:
    class HolderErased(Exception):
        pass

    made = []

    def attempt() -> str:
        made.append(1)
        if len(made) < 5:
            raise HolderErased
        return "saved"

    assert OnConflict(ConcurrentChange, attempts=8, conflicts=(IntegrityError, HolderErased)).run(attempt) == "saved"
    with pytest.raises(ConcurrentChange):
        OnConflict(ConcurrentChange, attempts=1).run(Attempts(conflicts=1))


def test_a_refusal_or_a_failure_is_not_run_again() -> None:
    made = []

    def refused() -> None:
        made.append(1)
        raise Refused("the other writer closed it")

    with pytest.raises(Refused):
        OnConflict(ConcurrentChange).run(refused)
    assert len(made) == 1


def test_the_refusal_has_the_one_code() -> None:
    with pytest.raises(ValueError, match=CONCURRENT_CHANGE):
        OnConflict(Refused)
    with pytest.raises(ValueError, match="at least one"):
        OnConflict(ConcurrentChange, attempts=0)


class Counter(Aggregate):
    def __init__(self) -> None:
        self.count = 0

    class Counted(Aggregate.Event):
        def apply(self, aggregate: Counter) -> None:
            aggregate.count += 1

    def count_one(self, limit: int) -> None:
        if self.count >= limit:
            raise Refused(f"the count is {self.count} already")
        self.trigger_event(self.Counted)


def test_two_racing_commands_decide_once_each_on_the_state_the_other_left() -> None:
    """With eventsourcing's own integrity error: the loser's attempt is refused whole, and runs again on the state
    the winner saved, where the aggregate's guard decides."""
    app = Application()
    counter = Counter()
    app.save(counter)
    reads = [app.repository.get(counter.id)]  # the loser read before the winner saved

    def count_one(limit: int) -> int:
        loaded: Counter = reads.pop() if reads else app.repository.get(counter.id)
        loaded.count_one(limit)
        app.save(loaded)
        return loaded.count

    winner: Counter = app.repository.get(counter.id)
    winner.count_one(limit=1)
    app.save(winner)

    with pytest.raises(Refused, match="the count is 1 already"):
        OnConflict(ConcurrentChange).run(lambda: count_one(limit=1))
    reads.append(app.repository.get(counter.id, version=1))
    assert OnConflict(ConcurrentChange).run(lambda: count_one(limit=2)) == 2
    assert app.repository.get(counter.id).count == 2
