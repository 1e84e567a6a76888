"""When to restart a crashed child: exponential backoff, reset once it stayed up, and a burst limit.

Pure bookkeeping (no processes, no clock of its own): the supervisor feeds it crash times and how
long the child had been up, and gets back either a delay before the next start or "give up".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RestartPolicy:
    """Backoff `initial` seconds, times `factor` per crash in a row, at most `maximum`.

    A child that stayed up `stable_after` seconds starts again from `initial`. More than `burst`
    crashes within `burst_window` seconds means it keeps crashing: the supervisor gives up on it.
    """

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    stable_after: float = 30.0
    burst: int = 5
    burst_window: float = 120.0

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum:
            raise ValueError("need 0 < initial <= maximum")
        if self.factor < 1 or self.burst < 1 or self.stable_after <= 0 or self.burst_window <= 0:
            raise ValueError("need factor >= 1, burst >= 1, stable_after > 0, burst_window > 0")


@dataclass(frozen=True)
class Restart:
    """Start the child again after `delay` seconds; this is its restart number `attempt`."""

    delay: float
    attempt: int


@dataclass(frozen=True)
class GiveUp:
    """The child crashed `crashes` times within the burst window: stop restarting it."""

    crashes: int
    window: float


@dataclass
class RestartHistory:
    """One child's crashes so far, under one policy."""

    policy: RestartPolicy = field(default_factory=RestartPolicy)
    restarts: int = 0
    """Restarts decided so far (what the stack reports per child)."""
    _in_a_row: int = 0
    _recent: deque[float] = field(default_factory=deque)

    def crashed(self, at: float, up_for: float) -> Restart | GiveUp:
        """Record a crash at time `at` (seconds, any monotonic clock) of a child that ran `up_for` seconds."""
        policy = self.policy
        if up_for >= policy.stable_after:
            self._in_a_row = 0
        self._recent.append(at)
        while self._recent and at - self._recent[0] > policy.burst_window:
            self._recent.popleft()
        if len(self._recent) > policy.burst:
            return GiveUp(crashes=len(self._recent), window=policy.burst_window)
        delay = min(policy.initial * policy.factor**self._in_a_row, policy.maximum)
        self._in_a_row += 1
        self.restarts += 1
        return Restart(delay=delay, attempt=self.restarts)
