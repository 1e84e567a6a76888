"""Integration-event handlers: a submitted application opens its review case."""

from __future__ import annotations

from endorsement_contracts import ApplicationSubmitted, Envelope
from servicekit.consumer import Handler, RejectedMessage

from ..application import Reviews, Submission
from ..config import TenantCatalog
from ..domain import Applicant, ReviewCase


def on_application_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """The handler for `ApplicationSubmitted`: the case to save, or none when it is already open."""

    def handle(envelope: Envelope) -> list[ReviewCase]:
        event = envelope.event
        if not isinstance(event, ApplicationSubmitted):
            raise RejectedMessage(f"expected ApplicationSubmitted, got {envelope.type}")
        tenant = tenants.get(event.tenant)
        if tenant is None:
            raise RejectedMessage(f"unknown tenant {event.tenant!r}")
        if event.category not in tenant.categories:
            raise RejectedMessage(f"tenant {event.tenant!r} does not award category {event.category!r}")
        case = reviews.case_for(
            Submission(
                tenant=event.tenant,
                application_id=event.application_id,
                submission_number=event.submission_number,
                applicant=Applicant(
                    account_id=event.applicant.account_id, name=event.applicant.name, email=event.applicant.email
                ),
                category=event.category,
                category_name=event.category_name,
                rule_set_version=event.rule_set_version,
                received_at=event.occurred_at,
            )
        )
        return [] if case is None else [case]

    return handle
