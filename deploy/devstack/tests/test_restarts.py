"""The restart policy: exponential backoff, reset once a child stayed up, and the burst limit."""

from __future__ import annotations

import pytest
from devstack.restarts import GiveUp, Restart, RestartHistory, RestartPolicy

POLICY = RestartPolicy(initial=0.5, factor=2, maximum=30, stable_after=60, burst=10, burst_window=120)


def _delays(history: RestartHistory, crashes: int, *, every: float, up_for: float) -> list[float]:
    delays = []
    for i in range(crashes):
        decision = history.crashed(at=i * every, up_for=up_for)
        assert isinstance(decision, Restart)
        delays.append(decision.delay)
    return delays


def test_the_delay_doubles_from_half_a_second_up_to_thirty() -> None:
    history = RestartHistory(POLICY)
    assert _delays(history, 8, every=1, up_for=1) == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert history.restarts == 8


def test_a_child_that_stayed_up_long_enough_starts_again_from_the_shortest_delay() -> None:
    history = RestartHistory(POLICY)
    assert _delays(history, 3, every=1, up_for=1) == [0.5, 1, 2]
    assert history.crashed(at=100, up_for=60) == Restart(delay=0.5, attempt=4)
    assert history.crashed(at=101, up_for=1) == Restart(delay=1, attempt=5)


def test_more_crashes_than_the_burst_within_the_window_gives_up() -> None:
    history = RestartHistory(RestartPolicy(burst=3, burst_window=60))
    for at in (0, 1, 2):
        assert isinstance(history.crashed(at=at, up_for=1), Restart)
    assert history.crashed(at=3, up_for=1) == GiveUp(crashes=4, window=60)
    assert history.restarts == 3


def test_crashes_older_than_the_window_do_not_count_towards_the_burst() -> None:
    history = RestartHistory(RestartPolicy(burst=2, burst_window=10))
    decisions = [history.crashed(at=at, up_for=1) for at in (0, 5, 20, 25)]
    assert all(isinstance(d, Restart) for d in decisions)


@pytest.mark.parametrize("bad", [{"initial": 0}, {"initial": 40, "maximum": 30}, {"factor": 0.5}, {"burst": 0}])
def test_a_policy_that_cannot_work_is_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="need"):
        RestartPolicy(**bad)  # type: ignore[arg-type]
