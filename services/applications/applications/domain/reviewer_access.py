"""Reviewer access: which reviewers of the application's review case may read it now (domain §4.3: reviewers "check
off the competencies in each section", so they read everything the applicant entered).

A mixin of the `Application` aggregate that follows the reviews service: an assignment (`ReviewerAssigned`) grants
the reviewer, known by their email, read access; its end (`ReviewerReleased`: declined, withdrawn by a coordinator,
the case closed) ends it. Stored events `Application.ReviewerAccessGranted` and `.ReviewerAccessEnded` (topics
`applications.domain.model:Application.<name>`).

- Each review event applies once, whatever the order its copies arrive in: the aggregate remembers the key of each
  one applied (what, case, reviewer, when), so a redelivered or republished copy changes nothing, even after later
  events (a reviewer may be released and assigned again).
- A release ends only the grant of its own case (a late release of an earlier case leaves a later grant alone).
- A decided (endorsed, denied) or withdrawn application gives no reviewer access, whatever was granted, and takes no
  new grant: after the decision only coordinators read it. A deferral closes the case; the reviews service releases
  its reviewers, and a resubmission's new case assigns its own.
- Reading is all a reviewer may do (`access.py`): only the applicant changes the application.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .lifecycle import SETTLED, Status


def normalised_email(email: str) -> str:
    """Emails compare without case or surrounding spaces (as the reviews service's roster does)."""
    return email.strip().lower()


def _key(what: str, review_case_id: UUID, email: str, at: datetime) -> str:
    """Names one review event's effect, so a second copy of it is recognised."""
    return "/".join((what, str(review_case_id), email, at.isoformat()))


class ReviewerAccess:
    """Commands, events and queries of reviewer access; the aggregate provides `status`."""

    reviewer_grants: Mapping[str, UUID] = MappingProxyType({})
    """Each reviewer granted access (normalised email) -> the review case that assigned them."""
    handled_reviewer_events: frozenset[str] = frozenset()
    """Keys of the review events already applied (see `_key`). Class-level defaults: applications stored before
    reviewer access existed read back with no grants."""

    if TYPE_CHECKING:
        status: Status

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class ReviewerAccessGranted(Aggregate.Event):
        event_key: str
        review_case_id: UUID
        reviewer_email: str
        slot: int

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_reviewer_events = aggregate.handled_reviewer_events | {self.event_key}
            aggregate.reviewer_grants = {**aggregate.reviewer_grants, self.reviewer_email: self.review_case_id}

    class ReviewerAccessEnded(Aggregate.Event):
        event_key: str
        review_case_id: UUID
        reviewer_email: str
        reason: str
        """`declined`, `withdrawn` or `case_closed` (as the reviews service said)."""

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_reviewer_events = aggregate.handled_reviewer_events | {self.event_key}
            aggregate.reviewer_grants = {e: c for e, c in aggregate.reviewer_grants.items() if e != self.reviewer_email}

    # Commands (from the reviews service's events) -----------------------------------------------

    def grant_reviewer_access(
        self, *, review_case_id: UUID, reviewer_email: str, slot: int, assigned_at: datetime
    ) -> bool:
        """The reviewer was assigned to the application's review case: they may read it. False when nothing
        changed (a copy already applied, or a withdrawn or decided application)."""
        email = normalised_email(reviewer_email)
        key = _key("granted", review_case_id, email, _aware(assigned_at))
        if key in self.handled_reviewer_events or self.status in SETTLED:
            return False
        self.trigger_event(
            self.ReviewerAccessGranted, event_key=key, review_case_id=review_case_id, reviewer_email=email, slot=slot
        )
        return True

    def end_reviewer_access(
        self, *, review_case_id: UUID, reviewer_email: str, reason: str, released_at: datetime
    ) -> bool:
        """The reviewer's assignment to `review_case_id` ended: they may no longer read the application. False when
        nothing changed (a copy, no grant of that case, or one the application already ended by itself)."""
        email = normalised_email(reviewer_email)
        key = _key("ended", review_case_id, email, _aware(released_at))
        if key in self.handled_reviewer_events or self.reviewer_grants.get(email) != review_case_id:
            return False
        self.trigger_event(
            self.ReviewerAccessEnded, event_key=key, review_case_id=review_case_id, reviewer_email=email, reason=reason
        )
        return True

    # Queries ------------------------------------------------------------------------------------

    @property
    def reviewers_with_access(self) -> frozenset[str]:
        """The reviewers (normalised emails) who may read the application now: none once it is settled."""
        if self.status in SETTLED:
            return frozenset()
        return frozenset(self.reviewer_grants)

    def reviewer_may_read(self, reviewer_email: str) -> bool:
        return normalised_email(reviewer_email) in self.reviewers_with_access


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at
