"""Integration events, grouped by the service that publishes them. Each module lists its `EVENTS`.

`<service>_v2` modules hold the v2 twins (same class names, same `event_type`, `version = 2`, on the `.v2` topic)
with every personal field sealed; import the module to tell them apart: `applications_v2.ApplicationSubmitted`.
`EVENTS_BY_TYPE` is keyed by CloudEvents type (`ApplicationSubmitted.v1`, `ApplicationSubmitted.v2`)."""

from __future__ import annotations

from ..base import IntegrationEvent
from . import accounts, accounts_v2, applications, applications_v2, credentials, erasures, reviews, reviews_v2
from .accounts import (
    AccountProfileChanged,
    AccountRegistered,
    EmailVerificationRequested,
    Language,
    PasswordChanged,
    PasswordResetRequested,
)
from .applications import ApplicationSubmitted, RequirementOutcome
from .applications_v2 import SealedRater, SealedRequirementOutcome
from .common import (
    CATEGORY_PATTERN,
    SEALED,
    SEALED_PATTERN,
    CategoryCode,
    Person,
    Sealed,
    SealedMarker,
    SealedPerson,
)
from .credentials import (
    CredentialChanged,
    CredentialExpired,
    CredentialIssued,
    CredentialReinstated,
    CredentialRenewed,
    CredentialRevoked,
    CredentialSuspended,
    StatusListReference,
)
from .erasures import ERASING_SERVICES, ErasingService, ErasureCompleted, ErasureDue, PersonErased
from .reviews import (
    ApplicationDeferred,
    ApprovedForExam,
    EndorsementDenied,
    EndorsementGranted,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    ExamRegistered,
    ExamScored,
    InformationRequested,
    RenewalApproved,
    ReviewerAssigned,
    ReviewerReleased,
    ReviewOpened,
)

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    *applications.EVENTS, *accounts.EVENTS, *reviews.EVENTS, *credentials.EVENTS, *erasures.EVENTS,
    *applications_v2.EVENTS, *accounts_v2.EVENTS, *reviews_v2.EVENTS)
EVENTS_BY_TYPE: dict[str, type[IntegrationEvent]] = {e.type_name(): e for e in ALL_EVENTS}


def twin_of(event: type[IntegrationEvent]) -> type[IntegrationEvent] | None:
    """The other version of an event of a sealed topic: a v1 event's sealed v2 twin, a v2 event's v1 original
    (same `event_type`); None for events without one (credentials, erasures)."""
    other = {1: 2, 2: 1}.get(event.version)
    return None if other is None else EVENTS_BY_TYPE.get(f"{event.event_type}.v{other}")

__all__ = [
    "ALL_EVENTS",
    "CATEGORY_PATTERN",
    "ERASING_SERVICES",
    "EVENTS_BY_TYPE",
    "SEALED",
    "SEALED_PATTERN",
    "AccountProfileChanged",
    "AccountRegistered",
    "ApplicationDeferred",
    "ApplicationSubmitted",
    "ApprovedForExam",
    "CategoryCode",
    "CredentialChanged",
    "CredentialExpired",
    "CredentialIssued",
    "CredentialReinstated",
    "CredentialRenewed",
    "CredentialRevoked",
    "CredentialSuspended",
    "EmailVerificationRequested",
    "EndorsementDenied",
    "EndorsementGranted",
    "EndorsementLapsed",
    "EndorsementReinstated",
    "EndorsementRevoked",
    "ErasingService",
    "ErasureCompleted",
    "ErasureDue",
    "ExamRegistered",
    "ExamScored",
    "InformationRequested",
    "Language",
    "PasswordChanged",
    "PasswordResetRequested",
    "Person",
    "PersonErased",
    "RenewalApproved",
    "RequirementOutcome",
    "ReviewOpened",
    "ReviewerAssigned",
    "ReviewerReleased",
    "Sealed",
    "SealedMarker",
    "SealedPerson",
    "SealedRater",
    "SealedRequirementOutcome",
    "StatusListReference",
    "accounts_v2",
    "applications_v2",
    "reviews_v2",
    "twin_of",
]
