"""Reviewer access: which reviewers of the application's review case may read it now (domain §4.3: reviewers "check
off the competencies in each section", so they read everything the applicant entered).

A mixin of the `Application` aggregate that follows the reviews service: an assignment (`ReviewerAssigned`) grants
the reviewer read access; its end (`ReviewerReleased`: declined, withdrawn by a coordinator, the case closed) ends
it. Stored events `Application.ReviewerAccessGranted` and `.ReviewerAccessEnded` (topics
`applications.domain.model:Application.<name>`).

The reviews service names a reviewer by address. What is stored is the address's keyed subject instead (`reviewer`:
`rater:<tenant>:<HMAC-SHA256(RATER_INDEX_KEY, lower(address))>`, `servicekit.subjects`, computed by the service),
never the address: the reviewer signing in is matched by the same subject of the address the gateway vouches for.
Nothing readable is left to erase, and an erasure request naming the address names this subject.

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

from .legacy import address_subject
from .lifecycle import SETTLED, Status


def _key(what: str, review_case_id: UUID, reviewer: str, at: datetime) -> str:
    """Names one review event's effect, so a second copy of it is recognised."""
    return "/".join((what, str(review_case_id), reviewer, at.isoformat()))


def _keyed_by_subject(state: dict[str, Any]) -> None:
    """Version 1 named the reviewer by address, in `reviewer_email` and inside `event_key` (`what/case/address/at`;
    an address may hold a slash, the other parts do not): both become the address's subject."""
    email = state.pop("reviewer_email")
    state["reviewer"] = address_subject(state, email)
    what, case, *_, at = state["event_key"].split("/")
    state["event_key"] = "/".join((what, case, state["reviewer"], at))


class ReviewerAccess:
    """Commands, events and queries of reviewer access; the aggregate provides `status`."""

    reviewer_grants: Mapping[str, UUID] = MappingProxyType({})
    """Each reviewer granted access (the subject of their address) -> the review case that assigned them."""
    handled_reviewer_events: frozenset[str] = frozenset()
    """Keys of the review events already applied (see `_key`). Class-level defaults: applications stored before
    reviewer access existed read back with no grants."""

    if TYPE_CHECKING:
        status: Status

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class ReviewerAccessGranted(Aggregate.Event):
        class_version = 2
        event_key: str
        review_case_id: UUID
        reviewer: str
        """The subject of the reviewer's address (never the address)."""
        slot: int

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _keyed_by_subject(state)

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_reviewer_events = aggregate.handled_reviewer_events | {self.event_key}
            aggregate.reviewer_grants = {**aggregate.reviewer_grants, self.reviewer: self.review_case_id}

    class ReviewerAccessEnded(Aggregate.Event):
        class_version = 2
        event_key: str
        review_case_id: UUID
        reviewer: str
        reason: str
        """`declined`, `withdrawn` or `case_closed` (as the reviews service said)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _keyed_by_subject(state)

        def apply(self, aggregate: Any) -> None:
            aggregate.handled_reviewer_events = aggregate.handled_reviewer_events | {self.event_key}
            aggregate.reviewer_grants = {r: c for r, c in aggregate.reviewer_grants.items() if r != self.reviewer}

    # Commands (from the reviews service's events) -----------------------------------------------

    def grant_reviewer_access(
        self, *, review_case_id: UUID, reviewer: str, slot: int, assigned_at: datetime
    ) -> bool:
        """The reviewer (the subject of their address) was assigned to the application's review case: they may read
        it. False when nothing changed (a copy already applied, or a withdrawn or decided application)."""
        key = _key("granted", review_case_id, reviewer, _aware(assigned_at))
        if key in self.handled_reviewer_events or self.status in SETTLED:
            return False
        self.trigger_event(
            self.ReviewerAccessGranted, event_key=key, review_case_id=review_case_id, reviewer=reviewer, slot=slot
        )
        return True

    def end_reviewer_access(
        self, *, review_case_id: UUID, reviewer: str, reason: str, released_at: datetime
    ) -> bool:
        """The reviewer's assignment to `review_case_id` ended: they may no longer read the application. False when
        nothing changed (a copy, no grant of that case, or one the application already ended by itself)."""
        key = _key("ended", review_case_id, reviewer, _aware(released_at))
        if key in self.handled_reviewer_events or self.reviewer_grants.get(reviewer) != review_case_id:
            return False
        self.trigger_event(
            self.ReviewerAccessEnded, event_key=key, review_case_id=review_case_id, reviewer=reviewer, reason=reason
        )
        return True

    # Queries ------------------------------------------------------------------------------------

    @property
    def reviewers_with_access(self) -> frozenset[str]:
        """The reviewers (subjects of their addresses) who may read the application now: none once settled."""
        if self.status in SETTLED:
            return frozenset()
        return frozenset(self.reviewer_grants)

    def reviewer_may_read(self, reviewer: str) -> bool:
        return reviewer in self.reviewers_with_access


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at
