"""The reviews service's event store: an eventsourcing application that loads cases and endorsements by tenant.

Personal values are sealed under their subject's key (`personal_transcodings`). Reviewers and scorers are known by
address: their subject is the keyed subject of the address in the association (`rater:<tenant>:<hmac>`,
`servicekit.subjects.rater_subject` under RATER_INDEX_KEY, the same as the gateway's, so an erasure request naming
the address reaches it). Events stored before assignments were sealed hold plain addresses; the store's mapper lets
their upcasters turn them into that subject (`domain/legacy.py`, `stored_addresses.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoding
from eventsourcing.utils import get_topic, register_topic
from servicekit.concurrency import OnConflict
from servicekit.eventstore import TrackedApplication
from servicekit.sealed_transcoding import Sealer, sealed_transcoding
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

from .domain import (
    Actor,
    Applicant,
    AuditEntry,
    CaseNotFound,
    Endorsement,
    EndorsementNotFound,
    Relations,
    ReviewCase,
    Reviewer,
    audit_trail,
    case_events,
)
from .domain.errors import ConcurrentChange
from .domain.examination import events as examination_events
from .domain.examination.aggregate import Examination
from .domain.personal import CaseText, Fingerprint, ReviewerComments, RosterMember
from .stored_addresses import AddressResolvingMapper, StoreAddresses

ON_CONFLICT = OnConflict(ConcurrentChange)
"""The service's policy for concurrent changes (`retrying`)."""
T = TypeVar("T")

OLD_EXAMINATION_TOPIC = "reviews.domain.examination:Examination"
OLD_EXAMINATION_EVENTS = "reviews.domain.examination_events"
# The modules a review case's events were stored from before they moved to `domain/case_events.py`, each with the
# events it held. Never remove one: events stored under these topics stay in the store.
OLD_CASE_EVENT_MODULES: Mapping[str, tuple[str, ...]] = {
    "reviews.domain.events_intake": (
        "CompletenessPassed", "ReturnedIncomplete", "InformationRequested", "InformationReceived", "Withdrawn",
    ),
    "reviews.domain.events_review": (
        "ReviewerAssigned", "AssignmentAnswered", "ReviewerWithdrawn", "RecommendationSubmitted", "ReviewConcluded",
    ),
    "reviews.domain.events_decisions": ("ApprovedAsEmerging", "ApprovedForExam", "ExamScored", "Deferred", "Denied"),
    "reviews.domain.events_register": ("RenewalCaseApproved", "ReinstatementCaseApproved"),
}


def register_moved_topics() -> None:
    """A stored event names its class by topic (`module:qualname`). Examinations stored before the exam modules
    became the `domain/examination/` package name `reviews.domain.examination:Examination` (and its `.Opened`)
    and `reviews.domain.examination_events:<Event>`, and a case's events stored before they moved to
    `case_events.py` name `reviews.domain.events_<concern>:<Event>`: those topics resolve to the classes they name
    now."""
    register_topic(OLD_EXAMINATION_TOPIC, Examination)
    module = examination_events
    for name, value in vars(module).items():
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and value.__module__ == module.__name__:
            register_topic(f"{OLD_EXAMINATION_EVENTS}:{name}", value)
    for old_module, names in OLD_CASE_EVENT_MODULES.items():
        for name in names:
            register_topic(f"{old_module}:{name}", getattr(case_events, name))


def stored_topics(event_class: type[Any]) -> list[str]:
    """Every topic events of `event_class` are stored under: its own, and the one it had before it moved (to
    select them by topic, e.g. with `select_notifications(..., topics=...)`)."""
    old = [f"{module}:{event_class.__qualname__}" for module, names in OLD_CASE_EVENT_MODULES.items()
           if event_class.__qualname__ in names and getattr(case_events, event_class.__qualname__) is event_class]
    return [get_topic(event_class), *old]


register_moved_topics()


class PersonalDataKeys(Sealer, Protocol):
    """What the store needs of `servicekit.shredding.SubjectKeys` (the per-subject keys of the reviews schema)."""

    def destroy(self, subject: str) -> None: ...

    def is_erased(self, subject: str) -> bool: ...

    def close(self) -> None: ...


class LegacySubjects(Protocol):
    """The `reviewer:` subjects that sealed a reviewer's values on the v2 topic before the address subject did
    (`reviewer_subjects.LegacyReviewerSubjects`)."""

    def legacy_of(self, address_subject: str) -> str | None: ...


class NoLegacySubjects:
    """A store that never sealed under `reviewer:` subjects (tests without engines)."""

    def legacy_of(self, address_subject: str) -> str | None:
        return None


class PlainApplicant(Transcoding):
    """Reads applicants stored before sealing (`{account_id, name, email}` in plain text); never used to write."""

    type = Applicant
    name = "reviews_applicant"

    def encode(self, obj: Applicant) -> dict[str, Any]:
        raise TypeError("applicants are stored sealed")

    def decode(self, data: dict[str, Any]) -> Applicant:
        return Applicant(account_id=data["account_id"], name=data["name"], email=data["email"])


class PlainActor(Transcoding):
    """Reads actors stored before sealing (`{account_id, name}`); never used to write."""

    type = Actor
    name = "reviews_actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        raise TypeError("actors are stored sealed")

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(account_id=data["account_id"], name=data["name"])


class RelationsAsFingerprints(Transcoding):
    """A case's relations: fingerprints only. Plain relations (of a case stored before) are never written."""

    type = Relations
    name = "reviews_relations"

    def encode(self, obj: Relations) -> dict[str, Any]:
        if not obj.fingerprinted:
            raise TypeError("relations are stored as fingerprints only")
        return {"applicant": obj.applicant, "employer": obj.employer, "related": sorted(obj.related)}

    def decode(self, data: dict[str, Any]) -> Relations:
        return Relations(data["applicant"], data["employer"], frozenset(data["related"]))


def personal_transcodings(keys: Sealer) -> list[Transcoding]:
    """Each personal value sealed under its subject (servicekit.sealed_transcoding, docs/erasure.md)."""
    return [
        sealed_transcoding(Applicant, name="reviews_applicant_v2", personal=("name", "email"), keys=keys),
        sealed_transcoding(Actor, name="reviews_actor_v2", personal=("name",), keys=keys),
        sealed_transcoding(ReviewerComments, name="reviews_reviewer_comments",
                           personal=("for_applicant", "private_notes"), keys=keys),
        sealed_transcoding(CaseText, name="reviews_case_text", personal=("text",), keys=keys),
        sealed_transcoding(RosterMember, name="reviews_roster_member", personal=("email", "name"), keys=keys),
    ]


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
    """The event store. Personal values are sealed under their subject's key in `keys` (one store per service
    schema); the employer and related people of a case are kept only as `fingerprint`s (see `Relations`); reviewers'
    and scorers' subjects are keyed by `rater_index_key` (RATER_INDEX_KEY; development and tests use servicekit's
    fixed development key, as the other services do), and `legacy_subjects` names the `reviewer:` subjects that
    sealed their values before."""

    def __init__(self, env: Mapping[str, str] | None = None, *, keys: PersonalDataKeys,
                 fingerprint: Fingerprint, rater_index_key: bytes = DEVELOPMENT_RATER_INDEX_KEY,
                 legacy_subjects: LegacySubjects | None = None) -> None:
        self.keys = keys  # before super().__init__, which registers the transcodings
        self.fingerprint = fingerprint
        self.rater_index_key = rater_index_key
        self.legacy_subjects: LegacySubjects = legacy_subjects or NoLegacySubjects()
        self.addresses = StoreAddresses(self)
        super().__init__(env)

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=AddressResolvingMapper)
        if isinstance(mapper, AddressResolvingMapper):
            mapper.subjects = self.addresses
        return mapper

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(PlainApplicant())  # the plain readers first: the sealed ones then write each type
        transcoder.register(PlainActor())
        transcoder.register(RelationsAsFingerprints())
        for transcoding in personal_transcodings(self.keys):
            transcoder.register(transcoding)

    def close(self) -> None:
        super().close()
        self.keys.close()

    def is_erased(self, subject: str) -> bool:
        """Whether the subject was erased here: nothing may be sealed for them any more."""
        return self.keys.is_erased(subject)

    def address_subject(self, tenant: str, email: str) -> str:
        """The subject of a reviewer or scorer, known by address: `rater:<tenant>:<hmac>` (module docstring)."""
        return rater_subject(tenant, email, self.rater_index_key)

    def identified(self, member: Reviewer, tenant: str) -> Reviewer:
        """A roster entry with the subject of its address, as assignments name it."""
        return replace(member, subject=self.address_subject(tenant, member.email))

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
        on the new state, so concurrent commands decide once and the others are refused by the guards
        (`servicekit.concurrency`: 409 `CONCURRENT_CHANGE` after `ON_CONFLICT.attempts` conflicts)."""
        return ON_CONFLICT.run(attempt)
