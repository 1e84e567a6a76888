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


EVENTS: tuple[type[IntegrationEvent], ...] = (EndorsementGranted,)
