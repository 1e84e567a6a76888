"""Use cases of the reviews service: load a case, ask it to act, save what it decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from servicekit.eventstore import TrackedApplication

from .config import Tenant
from .domain import (
    Actor,
    Applicant,
    AuditEntry,
    CaseNotFound,
    ReviewCase,
    audit_trail,
    effective_date_for,
    review_case_id,
)

SAVE_ATTEMPTS = 3


class ApplicantAsDict(Transcoding):
    type = Applicant
    name = "reviews_applicant"

    def encode(self, obj: Applicant) -> dict[str, Any]:
        return {"account_id": obj.account_id, "name": obj.name, "email": obj.email}

    def decode(self, data: dict[str, Any]) -> Applicant:
        return Applicant(**data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "reviews_actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return {"account_id": obj.account_id, "name": obj.name}

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(**data)


@dataclass(frozen=True)
class Submission:
    """What the applications service told us about a submitted application."""

    tenant: str
    application_id: UUID
    submission_number: int
    applicant: Applicant
    category: str
    category_name: str
    rule_set_version: str
    received_at: datetime


@dataclass(frozen=True)
class CaseFile:
    """A case with its audit trail, as a coordinator sees it."""

    case: ReviewCase
    history: list[AuditEntry]


class Reviews(TrackedApplication):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(ApplicantAsDict())
        transcoder.register(ActorAsDict())

    def case_for(self, submission: Submission) -> ReviewCase | None:
        """A new, unsaved case for the submission; None when its case exists (a duplicate or republished event)."""
        if review_case_id(submission.application_id, submission.submission_number) in self.repository:
            return None
        return ReviewCase.open(
            tenant=submission.tenant,
            application_id=submission.application_id,
            submission_number=submission.submission_number,
            applicant=submission.applicant,
            category=submission.category,
            category_name=submission.category_name,
            rule_set_version=submission.rule_set_version,
            received_at=submission.received_at,
        )

    def get_case(self, case_id: UUID, tenant: str) -> ReviewCase:
        """The case, if it belongs to `tenant`; another association's case does not exist for the caller."""
        try:
            case: ReviewCase = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound(f"no review case {case_id}") from None
        if case.tenant != tenant:
            raise CaseNotFound(f"no review case {case_id}")
        return case

    def case_file(self, case_id: UUID, tenant: str) -> CaseFile:
        case = self.get_case(case_id, tenant)
        events = list(self.events.get(case_id, lte=case.version))
        return CaseFile(case=case, history=audit_trail(events))

    def approve(
        self,
        case_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        designation: str | None = None,
        effective_date: date | None = None,
        now: datetime | None = None,
    ) -> CaseFile:
        """Approve an open case; the effective date defaults to today on the association's clock."""
        for attempt in range(SAVE_ATTEMPTS):
            case = self.get_case(case_id, tenant.slug)
            effective = effective_date_for(
                effective_date, today=tenant.today(now), received_on=tenant.local_date(case.received_at)
            )
            case.approve(by, effective, designation, tenant.renewal.first_renewal_date(effective))
            try:
                self.save(case)
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
                continue  # someone changed the case meanwhile: decide again on its new state
            return self.case_file(case_id, tenant.slug)
        raise AssertionError("unreachable")
