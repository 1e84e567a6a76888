"""Events the reviews service publishes on `endorsement.reviews.v1`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, EmailStr, Field, StringConstraints

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
    emerging_until: date | None = Field(
        default=None, description="When emerging: the date by which the remaining requirements must be met."
    )


class _RenewalApproved(IntegrationEvent):
    """The fields of `RenewalApproved`, the same in its sealed twin (`reviews_v2`): none is personal."""

    event_type: ClassVar[str] = "RenewalApproved"
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    renewal_id: UUID = Field(description="Identifies this renewal; one per endorsement and renewal year.")
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    renewed_on: date
    renewal_date: date = Field(description="The new date by which the next renewal is due.")
    approved_by: UUID


class RenewalApproved(_RenewalApproved):
    """A renewal was approved: the endorsement stays in force until the new renewal date."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class _EndorsementLapsed(IntegrationEvent):
    """The fields of `EndorsementLapsed`, the same in its sealed twin (`reviews_v2`): none is personal."""

    event_type: ClassVar[str] = "EndorsementLapsed"
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    lapsed_on: date
    reason: str = Field(min_length=1, max_length=500)


class EndorsementLapsed(_EndorsementLapsed):
    """The renewal was not completed by the removal date: the endorsement is no longer in force."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class _EndorsementReinstated(IntegrationEvent):
    """The fields of `EndorsementReinstated`, the same in its sealed twin (`reviews_v2`): none is personal."""

    event_type: ClassVar[str] = "EndorsementReinstated"
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    reinstatement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reinstated_on: date
    renewal_date: date
    approved_by: UUID


class EndorsementReinstated(_EndorsementReinstated):
    """A lapsed endorsement was reinstated after a reinstatement application was approved."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class _EndorsementRevoked(IntegrationEvent):
    """The fields of `EndorsementRevoked`; its sealed twin (`reviews_v2`) seals `reason`."""

    event_type: ClassVar[str] = "EndorsementRevoked"
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    revoked_on: date
    reason: str = Field(min_length=1, max_length=1000)
    revoked_by: UUID


class EndorsementRevoked(_EndorsementRevoked):
    """A coordinator revoked an endorsement (permanent), with the reason recorded."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ReviewOpened(IntegrationEvent):
    """A submission was received for review: its review case is open."""

    event_type: ClassVar[str] = "ReviewOpened"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    submission_number: int = Field(ge=1)
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    rule_set_version: str
    received_at: AwareDatetime
    kind: Literal["initial", "renewal", "reinstatement"] = Field(
        default="initial", description="What was submitted: an application, a renewal or a reinstatement.")
    cycle: str | None = Field(default=None, max_length=40, description="The review cycle (intake window) the case "
                              "belongs to, e.g. `2026-Q4`; absent where the association reviews on a rolling basis.")
    cycle_opens_at: AwareDatetime | None = Field(
        default=None, description="When the cycle's review starts (its intake opens); a case received before waits "
        "until then. Absent without a cycle.")
    cycle_deadline: AwareDatetime | None = Field(
        default=None, description="When the cycle's intake closes. Absent without a cycle.")


class _ReviewerAssigned(IntegrationEvent):
    """The fields of `ReviewerAssigned`; its sealed twin (`reviews_v2`) seals the reviewer's email and name."""

    event_type: ClassVar[str] = "ReviewerAssigned"
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reviewer_email: EmailStr
    reviewer_name: str = Field(min_length=1, max_length=200)
    slot: int = Field(ge=1, le=2, description="1 for the first reviewer, 2 for the second.")
    assigned_by: UUID


class ReviewerAssigned(_ReviewerAssigned):
    """A coordinator assigned an eligible, unconflicted reviewer to a review case."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class _ReviewerReleased(IntegrationEvent):
    """The fields of `ReviewerReleased`; its sealed twin (`reviews_v2`) seals the reviewer's email."""

    event_type: ClassVar[str] = "ReviewerReleased"
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    reviewer_email: EmailStr
    reason: Literal["declined", "withdrawn", "case_closed"] = Field(
        description="`declined`: the reviewer declined the assignment; `withdrawn`: a coordinator withdrew the "
        "reviewer; `case_closed`: the case closed with the assignment live (the applicant withdrew the application, "
        "the case was deferred, or a renewal or reinstatement case was approved)."
    )


class ReviewerReleased(_ReviewerReleased):
    """A reviewer's assignment to a review case ended: from now on the reviewer may no longer read the application.

    One per ended assignment. A decision that decides the application (`EndorsementGranted`, `EndorsementDenied`)
    ends every assignment of its case without this event: a decided application is no reviewer's to read."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class InformationRequested(IntegrationEvent):
    """The review needs more from the applicant: the case waits until the application is resubmitted."""

    event_type: ClassVar[str] = "InformationRequested"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    submission_number: int = Field(ge=1, description="The submission the request is about.")
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    stage: Literal["completeness", "review"] = Field(
        description="`completeness`: returned as incomplete before review; `review`: a reviewer or coordinator "
        "asks for more during review."
    )
    items: list[Reason] = Field(min_length=1, max_length=50, description="What the applicant must add or change.")
    message: str | None = Field(default=None, max_length=4000)
    requested_by: UUID
    requested_by_role: Literal["coordinator", "reviewer"]


class ApplicationDeferred(IntegrationEvent):
    """The review deferred the application: the applicant may amend it and ask for re-review from a date."""

    event_type: ClassVar[str] = "ApplicationDeferred"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reasons: list[Reason] = Field(min_length=1, max_length=50)
    recommendations: list[Reason] = Field(
        default_factory=list, max_length=50, description="Recommended training and reflective supervision."
    )
    earliest_rereview_on: date
    deferred_by: UUID


class ApprovedForExam(IntegrationEvent):
    """The review approved the applicant to sit the exam their category's rule set requires."""

    event_type: ClassVar[str] = "ApprovedForExam"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    approved_by: UUID


class _ExamScored(IntegrationEvent):
    """The fields of `ExamScored`, the same in its sealed twin (`reviews_v2`): none is personal."""

    event_type: ClassVar[str] = "ExamScored"
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    attempt: int = Field(ge=1)
    taken_on: date
    part1_percent: int | None = Field(default=None, ge=0, le=100)
    part1_passed: bool | None = None
    part2_passed: bool | None = None
    passed: bool = Field(description="Every part has now been passed.")
    retake_eligible_on: date | None = Field(default=None, description="When failed: the earliest retake date.")
    recorded_by: UUID


class ExamScored(_ExamScored):
    """An exam attempt's reconciled result. It carries no identity of the examinee beyond the case."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class _ExamRegistered(IntegrationEvent):
    """The fields of `ExamRegistered`, the same in its sealed twin (`reviews_v2`): none is personal."""

    event_type: ClassVar[str] = "ExamRegistered"
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    attempt: int = Field(ge=1)
    sitting: date = Field(description="The day of the exam administration.")
    parts: list[Literal[1, 2]] = Field(min_length=1, max_length=2,
                                       description="The parts taken: every part not passed before.")
    retake: bool = Field(description="Parts are taken again after a failed attempt.")
    accommodations_requested: bool = False
    registered_by_role: Literal["applicant", "coordinator"] = Field(
        description="`applicant`: the examinee registered; `coordinator`: on the examinee's written request.")
    registered_by: UUID | None = Field(default=None, description="The coordinator; absent when the examinee "
                                       "registered (their account would identify them).")


class ExamRegistered(_ExamRegistered):
    """An examinee approved for the exam registered for a sitting. It carries no identity of the examinee beyond the
    case, and whether accommodations were requested, never what they are."""

    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name


class EndorsementDenied(IntegrationEvent):
    """The review denied the application (only where the association's policy allows denial)."""

    event_type: ClassVar[str] = "EndorsementDenied"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = REVIEWS.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID
    applicant: Person
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reasons: list[Reason] = Field(min_length=1, max_length=50)
    denied_by: UUID


EVENTS: tuple[type[IntegrationEvent], ...] = (
    ReviewOpened,
    ReviewerAssigned,
    ReviewerReleased,
    InformationRequested,
    ApplicationDeferred,
    ApprovedForExam,
    ExamRegistered,
    ExamScored,
    EndorsementDenied,
    EndorsementGranted,
    RenewalApproved,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
)
