"""That a person was erased here: their key destroyed, so what this service stored of them no longer opens.

One aggregate per erasure request, with an id derived from the request (`uuid5(erasure_id, "applications")`), so
a `PersonErased` delivered or replayed again finds it and changes nothing. Its event scrubs the read models and
becomes this service's `ErasureCompleted` answer (docs/erasure.md).
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

SERVICE: Final = "applications"


class Erasure(Aggregate):
    class SubjectErased(Aggregate.Created):
        tenant: str
        erasure_id: UUID
        subject: str
        withdrawn: list[UUID]
        """The applications withdrawn because their applicant was erased (empty for a rater)."""
        applications: list[UUID]
        """Every application of the erased applicant in the association (empty for a rater): the read models
        scrub what they show of each."""
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 named the withdrawn applications only."""
            state["applications"] = list(state["withdrawn"])

    @staticmethod
    def id_for(erasure_id: UUID) -> UUID:
        return uuid5(erasure_id, SERVICE)

    @classmethod
    def record(cls, *, erasure_id: UUID, tenant: str, subject: str, withdrawn: list[UUID],
               applications: list[UUID]) -> Erasure:
        return cls._create(cls.SubjectErased, id=cls.id_for(erasure_id), tenant=tenant, erasure_id=erasure_id,
                           subject=subject, withdrawn=withdrawn, applications=applications)

    @event(SubjectErased)
    def __init__(self, *, tenant: str, erasure_id: UUID, subject: str, withdrawn: list[UUID],
                 applications: list[UUID]) -> None:
        self.tenant = tenant
        self.erasure_id = erasure_id
        self.subject = subject
        self.withdrawn = list(withdrawn)
        self.applications = list(applications)
