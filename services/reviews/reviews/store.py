"""The reviews service's event store: an eventsourcing application that loads cases and endorsements by tenant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from servicekit.eventstore import TrackedApplication

from .domain import (
    Actor,
    Applicant,
    AuditEntry,
    CaseNotFound,
    Endorsement,
    EndorsementNotFound,
    ReviewCase,
    audit_trail,
)

SAVE_ATTEMPTS = 3
T = TypeVar("T")


class ApplicantAsDict(Transcoding):
    type = Applicant
    name = "reviews_applicant"

    def encode(self, obj: Applicant) -> dict[str, Any]:
        return {"account_id": obj.account_id, "name": obj.name, "email": obj.email}

    def decode(self, data: dict[str, Any]) -> Applicant:
        return Applicant(**data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "reviews_actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return {"account_id": obj.account_id, "name": obj.name}

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(**data)


@dataclass(frozen=True)
class CaseFile:
    """A case with its audit trail, as a coordinator sees it."""

    case: ReviewCase
    history: list[AuditEntry]


@dataclass(frozen=True)
class EndorsementFile:
    endorsement: Endorsement
    history: list[AuditEntry]


class ReviewStore(TrackedApplication):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(ApplicantAsDict())
        transcoder.register(ActorAsDict())

    def get_case(self, case_id: UUID, tenant: str) -> ReviewCase:
        """The case, if it belongs to `tenant`; another association's case does not exist for the caller."""
        try:
            case: object = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound(f"no review case {case_id}") from None
        if not isinstance(case, ReviewCase) or case.tenant != tenant:
            raise CaseNotFound(f"no review case {case_id}")
        return case

    def get_endorsement(self, endorsement_id: UUID, tenant: str) -> Endorsement:
        try:
            endorsement: object = self.repository.get(endorsement_id)
        except AggregateNotFoundError:
            raise EndorsementNotFound(f"no endorsement {endorsement_id}") from None
        if not isinstance(endorsement, Endorsement) or endorsement.tenant != tenant:
            raise EndorsementNotFound(f"no endorsement {endorsement_id}")
        return endorsement

    def case_file(self, case_id: UUID, tenant: str) -> CaseFile:
        case = self.get_case(case_id, tenant)
        return CaseFile(case=case, history=audit_trail(self.events.get(case_id, lte=case.version)))

    def endorsement_file(self, endorsement_id: UUID, tenant: str) -> EndorsementFile:
        endorsement = self.get_endorsement(endorsement_id, tenant)
        events = self.events.get(endorsement_id, lte=endorsement.version)
        return EndorsementFile(endorsement=endorsement, history=audit_trail(events))

    def retrying(self, attempt: Callable[[], T]) -> T:
        """Run load-decide-save again when someone changed the aggregates meanwhile; each attempt decides afresh
        on the new state, so concurrent commands decide once and the others are refused by the guards."""
        for remaining in reversed(range(SAVE_ATTEMPTS)):
            try:
                return attempt()
            except IntegrityError:
                if remaining == 0:
                    raise
        raise AssertionError("unreachable")
