"""Stored review events -> public integration events. The only place the two meet."""

from __future__ import annotations

from uuid import UUID

from endorsement_contracts import EndorsementGranted, IntegrationEvent, Person
from eventsourcing.domain import DomainEventProtocol

from .application import Reviews
from .domain import ReviewCase


def endorsement_granted(case: ReviewCase, approved: ReviewCase.Approved) -> EndorsementGranted:
    """The public fact of an approval; `case` is the case as it stood right after it."""
    return EndorsementGranted(
        tenant=case.tenant,
        occurred_at=approved.timestamp,
        endorsement_id=approved.endorsement_id,
        review_case_id=case.id,
        application_id=case.application_id,
        applicant=Person(
            account_id=case.applicant.account_id, name=case.applicant.name, email=case.applicant.email
        ),
        category=case.category,
        category_name=case.category_name,
        designation=approved.designation,
        emerging=False,
        effective_date=approved.effective_date,
        renewal_date=approved.renewal_date,
        granted_by=approved.by.account_id,
    )


class Translator:
    """The outbox relay's translator: events that other services need become integration events."""

    def __init__(self, app: Reviews) -> None:
        self.app = app

    def __call__(self, domain_event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
        if isinstance(domain_event, ReviewCase.Approved):
            case: ReviewCase = self.app.repository.get(
                domain_event.originator_id, version=domain_event.originator_version
            )
            return endorsement_granted(case, domain_event)
        return None
