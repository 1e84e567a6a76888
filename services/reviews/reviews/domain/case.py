"""The ReviewCase aggregate: one submission of one application, from receipt to the association's decision."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import CaseNotOpen, InvalidDesignation, InvalidRenewalDate
from .values import Actor, Applicant

MAX_DESIGNATION_LENGTH = 100


class Status(StrEnum):
    OPEN = "open"
    APPROVED = "approved"


DECIDABLE = frozenset({Status.OPEN})
"""Statuses in which a decision may be taken (later: under review, information received)."""


def review_case_id(application_id: UUID, submission_number: int) -> UUID:
    """The case of one submission: the same id every time the submission is delivered."""
    return uuid5(NAMESPACE_URL, f"review-case/{application_id}/{submission_number}")


def endorsement_id_for(case_id: UUID) -> UUID:
    """The endorsement an approval of this case grants: one per case, whoever asks."""
    return uuid5(NAMESPACE_URL, f"endorsement/{case_id}")


class ReviewCase(Aggregate):
    """Guards check the command first; the events only record and apply what happened."""

    class Opened(Aggregate.Created):
        tenant: str
        application_id: UUID
        submission_number: int
        applicant: Applicant
        category: str
        category_name: str
        rule_set_version: str
        received_at: datetime

    class Approved(Aggregate.Event):
        endorsement_id: UUID
        by: Actor
        effective_date: date
        renewal_date: date
        designation: str | None

        def apply(self, aggregate: Any) -> None:
            assert isinstance(aggregate, ReviewCase)
            aggregate.status = Status.APPROVED
            aggregate.endorsement_id = self.endorsement_id
            aggregate.decided_by = self.by
            aggregate.decided_at = self.timestamp
            aggregate.effective_date = self.effective_date
            aggregate.renewal_date = self.renewal_date
            aggregate.designation = self.designation

    @classmethod
    def create_id(cls, application_id: UUID, submission_number: int) -> UUID:
        return review_case_id(application_id, submission_number)

    @event(Opened)
    def __init__(
        self,
        *,
        tenant: str,
        application_id: UUID,
        submission_number: int,
        applicant: Applicant,
        category: str,
        category_name: str,
        rule_set_version: str,
        received_at: datetime,
    ) -> None:
        self.tenant = tenant
        self.application_id = application_id
        self.submission_number = submission_number
        self.applicant = applicant
        self.category = category
        self.category_name = category_name
        self.rule_set_version = rule_set_version
        self.received_at = received_at
        self.status = Status.OPEN
        self.endorsement_id: UUID | None = None
        self.decided_by: Actor | None = None
        self.decided_at: datetime | None = None
        self.effective_date: date | None = None
        self.renewal_date: date | None = None
        self.designation: str | None = None

    # Commands -----------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        tenant: str,
        application_id: UUID,
        submission_number: int,
        applicant: Applicant,
        category: str,
        category_name: str,
        rule_set_version: str,
        received_at: datetime,
    ) -> ReviewCase:
        """Open the case of a submission that was received for review."""
        if received_at.tzinfo is None:
            raise ValueError("the time of receipt must be timezone-aware")
        if submission_number < 1:
            raise ValueError("submission numbers start at 1")
        return cls(
            tenant=tenant,
            application_id=application_id,
            submission_number=submission_number,
            applicant=applicant,
            category=category,
            category_name=category_name,
            rule_set_version=rule_set_version,
            received_at=received_at,
        )

    def approve(self, by: Actor, effective_date: date, designation: str | None, renewal_date: date) -> None:
        """Endorse the applicant in the case's category from `effective_date`, first renewal due `renewal_date`."""
        if self.status not in DECIDABLE:
            raise CaseNotOpen(f"the case is {self.status}; only an open case can be approved")
        if renewal_date <= effective_date:
            raise InvalidRenewalDate(f"the renewal date {renewal_date} must be after the effective date "
                                     f"{effective_date}")
        self.trigger_event(
            self.Approved,
            endorsement_id=endorsement_id_for(self.id),
            by=by,
            effective_date=effective_date,
            renewal_date=renewal_date,
            designation=_cleaned_designation(designation),
        )

    # Queries ------------------------------------------------------------------------------------

    @property
    def opened_at(self) -> datetime:
        return self.created_on

    @property
    def is_open(self) -> bool:
        return self.status in DECIDABLE


def _cleaned_designation(designation: str | None) -> str | None:
    """A designation is an optional short label (e.g. "Clinical"); blank means none."""
    if designation is None:
        return None
    cleaned = " ".join(designation.split())
    if len(cleaned) > MAX_DESIGNATION_LENGTH:
        raise InvalidDesignation(f"a designation has at most {MAX_DESIGNATION_LENGTH} characters")
    return cleaned or None
