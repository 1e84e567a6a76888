"""A rater's unfinished answers, saved through their link until they submit or decline.

Kept in an aggregate of its own (id derived from the reference), not on the Application: a rater saving a draft
changes nothing the applicant sees, so it must not change the application's version (its `ETag`) either. Drafts
are the rater's alone: no API of the applicant, coordinator or reviewer reads them. Their comments are stored
sealed under the applicant's subject, as the answered reference's are (it is part of the applicant's file).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .legacy import applicant_text
from .values import PersonalText


def draft_id(reference_id: UUID) -> UUID:
    """One draft per reference, whichever of its links (re-sends, reminders) the rater uses."""
    return uuid5(NAMESPACE_URL, f"applications/reference-draft/{reference_id}")


class ReferenceDraft(Aggregate):
    class Started(Aggregate.Created):
        tenant: str
        reference_id: UUID
        application_id: UUID | None
        """The application of the reference; absent on drafts started before sealing."""

    class Saved(Aggregate.Event):
        class_version = 2
        ratings: dict[str, str]
        comments: PersonalText
        """Sealed under the applicant's subject (None when there are none, and once the applicant is erased)."""
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: plaintext `comments`."""
            state["comments"] = applicant_text(state, state["comments"])

        def apply(self, aggregate: Any) -> None:
            aggregate.ratings = dict(self.ratings)
            aggregate.comments = self.comments.text
            aggregate.saved_at = self.at

    @event(Started)
    def __init__(self, id: UUID, tenant: str, reference_id: UUID, application_id: UUID | None = None) -> None:
        self.tenant = tenant
        self.reference_id = reference_id
        self.application_id = application_id
        self.ratings: dict[str, str] = {}
        self.comments: str | None = None
        self.saved_at: datetime | None = None

    @classmethod
    def start(cls, tenant: str, reference_id: UUID, application_id: UUID) -> ReferenceDraft:
        return cls(id=draft_id(reference_id), tenant=tenant, reference_id=reference_id,
                   application_id=application_id)

    def save(self, ratings: Mapping[str, str], comments: str | None, applicant: str, at: datetime) -> None:
        """Keep the rater's answers so far; `comments` sealed under `applicant` (the applicant's subject)."""
        self.trigger_event(self.Saved, ratings=dict(ratings), comments=PersonalText(applicant, comments), at=at)
