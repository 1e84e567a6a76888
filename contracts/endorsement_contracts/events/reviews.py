"""Events the reviews service publishes on `endorsement.reviews.v1`."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from ..base import IntegrationEvent
from ..topics import REVIEWS
from .common import CATEGORY_PATTERN, CategoryCode, Person


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
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    designation: str | None = None
    emerging: bool = False
    effective_date: date
    renewal_date: date
    granted_by: UUID



class RenewalApproved(IntegrationEvent):
    """A renewal was approved: the endorsement stays in force until the new renewal date."""

    event_type: ClassVar[str] = "RenewalApproved"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    renewal_id: UUID = Field(description="Identifies this renewal; one per endorsement and renewal year.")
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    renewed_on: date
    renewal_date: date = Field(description="The new date by which the next renewal is due.")
    approved_by: UUID


class EndorsementLapsed(IntegrationEvent):
    """The renewal was not completed by the removal date: the endorsement is no longer in force."""

    event_type: ClassVar[str] = "EndorsementLapsed"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    lapsed_on: date
    reason: str = Field(min_length=1, max_length=500)


class EndorsementReinstated(IntegrationEvent):
    """A lapsed endorsement was reinstated after a reinstatement application was approved."""

    event_type: ClassVar[str] = "EndorsementReinstated"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    reinstatement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reinstated_on: date
    renewal_date: date
    approved_by: UUID


class EndorsementRevoked(IntegrationEvent):
    """A coordinator revoked an endorsement (permanent), with the reason recorded."""

    event_type: ClassVar[str] = "EndorsementRevoked"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    revoked_on: date
    reason: str = Field(min_length=1, max_length=1000)
    revoked_by: UUID


EVENTS: tuple[type[IntegrationEvent], ...] = (
    EndorsementGranted,
    RenewalApproved,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
)
