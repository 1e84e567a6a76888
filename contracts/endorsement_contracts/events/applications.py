"""Events the applications service publishes on `endorsement.applications.v1`."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ..base import IntegrationEvent
from ..topics import APPLICATIONS
from .common import CATEGORY_PATTERN, CategoryCode, Person


class RequirementOutcome(BaseModel):
    """One requirement of the rule set, as the applications service judged it at submission."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$", description="Stable requirement code, e.g. `RSC_HOURS`.")
    met: bool
    detail: str = Field(max_length=2000, description="What was found, e.g. `24 of 24 hours of RSC …`.")


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
    rule_set_version: str = Field(description="Identifier of the rule set in force at submission: "
                                  "`<tenant>/<category>/<effective_from>`.")
    details: dict[str, str] = Field(default_factory=dict, description="Applicant-entered summary fields.")
    requirement_report: list[RequirementOutcome] | None = Field(
        default=None, description="Every requirement of that rule set as judged at submission (all met). "
        "Absent from producers that predate rule sets.")
    exam_required: bool | None = Field(
        default=None, description="Whether the rule set requires the written exam after approval. Absent from "
        "producers that predate rule sets.")


EVENTS: tuple[type[IntegrationEvent], ...] = (ApplicationSubmitted,)
"""Only events; `RequirementOutcome` is a part of one."""
