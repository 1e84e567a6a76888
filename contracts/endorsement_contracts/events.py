"""Integration events, version 1. Field names and meanings are the public contract."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from .base import IntegrationEvent
from .topics import APPLICATIONS, CREDENTIALS, REVIEWS

CategoryCode = str


class Person(BaseModel):
    """The applicant or holder as known to the platform (never published on the public topic)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr


class ApplicationSubmitted(IntegrationEvent):
    """An applicant submitted an application for endorsement in a category."""

    event_type: ClassVar[str] = "ApplicationSubmitted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    submission_number: int = Field(ge=1, description="1 for the first submission, 2+ for resubmissions.")
    applicant: Person
    category: CategoryCode = Field(pattern=r"^[A-Z][A-Z/\-]{1,15}$")
    category_name: str
    rule_set_version: str = Field(description="Identifier of the rule set in force at submission.")
    details: dict[str, str] = Field(default_factory=dict, description="Applicant-entered summary fields.")


class EndorsementGranted(IntegrationEvent):
    """A review decided to endorse the applicant in a category."""

    event_type: ClassVar[str] = "EndorsementGranted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    review_case_id: UUID
    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=r"^[A-Z][A-Z/\-]{1,15}$")
    category_name: str
    designation: str | None = None
    emerging: bool = False
    effective_date: date
    renewal_date: date
    granted_by: UUID


class CredentialIssued(IntegrationEvent):
    """A signed credential was issued; partners receive the whole signed credential."""

    event_type: ClassVar[str] = "CredentialIssued"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = CREDENTIALS.name
    key_field: ClassVar[str] = "credential_id"

    credential_id: UUID
    endorsement_id: UUID
    category: CategoryCode = Field(pattern=r"^[A-Z][A-Z/\-]{1,15}$")
    valid_from: date
    valid_until: date
    verification_url: str
    credential: dict[str, Any] = Field(description="The signed OpenBadgeCredential (VC Data Model 2.0).")


ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (ApplicationSubmitted, EndorsementGranted, CredentialIssued)
EVENTS_BY_TYPE: dict[str, type[IntegrationEvent]] = {e.type_name(): e for e in ALL_EVENTS}
