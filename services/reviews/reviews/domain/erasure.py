"""The record that this service erased a subject (docs/erasure.md: "What each service does with PersonErased").

One `Erasure` per erasure request, its id derived from the request's id and this service's name, so a
`PersonErased` delivered or replayed again finds it and records nothing. Its event is what the read models scrub
on (a projection rebuilt later scrubs the same rows) and what the relay answers `ErasureCompleted` for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .personal import account_of_subject
from .values import Described

SERVICE: Final = "reviews"
SURRENDER_REASON: Final = "erasure"
"""Why an erased person's endorsement was revoked (they surrendered it by asking to be erased)."""


def erasure_record_id(erasure_id: UUID) -> UUID:
    return uuid5(erasure_id, SERVICE)


class Erasure(Aggregate):
    class SubjectErased(Aggregate.Created):
        erasure_id: UUID
        tenant: str
        subject: str
        erased_at: datetime
        endorsements_surrendered: list[UUID]

        def describe(self) -> Described:
            return Described("subject_erased", "system", None,
                             {"endorsements_surrendered": str(len(self.endorsements_surrendered))})

        @property
        def account_id(self) -> UUID | None:
            """The erased account (None for a rater, whom this service knows only as a fingerprint)."""
            return account_of_subject(self.subject)

    @staticmethod
    def create_id(erasure_id: UUID) -> UUID:
        return erasure_record_id(erasure_id)

    @event(SubjectErased)
    def __init__(self, *, erasure_id: UUID, tenant: str, subject: str, erased_at: datetime,
                 endorsements_surrendered: list[UUID]) -> None:
        self.erasure_id = erasure_id
        self.tenant = tenant
        self.subject = subject
        self.erased_at = erased_at
        self.endorsements_surrendered = endorsements_surrendered
