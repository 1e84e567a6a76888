"""Integration events, grouped by the service that publishes them. Each module lists its `EVENTS`."""

from __future__ import annotations

from ..base import IntegrationEvent
from . import applications, credentials, reviews
from .applications import ApplicationSubmitted
from .common import CATEGORY_PATTERN, CategoryCode, Person
from .credentials import CredentialIssued
from .reviews import (
    EndorsementGranted,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    RenewalApproved,
)

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (*applications.EVENTS, *reviews.EVENTS, *credentials.EVENTS)
EVENTS_BY_TYPE: dict[str, type[IntegrationEvent]] = {e.type_name(): e for e in ALL_EVENTS}

__all__ = [
    "ALL_EVENTS",
    "CATEGORY_PATTERN",
    "EVENTS_BY_TYPE",
    "ApplicationSubmitted",
    "CategoryCode",
    "CredentialIssued",
    "EndorsementGranted",
    "EndorsementLapsed",
    "EndorsementReinstated",
    "EndorsementRevoked",
    "Person",
    "RenewalApproved",
]
