"""Integration events, grouped by the service that publishes them. Each module lists its `EVENTS`."""

from __future__ import annotations

from ..base import IntegrationEvent
from . import accounts, applications, credentials, reviews
from .accounts import (
    AccountProfileChanged,
    AccountRegistered,
    EmailVerificationRequested,
    Language,
    PasswordChanged,
    PasswordResetRequested,
)
from .applications import ApplicationSubmitted, RequirementOutcome
from .common import CATEGORY_PATTERN, CategoryCode, Person
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
    *applications.EVENTS, *accounts.EVENTS, *reviews.EVENTS, *credentials.EVENTS)
EVENTS_BY_TYPE: dict[str, type[IntegrationEvent]] = {e.type_name(): e for e in ALL_EVENTS}

__all__ = [
    "ALL_EVENTS",
    "CATEGORY_PATTERN",
    "EVENTS_BY_TYPE",
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
    "ExamRegistered",
    "ExamScored",
    "InformationRequested",
    "Language",
    "PasswordChanged",
    "PasswordResetRequested",
    "Person",
    "RenewalApproved",
    "RequirementOutcome",
    "ReviewOpened",
    "ReviewerAssigned",
    "ReviewerReleased",
    "StatusListReference",
]
