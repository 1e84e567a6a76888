"""Events the applications service publishes on `endorsement.applications.v1`."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from ..base import IntegrationEvent
from ..topics import APPLICATIONS
from .common import CATEGORY_PATTERN, CategoryCode, Person


class ApplicationSubmitted(IntegrationEvent):
    """An applicant submitted an application for endorsement in a category."""

    event_type: ClassVar[str] = "ApplicationSubmitted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    submission_number: int = Field(ge=1, description="1 for the first submission, 2+ for resubmissions.")
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rule_set_version: str = Field(description="Identifier of the rule set in force at submission.")
    details: dict[str, str] = Field(default_factory=dict, description="Applicant-entered summary fields.")


EVENTS: tuple[type[IntegrationEvent], ...] = (ApplicationSubmitted,)
