"""Events the applications service publishes on `endorsement.applications.v2`: the twins of `applications`, with
every personal field sealed (docs/erasure.md; the contracts README lists each field and why).

Whose subject seals what: the applicant (`account:<account_id>`) seals their name and email, what they typed and
what their file says (details, requirement details, withdrawal reason), and the content of their references (a
decline reason, a void detail): it is part of the applicant's file. A rater (`rater:<tenant>:<hmac>`) seals their
own name and email and their form link, so erasing a rater hides who they are while their reference still counts.

A twin whose sealed fields are plain strings derives from its v1 event's fields (`applications._ReferenceVoided`)
and restates only what it seals; one whose nested model changes (`Person` to `SealedPerson`, `Rater` to
`SealedRater`) restates every field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..base import IntegrationEvent
from ..topics import APPLICATIONS_V2
from . import applications
from .applications import ApplicationKind
from .common import CATEGORY_PATTERN, CategoryCode, Sealed, SealedPerson

DetailName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""The name of a summary field in `details` (e.g. `statement`, `employer`, `rater_emails`): a machine name, never a
value, so nothing personal travels unsealed as a key."""


class SealedRequirementOutcome(BaseModel):
    """One requirement of the rule set, as the applications service judged it at submission. The detail is sealed:
    it is built from the applicant's file (hours, fees, membership, education)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$", description="Stable requirement code, e.g. `RSC_HOURS`.")
    met: bool
    detail: Sealed  # what was found, e.g. `24 of 24 hours of RSC …`


class SealedRater(BaseModel):
    """The person asked to rate an applicant (no account on the platform): name and email sealed under the rater's
    subject. Consumers that compare raters (reviews' conflict of interest) compare the opened emails."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Sealed
    email: Sealed
    role: str = Field(pattern=r"^[a-z][a-z_]{1,39}$",
                      description="The rule set's rater kind, e.g. `supervisor`, `rsc_provider`, `endorsed_or_vetted`.")
    language: Literal["en", "es"] | None = Field(
        default=None, description="The language of the rater's email and form, when the applicant chose one; "
        "otherwise the association's default language.")


class _ApplicationEvent(IntegrationEvent):
    version: ClassVar[int] = 2
    topic: ClassVar[str] = APPLICATIONS_V2.name
    key_field: ClassVar[str] = "application_id"

    application_id: UUID


class ApplicationStarted(_ApplicationEvent):
    """An applicant opened a draft application (an initial one, a renewal or a reinstatement)."""

    event_type: ClassVar[str] = "ApplicationStarted"

    kind: ApplicationKind = "initial"
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    endorsement_id: UUID | None = Field(default=None, description="The endorsement a renewal or reinstatement is for.")


class ApplicationRegistered(_ApplicationEvent):
    """The applicant registered (paid the registration fee); the coordinator must now accept the registration."""

    event_type: ClassVar[str] = "ApplicationRegistered"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    registered_at: AwareDatetime


class RegistrationAccepted(_ApplicationEvent):
    """A coordinator accepted the registration: the applicant may complete and submit the application."""

    event_type: ClassVar[str] = "RegistrationAccepted"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    accepted_by: UUID
    accepted_at: AwareDatetime


class ReferenceRequested(_ApplicationEvent):
    """A rater is (again) asked to complete a reference form through a single-use, expiring link.

    The link is a bearer secret, sealed under the rater's subject: only the notifications service opens it, to send
    the email. Each new request (reminder or re-send) replaces the earlier link.
    """

    event_type: ClassVar[str] = "ReferenceRequested"

    reference_id: UUID
    request_number: int = Field(ge=1, description="1 for the first request, 2+ for reminders and re-sends.")
    reminder: bool = Field(default=False, description="True when sent because the rater has not answered yet.")
    slot: int = Field(ge=1, le=10, description="The rule set's reference slot (1-based).")
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rater: SealedRater
    form_url: Sealed  # the rater's form, which carries the single-use token; sealed under the rater
    expires_at: AwareDatetime


class ReferenceCompleted(_ApplicationEvent):
    """A rater submitted the reference form and it counts (fewer than the void threshold of
    "not enough information" answers)."""

    event_type: ClassVar[str] = "ReferenceCompleted"

    reference_id: UUID
    slot: int = Field(ge=1, le=10)
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    rater: SealedRater
    completed_on: date
    valid_until: date = Field(description="A reference counts for applications submitted until this date.")
    waived: bool = Field(description="The applicant waived the right to see this reference.")
    not_enough_information: int = Field(ge=0)
    ratings: dict[str, str] = Field(default_factory=dict,
                                    description="Competency item id → rating code of the rule set's scale, for "
                                    "reviewers; never shown to the applicant when waived.")


class ReferenceVoided(applications._ReferenceVoided):
    """A reference no longer counts."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = APPLICATIONS_V2.name

    detail: Sealed  # why, in words: may be a coordinator's or the rater's own


class ReferenceDeclined(_ApplicationEvent):
    """The rater declined to give the reference through their link: it no longer counts, and the applicant names
    another rater for the slot. `reason` is the rater's own words, if any (sealed under the applicant): for
    coordinators and reviewers, and for the applicant only when the reference was not waived."""

    event_type: ClassVar[str] = "ReferenceDeclined"

    reference_id: UUID
    slot: int = Field(ge=1, le=10)
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rater: SealedRater
    waived: bool
    reason: Sealed | None = None


class ApplicationSubmitted(_ApplicationEvent):
    """An applicant submitted an application for endorsement in a category."""

    event_type: ClassVar[str] = "ApplicationSubmitted"

    submission_number: int = Field(ge=1, description="1 for the first submission, 2+ for resubmissions.")
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rule_set_version: str = Field(description="Identifier of the rule set in force at submission: "
                                  "`<tenant>/<category>/<effective_from>`.")
    details: dict[DetailName, Sealed] = Field(default_factory=dict,
                                       description="Applicant-entered summary fields: field name → sealed value.")
    requirement_report: list[SealedRequirementOutcome] | None = Field(
        default=None, description="Every requirement of that rule set as judged at submission (all met).")
    exam_required: bool | None = Field(
        default=None, description="Whether the rule set requires the written exam after approval.")


class ApplicationResubmitted(ApplicationSubmitted):
    """The applicant answered an information request or a deferral and submitted again
    (`submission_number` ≥ 2). Carries everything `ApplicationSubmitted` does."""

    event_type: ClassVar[str] = "ApplicationResubmitted"

    in_response_to: Literal["information_request", "deferral"]


class ApplicationWithdrawn(_ApplicationEvent):
    """The applicant withdrew the application before a decision."""

    event_type: ClassVar[str] = "ApplicationWithdrawn"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reason: Sealed  # the applicant's words
    submission_number: int = Field(ge=0, description="0 when it was never submitted.")


class RenewalSubmitted(_ApplicationEvent):
    """A holder submitted the yearly renewal of an endorsement."""

    event_type: ClassVar[str] = "RenewalSubmitted"

    endorsement_id: UUID
    submission_number: int = Field(ge=1)
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    renewal_year: int = Field(ge=2000, le=2200, description="The year whose renewal this is.")
    rule_set_version: str
    requirement_report: list[SealedRequirementOutcome]
    details: dict[DetailName, Sealed] = Field(default_factory=dict)


class ReinstatementSubmitted(_ApplicationEvent):
    """A former holder whose endorsement lapsed asked for it back (new references; the exam is not retaken)."""

    event_type: ClassVar[str] = "ReinstatementSubmitted"

    endorsement_id: UUID
    submission_number: int = Field(ge=1)
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rule_set_version: str
    requirement_report: list[SealedRequirementOutcome]
    details: dict[DetailName, Sealed] = Field(default_factory=dict)


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
"""Only events; `SealedRequirementOutcome` and `SealedRater` are parts of some."""
