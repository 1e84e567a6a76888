"""The reminder sweep: a background loop that re-emails raters who have not answered (a new link each time).

The `reference_requests` read model names the candidates; each application decides (not due, answered, withdrawn
or out of reminders: nothing), so a repeated sweep, or two processes sweeping, remind each rater once per period.
The loop is `servicekit.sweeps.Sweep`'s; one application's trouble (e.g. a concurrent change) does not stop it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from servicekit.sweeps import PoolBridge, Sweep

from ..projections.reference_requests import due_for_reminder
from ..use_cases.references import ReferenceCases

Candidates = Callable[[datetime, int], list[tuple[UUID, UUID]]]
"""(requested before, max reminders) -> (application id, reference id) pairs."""


def projection_candidates(bridge: PoolBridge) -> Candidates:
    def candidates(requested_before: datetime, max_reminders: int) -> list[tuple[UUID, UUID]]:
        return bridge.run(lambda pool: due_for_reminder(pool, requested_before, max_reminders))

    return candidates


class ReferenceReminders(Sweep[tuple[UUID, UUID]]):
    label = "reference reminders"
    report = "%d sent"
    isolate_failures = True

    def __init__(self, references: ReferenceCases, candidates: Candidates, *, interval: float) -> None:
        self.references = references
        self.due = candidates
        super().__init__(clock=self._store_clock, interval=interval)

    def _store_clock(self) -> datetime:
        return self.references.store.clock()  # whatever clock the store has at the time (tests move it)

    def candidates(self, now: datetime) -> list[tuple[UUID, UUID]]:
        policy = self.references.store.reference_policy
        return self.due(now - policy.remind_after, policy.max_reminders)

    def settle(self, candidate: tuple[UUID, UUID], now: datetime) -> bool:
        application_id, reference_id = candidate
        return self.references.remind_if_due(application_id, reference_id)
