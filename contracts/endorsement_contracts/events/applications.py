"""Events the applications service publishes on `endorsement.applications.v1`."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

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



ApplicationKind = Literal["initial", "renewal", "reinstatement"]


class ApplicationStarted(IntegrationEvent):
    """An applicant opened a draft application (an initial one, a renewal or a reinstatement)."""

    event_type: ClassVar[str] = "ApplicationStarted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    kind: ApplicationKind = "initial"
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    endorsement_id: UUID | None = Field(default=None, description="The endorsement a renewal or reinstatement is for.")


class ApplicationRegistered(IntegrationEvent):
    """The applicant registered (paid the registration fee); the coordinator must now accept the registration."""

    event_type: ClassVar[str] = "ApplicationRegistered"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    registered_at: AwareDatetime


class RegistrationAccepted(IntegrationEvent):
    """A coordinator accepted the registration: the applicant may complete and submit the application."""

    event_type: ClassVar[str] = "RegistrationAccepted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    accepted_by: UUID
    accepted_at: AwareDatetime


class Rater(BaseModel):
    """The person asked to rate an applicant (no account on the platform)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    role: str = Field(pattern=r"^[a-z][a-z_]{1,39}$",
                      description="The rule set's rater kind, e.g. `supervisor`, `rsc_provider`, `endorsed_or_vetted`.")
    language: Literal["en", "es"] | None = Field(
        default=None, description="The language of the rater's email and form, when the applicant chose one; "
        "otherwise the association's default language.")


class ReferenceRequested(IntegrationEvent):
    """A rater is (again) asked to complete a reference form through a single-use, expiring link.

    The link is a bearer secret: this topic is internal (never a partner topic) and only the notifications
    service reads the field to send the email. Each new request (reminder or re-send) replaces the earlier link.
    """

    event_type: ClassVar[str] = "ReferenceRequested"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    reference_id: UUID
    request_number: int = Field(ge=1, description="1 for the first request, 2+ for reminders and re-sends.")
    reminder: bool = Field(default=False, description="True when sent because the rater has not answered yet.")
    slot: int = Field(ge=1, le=10, description="The rule set's reference slot (1-based).")
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rater: Rater
    form_url: str = Field(max_length=2000, description="The rater's form; carries the single-use token.")
    expires_at: AwareDatetime


class ReferenceCompleted(IntegrationEvent):
    """A rater submitted the reference form and it counts (fewer than the void threshold of
    "not enough information" answers)."""

    event_type: ClassVar[str] = "ReferenceCompleted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    reference_id: UUID
    slot: int = Field(ge=1, le=10)
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    rater: Rater
    completed_on: date
    valid_until: date = Field(description="A reference counts for applications submitted until this date.")
    waived: bool = Field(description="The applicant waived the right to see this reference.")
    not_enough_information: int = Field(ge=0)
    ratings: dict[str, str] = Field(default_factory=dict,
                                    description="Competency item id → rating, for reviewers; never shown "
                                    "to the applicant when waived.")


class _ReferenceVoided(IntegrationEvent):
    """The fields of `ReferenceVoided`; its sealed twin (`applications_v2`) seals `detail`."""

    event_type: ClassVar[str] = "ReferenceVoided"
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    reference_id: UUID
    slot: int = Field(ge=1, le=10)
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reason: Literal["not_enough_information", "expired", "withdrawn", "vetting_refused"]
    detail: str = Field(max_length=1000)


class ReferenceVoided(_ReferenceVoided):
    """A reference no longer counts."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name


class ReferenceDeclined(IntegrationEvent):
    """The rater declined to give the reference through their link: it no longer counts, and the applicant names
    another rater for the slot. `reason` is the rater's own words, if any: for coordinators and reviewers, and for
    the applicant only when the reference was not waived."""

    event_type: ClassVar[str] = "ReferenceDeclined"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    reference_id: UUID
    slot: int = Field(ge=1, le=10)
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rater: Rater
    waived: bool
    reason: str | None = Field(default=None, max_length=1000)


class ApplicationResubmitted(ApplicationSubmitted):
    """The applicant answered an information request or a deferral and submitted again
    (`submission_number` ≥ 2). Carries everything `ApplicationSubmitted` does."""

    event_type: ClassVar[str] = "ApplicationResubmitted"
    version: ClassVar[int] = 1

    in_response_to: Literal["information_request", "deferral"]


class ApplicationWithdrawn(IntegrationEvent):
    """The applicant withdrew the application before a decision."""

    event_type: ClassVar[str] = "ApplicationWithdrawn"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reason: str = Field(min_length=1, max_length=1000)
    submission_number: int = Field(ge=0, description="0 when it was never submitted.")


class RenewalSubmitted(IntegrationEvent):
    """A holder submitted the yearly renewal of an endorsement."""

    event_type: ClassVar[str] = "RenewalSubmitted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    endorsement_id: UUID
    submission_number: int = Field(ge=1)
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    renewal_year: int = Field(ge=2000, le=2200, description="The year whose renewal this is.")
    rule_set_version: str
    requirement_report: list[RequirementOutcome]
    details: dict[str, str] = Field(default_factory=dict)


class ReinstatementSubmitted(IntegrationEvent):
    """A former holder whose endorsement lapsed asked for it back (new references; the exam is not retaken)."""

    event_type: ClassVar[str] = "ReinstatementSubmitted"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = APPLICATIONS.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID
    endorsement_id: UUID
    submission_number: int = Field(ge=1)
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rule_set_version: str
    requirement_report: list[RequirementOutcome]
    details: dict[str, str] = Field(default_factory=dict)


EVENTS: tuple[type[IntegrationEvent], ...] = (
    ApplicationStarted,
    ApplicationRegistered,
    RegistrationAccepted,
    ReferenceRequested,
    ReferenceCompleted,
    ReferenceVoided,
    ReferenceDeclined,
    ApplicationSubmitted,
    ApplicationResubmitted,
    ApplicationWithdrawn,
    RenewalSubmitted,
    ReinstatementSubmitted,
)
"""Only events; `RequirementOutcome` and `Rater` are parts of some."""
