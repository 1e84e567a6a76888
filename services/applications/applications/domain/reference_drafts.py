"""A rater's unfinished answers, saved through their link until they submit or decline.

Kept in an aggregate of its own (id derived from the reference), not on the Application: a rater saving a draft
changes nothing the applicant sees, so it must not change the application's version (its `ETag`) either. Drafts
are the rater's alone: no API of the applicant, coordinator or reviewer reads them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def draft_id(reference_id: UUID) -> UUID:
    """One draft per reference, whichever of its links (re-sends, reminders) the rater uses."""
    return uuid5(NAMESPACE_URL, f"applications/reference-draft/{reference_id}")


class ReferenceDraft(Aggregate):
    class Started(Aggregate.Created):
        tenant: str
        reference_id: UUID

    class Saved(Aggregate.Event):
        ratings: dict[str, str]
        comments: str | None
        at: datetime

    @event(Started)
    def __init__(self, id: UUID, tenant: str, reference_id: UUID) -> None:
        self.tenant = tenant
        self.reference_id = reference_id
        self.ratings: dict[str, str] = {}
        self.comments: str | None = None
        self.saved_at: datetime | None = None

    @classmethod
    def start(cls, tenant: str, reference_id: UUID) -> ReferenceDraft:
        return cls(id=draft_id(reference_id), tenant=tenant, reference_id=reference_id)

    @event(Saved)
    def save(self, ratings: dict[str, str], comments: str | None, at: datetime) -> None:
        self.ratings = dict(ratings)
        self.comments = comments
        self.saved_at = at
