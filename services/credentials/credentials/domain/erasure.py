"""The record that this service erased a subject (docs/erasure.md: "What each service does with PersonErased").

One `Erasure` per erasure request, its id derived from the request's id and this service's name, so a
`PersonErased` delivered or replayed again finds it and records nothing. Its event is what the read models
scrub on (a projection rebuilt later scrubs the same rows) and what the relay answers `ErasureCompleted` for.
"""

from datetime import datetime
from typing import Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

SERVICE: Final = "credentials"


def erasure_record_id(erasure_id: UUID) -> UUID:
    return uuid5(erasure_id, SERVICE)


class Erasure(Aggregate):
    class SubjectErased(Aggregate.Created):
        erasure_id: UUID
        tenant: str
        subject: str
        erased_at: datetime

    @staticmethod
    def create_id(erasure_id: UUID) -> UUID:
        return erasure_record_id(erasure_id)

    @event(SubjectErased)
    def __init__(self, *, erasure_id: UUID, tenant: str, subject: str, erased_at: datetime) -> None:
        self.erasure_id = erasure_id
        self.tenant = tenant
        self.subject = subject
        self.erased_at = erased_at
