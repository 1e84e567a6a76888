"""Events the reviews service publishes on `endorsement.reviews.v2`: the twins of `reviews`, with every personal
field sealed (docs/erasure.md; the contracts README lists each field and why).

Whose subject seals what: the applicant or holder (`account:<account_id>`) seals their name and email and what
staff wrote about them (items, messages, reasons, recommendations); a reviewer seals their own name and email.
Staff are named by account id (`assigned_by`, `granted_by`, ...), which is not sealed: an id reads as nobody.

A twin whose sealed fields are plain strings derives from its v1 event's fields (`reviews._ExamScored`, ...) and
restates only what it seals; one whose nested model changes (`Person` to `SealedPerson`) restates every field.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from ..base import IntegrationEvent
from ..topics import REVIEWS_V2
from . import reviews
from .common import CATEGORY_PATTERN, CategoryCode, Sealed, SealedPerson


class _ReviewEvent(IntegrationEvent):
    """A case event: keyed by the application, so it stays in order with the application's own events."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name
    key_field: ClassVar[str] = "application_id"

    review_case_id: UUID
    application_id: UUID


class _EndorsementEvent(IntegrationEvent):
    """An endorsement (register entry) event: keyed by the endorsement."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name
    key_field: ClassVar[str] = "endorsement_id"

    endorsement_id: UUID


class ReviewOpened(_ReviewEvent):
    """A submission was received for review: its review case is open."""

    event_type: ClassVar[str] = "ReviewOpened"

    submission_number: int = Field(ge=1)
    applicant: SealedPerson
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


class ReviewerAssigned(reviews._ReviewerAssigned):
    """A coordinator assigned an eligible, unconflicted reviewer to a review case."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name

    reviewer_email: Sealed  # under the reviewer's subject
    reviewer_name: Sealed


class ReviewerReleased(reviews._ReviewerReleased):
    """A reviewer's assignment to a review case ended: from now on the reviewer may no longer read the application.

    One per ended assignment. A decision that decides the application (`EndorsementGranted`, `EndorsementDenied`)
    ends every assignment of its case without this event: a decided application is no reviewer's to read."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name

    reviewer_email: Sealed  # under the reviewer's subject


class InformationRequested(_ReviewEvent):
    """The review needs more from the applicant: the case waits until the application is resubmitted."""

    event_type: ClassVar[str] = "InformationRequested"

    submission_number: int = Field(ge=1, description="The submission the request is about.")
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    stage: Literal["completeness", "review"] = Field(
        description="`completeness`: returned as incomplete before review; `review`: a reviewer or coordinator "
        "asks for more during review."
    )
    items: list[Sealed] = Field(min_length=1, max_length=50, description="What the applicant must add or change "
                                "(each sealed under the applicant).")
    message: Sealed | None = None
    requested_by: UUID
    requested_by_role: Literal["coordinator", "reviewer"]


class ApplicationDeferred(_ReviewEvent):
    """The review deferred the application: the applicant may amend it and ask for re-review from a date."""

    event_type: ClassVar[str] = "ApplicationDeferred"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reasons: list[Sealed] = Field(min_length=1, max_length=50)
    recommendations: list[Sealed] = Field(
        default_factory=list, max_length=50, description="Recommended training and reflective supervision."
    )
    earliest_rereview_on: date
    deferred_by: UUID


class ApprovedForExam(_ReviewEvent):
    """The review approved the applicant to sit the exam their category's rule set requires."""

    event_type: ClassVar[str] = "ApprovedForExam"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    approved_by: UUID


class ExamRegistered(reviews._ExamRegistered):
    """An examinee approved for the exam registered for a sitting. It carries no identity of the examinee beyond the
    case, and whether accommodations were requested, never what they are."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name


class ExamScored(reviews._ExamScored):
    """An exam attempt's reconciled result. It carries no identity of the examinee beyond the case."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name


class EndorsementDenied(_ReviewEvent):
    """The review denied the application (only where the association's policy allows denial)."""

    event_type: ClassVar[str] = "EndorsementDenied"

    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    reasons: list[Sealed] = Field(min_length=1, max_length=50)
    denied_by: UUID


class EndorsementGranted(_EndorsementEvent):
    """A review decided to endorse the applicant in a category."""

    event_type: ClassVar[str] = "EndorsementGranted"

    review_case_id: UUID
    application_id: UUID
    applicant: SealedPerson
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    category_name: str
    designation: str | None = Field(default=None, description="A short label of the endorsement (e.g. `Clinical`), "
                                    "printed on the public credential; not sealed, since it says what was awarded, "
                                    "not who to.")
    emerging: bool = False
    effective_date: date
    renewal_date: date
    granted_by: UUID
    emerging_until: date | None = Field(
        default=None, description="When emerging: the date by which the remaining requirements must be met."
    )


class RenewalApproved(reviews._RenewalApproved):
    """A renewal was approved: the endorsement stays in force until the new renewal date."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name


class EndorsementLapsed(reviews._EndorsementLapsed):
    """The renewal was not completed by the removal date: the endorsement is no longer in force."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name

    reason: str = Field(min_length=1, max_length=500,
                        description="Written by the platform from dates (the renewal due, the removal date), never "
                        "by a person; so not sealed.")


class EndorsementReinstated(reviews._EndorsementReinstated):
    """A lapsed endorsement was reinstated after a reinstatement application was approved."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name


class EndorsementRevoked(reviews._EndorsementRevoked):
    """A coordinator revoked an endorsement (permanent), with the reason recorded."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = REVIEWS_V2.name

    reason: Sealed  # the coordinator's words, sealed under the holder


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
