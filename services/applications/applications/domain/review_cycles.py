"""The review case of the latest submission and its review cycle, as the applicant sees them.

A mixin of the `Application` aggregate that follows the reviews service's `ReviewOpened`: the case opened for a
submission, and the review cycle (intake window) it belongs to, with when the cycle opens and when its intake
closes. None on rolling intake. Stored event `Application.ReviewCaseOpened` (topic
`applications.domain.model:Application.ReviewCaseOpened`).

- Each opening applies once: the aggregate remembers the key of each one applied (case and submission), so a
  redelivered or republished copy changes nothing.
- An opening about an earlier submission than the one recorded (a late copy) changes nothing; nor does one reaching a
  withdrawn or decided application (raced: the cycle no longer matters).
- Whether the case still waits for its cycle is a question of time (`waits_for_cycle(now)`), not an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .lifecycle import SETTLED, Status


@dataclass(frozen=True)
class ReviewCycle:
    """One intake window: `id` such as `2026-Q4`; the dates are None when the publisher gave none."""

    id: str
    opens_at: datetime | None
    deadline: datetime | None


@dataclass(frozen=True)
class ReviewCase:
    """The review case opened for a submission, with its cycle (None: rolling intake)."""

    review_case_id: UUID
    submission_number: int
    opened_at: datetime
    cycle: ReviewCycle | None

    def waits_for_cycle(self, now: datetime) -> bool:
        """True while the case's cycle has not opened yet."""
        return self.cycle is not None and self.cycle.opens_at is not None and now < self.cycle.opens_at


def _key(review_case_id: UUID, submission_number: int) -> str:
    """Names one opening, so a second copy of it is recognised."""
    return f"opened/{review_case_id}/{submission_number}"


class ReviewCycles:
    """Command, event and state of the review case's opening; the aggregate provides `status`."""

    review_case: ReviewCase | None = None
    """The latest submission's review case; None until one is opened. Class-level defaults: applications stored
    before this existed read back without one."""
    handled_openings: frozenset[str] = frozenset()

    if TYPE_CHECKING:
        status: Status

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class ReviewCaseOpened(Aggregate.Event):
        opening_key: str
        review_case_id: UUID
        submission_number: int
        opened_at: datetime
        cycle_id: str | None
        cycle_opens_at: datetime | None
        cycle_deadline: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_openings = aggregate.handled_openings | {self.opening_key}
            cycle = None
            if self.cycle_id is not None:
                cycle = ReviewCycle(id=self.cycle_id, opens_at=self.cycle_opens_at, deadline=self.cycle_deadline)
            aggregate.review_case = ReviewCase(review_case_id=self.review_case_id,
                                               submission_number=self.submission_number, opened_at=self.opened_at,
                                               cycle=cycle)

    def record_review_opened(
        self,
        *,
        review_case_id: UUID,
        submission_number: int,
        opened_at: datetime,
        cycle_id: str | None,
        cycle_opens_at: datetime | None = None,
        cycle_deadline: datetime | None = None,
    ) -> bool:
        """The reviews service opened a case for a submission. False when nothing changed (a copy, an earlier
        submission's late opening, or a withdrawn or decided application)."""
        key = _key(review_case_id, submission_number)
        if key in self.handled_openings or self.status in SETTLED:
            return False
        current = self.review_case
        if current is not None and submission_number < current.submission_number:
            return False
        for at in (opened_at, cycle_opens_at, cycle_deadline):
            if at is not None and at.tzinfo is None:
                raise ValueError("times must be timezone-aware")
        self.trigger_event(
            self.ReviewCaseOpened,
            opening_key=key,
            review_case_id=review_case_id,
            submission_number=submission_number,
            opened_at=opened_at,
            cycle_id=cycle_id,
            cycle_opens_at=cycle_opens_at if cycle_id is not None else None,
            cycle_deadline=cycle_deadline if cycle_id is not None else None,
        )
        return True
