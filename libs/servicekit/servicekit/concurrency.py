"""One policy for concurrent changes: run a command again on the fresh state, a few times, then refuse.

A command is one attempt: load the aggregates, apply the command, save what it recorded. When another writer saved
the same aggregate version first, eventsourcing's recorder refuses the save whole (`IntegrityError`: nothing of the
attempt is stored), and the attempt runs again, loading the state that writer left; its guards decide afresh, so of
two racing commands that cannot both hold, one is saved and the other refused by the domain's own rule. After
`attempts` conflicting attempts the service's refusal `CONCURRENT_CHANGE` is raised (each service maps it to 409).

The attempt must load inside itself (a retry that reuses what the failed attempt loaded would save a stale
decision) and have no effect besides the save. A client that pinned the version it saw (applications' `If-Match`)
gets its precondition refusal on the retry, since the fresh state has another version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

log = logging.getLogger(__name__)
T = TypeVar("T")

CONCURRENT_CHANGE = "CONCURRENT_CHANGE"
"""The one code of the refusal, in every service."""
ATTEMPTS = 3
"""Attempts unless a service says otherwise: a third conflict in a row means the aggregate is hot, and the client
is better told than kept waiting."""
DETAIL = "it was changed by someone else at the same time, again and again; reload it and try again"


@dataclass(frozen=True)
class OnConflict:
    """The policy, with the service's refusal (its class with code `CONCURRENT_CHANGE`, in its 409 family)."""

    refusal: Callable[[str], Exception]
    attempts: int = ATTEMPTS
    conflicts: tuple[type[Exception], ...] = (IntegrityError,)
    """What means "changed meanwhile, run again": eventsourcing's integrity error, and any other a service's
    attempt raises for a state that moved under it (credentials: a holder erased while a note was sealed)."""
    detail: str = DETAIL

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a command needs at least one attempt")
        if getattr(self.refusal, "code", None) != CONCURRENT_CHANGE:
            raise ValueError(f"the refusal of a concurrent change has the code {CONCURRENT_CHANGE}")

    def run(self, attempt: Callable[[], T]) -> T:
        """The attempt's result; the attempt again after a conflict; the refusal after `attempts` conflicts."""
        for number in range(1, self.attempts + 1):
            try:
                return attempt()
            except self.conflicts as conflict:
                log.info("concurrent change (attempt %d of %d): %s", number, self.attempts, type(conflict).__name__)
        raise self.refusal(self.detail)
