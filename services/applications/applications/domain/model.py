"""The Application aggregate: one applicant's application for endorsement in one category."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate, event

from .errors import (
    AlreadySubmitted,
    InvalidApplicant,
    InvalidDetails,
    InvalidWithdrawalReason,
    NotEditable,
    NotSubmittable,
    NotWithdrawable,
    RequirementsNotMet,
    UnknownCategory,
)
from .requirements import UnmetRequirement, unmet_requirements
from .values import Applicant, CategoryOffer, Details

MAX_NAME = 200
MAX_EMAIL = 320
MAX_PHONE = 40
MAX_COUNTY = 100
MAX_STATEMENT = 4000
MAX_WITHDRAWAL_REASON = 1000


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


WITHDRAWABLE = frozenset({Status.DRAFT, Status.SUBMITTED})


class Application(Aggregate):
    """Guards check the command first; the `@event` methods only record and apply what happened."""

    class Event(Aggregate.Event):
        """Every event after `Started` names the tenant too, so readers can scope it without loading."""

        tenant: str

    class Started(Aggregate.Created):
        tenant: str
        applicant: Applicant
        category: str
        category_name: str

    class DetailsUpdated(Event):
        phone: str | None
        county: str | None
        statement: str | None
        ethics_attested: bool

    class Submitted(Event):
        submission_number: int
        rule_set_version: str
        submitted_at: datetime

    class Withdrawn(Event):
        reason: str

    @event(Started)
    def __init__(self, tenant: str, applicant: Applicant, category: str, category_name: str) -> None:
        self.tenant = tenant
        self.applicant = applicant
        self.category = category
        self.category_name = category_name
        self.status = Status.DRAFT
        self.details = Details()
        self.submission_number = 0
        self.rule_set_version: str | None = None
        self.submitted_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    # Commands -----------------------------------------------------------------------------------

    @classmethod
    def start(cls, tenant: str, applicant: Applicant, category: str, offer: CategoryOffer) -> Application:
        """Open a draft application in a category the association offers."""
        category_name = offer.name_of(category)
        if category_name is None:
            raise UnknownCategory(f"the association does not offer a category {category!r}")
        applicant = _checked(applicant)
        return cls(tenant=tenant, applicant=applicant, category=category, category_name=category_name)

    def update_details(self, details: Details) -> None:
        """Replace the entered details (draft only); blank text counts as not entered."""
        if self.status is not Status.DRAFT:
            raise NotEditable(f"an application that is {self.status} can no longer be edited")
        cleaned = _cleaned(details)
        if cleaned != self.details:
            self._record_details(**vars(cleaned))

    def submit(self, rule_set_version: str, at: datetime) -> None:
        """Submit for review when every requirement is met; otherwise refuse with all unmet ones."""
        if at.tzinfo is None:
            raise ValueError("the submission time must be timezone-aware")
        if self.status is Status.SUBMITTED:
            raise AlreadySubmitted("the application is already submitted")
        if self.status is not Status.DRAFT:
            raise NotSubmittable(f"an application that is {self.status} cannot be submitted")
        unmet = self.unmet_requirements()
        if unmet:
            raise RequirementsNotMet(unmet)
        self._record_submission(
            submission_number=self.submission_number + 1, rule_set_version=rule_set_version, submitted_at=at
        )

    def withdraw(self, reason: str) -> None:
        """Withdraw before a decision, saying why."""
        if self.status not in WITHDRAWABLE:
            raise NotWithdrawable(f"an application that is {self.status} cannot be withdrawn")
        reason = reason.strip()
        if not reason or len(reason) > MAX_WITHDRAWAL_REASON:
            raise InvalidWithdrawalReason(f"give a reason of 1 to {MAX_WITHDRAWAL_REASON} characters")
        self._record_withdrawal(reason=reason)

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        if issubclass(event_class, Application.Event):
            kwargs.setdefault("tenant", self.tenant)
        super().trigger_event(event_class, **kwargs)

    # Queries ------------------------------------------------------------------------------------

    def unmet_requirements(self) -> list[UnmetRequirement]:
        return unmet_requirements(self.details)

    def is_applicant(self, account_id: UUID) -> bool:
        return self.applicant.account_id == account_id

    # Events -------------------------------------------------------------------------------------

    @event(DetailsUpdated)
    def _record_details(self, phone: str | None, county: str | None, statement: str | None,
                        ethics_attested: bool) -> None:
        self.details = Details(phone=phone, county=county, statement=statement, ethics_attested=ethics_attested)

    @event(Submitted)
    def _record_submission(self, submission_number: int, rule_set_version: str, submitted_at: datetime) -> None:
        self.status = Status.SUBMITTED
        self.submission_number = submission_number
        self.rule_set_version = rule_set_version
        self.submitted_at = submitted_at

    @event(Withdrawn)
    def _record_withdrawal(self, reason: str) -> None:
        self.status = Status.WITHDRAWN
        self.withdrawal_reason = reason


def _checked(applicant: Applicant) -> Applicant:
    name, email = applicant.name.strip(), applicant.email.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidApplicant(f"the applicant's name must have 1 to {MAX_NAME} characters")
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > MAX_EMAIL:
        raise InvalidApplicant("the applicant's email address is not valid")
    return replace(applicant, name=name, email=email)


def _cleaned(details: Details) -> Details:
    def text(value: str | None, limit: int, label: str) -> str | None:
        value = (value or "").strip() or None
        if value is not None and len(value) > limit:
            raise InvalidDetails(f"{label} is longer than {limit} characters")
        return value

    return replace(
        details,
        phone=text(details.phone, MAX_PHONE, "the phone number"),
        county=text(details.county, MAX_COUNTY, "the county"),
        statement=text(details.statement, MAX_STATEMENT, "the statement"),
    )
