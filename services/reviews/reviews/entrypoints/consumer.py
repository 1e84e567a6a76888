"""Integration-event handlers: every submission opens its review case, or resumes the paused one; a withdrawal
closes it.

Applications (`ApplicationSubmitted`, and `ApplicationResubmitted` answering a request or a deferral), renewals
(`RenewalSubmitted`) and reinstatements (`ReinstatementSubmitted`) each open a case of their kind. Case ids derive
from the application and submission number, so a redelivered or republished event opens nothing.
`ApplicationWithdrawn` closes the application's undecided case as withdrawn (once: a withdrawn case admits nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from endorsement_contracts import ApplicationSubmitted, Envelope, IntegrationEvent
from endorsement_contracts.events.applications import (
    ApplicationResubmitted,
    ApplicationWithdrawn,
    ReinstatementSubmitted,
    RenewalSubmitted,
)
from servicekit.consumer import Handler, RejectedMessage

from ..application import Reviews, Submission
from ..config import Tenant, TenantCatalog
from ..domain import Actor, Applicant, CaseKind, EndorsementNotFound, ReviewCase
from ..domain.examination import Examination

RELATED_PEOPLE_KEYS = ("supervisor_email", "rsc_provider_email", "rater_emails")
"""Summary fields (`details`) naming people close to the applicant; `rater_emails` may list several."""

Submitted = ApplicationSubmitted | RenewalSubmitted | ReinstatementSubmitted


def related_emails(details: Mapping[str, str]) -> tuple[str, ...]:
    found = (part.strip() for key in RELATED_PEOPLE_KEYS for part in re.split(r"[,;\s]+", details.get(key, "")))
    return tuple(sorted({email.lower() for email in found if "@" in email}))


def handlers(reviews: Reviews, tenants: TenantCatalog) -> dict[type[IntegrationEvent], Handler]:
    """Every event this service consumes, with its handler (the consumer routes by exact type)."""
    application = on_application_submitted(reviews, tenants)
    return {
        ApplicationSubmitted: application,
        ApplicationResubmitted: application,
        RenewalSubmitted: on_renewal_submitted(reviews, tenants),
        ReinstatementSubmitted: on_reinstatement_submitted(reviews, tenants),
        ApplicationWithdrawn: on_application_withdrawn(reviews, tenants),
    }


def on_application_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """`ApplicationSubmitted` or `ApplicationResubmitted`: the case to save, or none when already handled."""
    return _handler(reviews, tenants, ApplicationSubmitted, CaseKind.INITIAL)


def on_renewal_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """`RenewalSubmitted`: a renewal case about the holder's endorsement."""
    return _handler(reviews, tenants, RenewalSubmitted, CaseKind.RENEWAL)


def on_reinstatement_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """`ReinstatementSubmitted`: a reinstatement case about the lapsed endorsement."""
    return _handler(reviews, tenants, ReinstatementSubmitted, CaseKind.REINSTATEMENT)


def on_application_withdrawn(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """`ApplicationWithdrawn`: the case closed as withdrawn (and its examination cancelled), or nothing when there is
    no undecided case (never submitted here, already decided, or already withdrawn)."""

    def handle(envelope: Envelope) -> list[ReviewCase | Examination]:
        event = envelope.event
        if not isinstance(event, ApplicationWithdrawn):
            raise RejectedMessage(f"expected ApplicationWithdrawn, got {envelope.type}")
        if tenants.get(event.tenant) is None:
            raise RejectedMessage(f"unknown tenant {event.tenant!r}")
        return reviews.withdrawal(tenant=event.tenant, application_id=event.application_id,
                                  submission_number=event.submission_number,
                                  by=Actor(event.applicant.account_id, event.applicant.name), reason=event.reason)

    return handle


def _handler(reviews: Reviews, tenants: TenantCatalog, expected: type[Submitted], kind: CaseKind) -> Handler:
    def handle(envelope: Envelope) -> list[ReviewCase]:
        event = envelope.event
        if not isinstance(event, expected):
            raise RejectedMessage(f"expected {expected.__name__}, got {envelope.type}")
        tenant = tenants.get(event.tenant)
        if tenant is None:
            raise RejectedMessage(f"unknown tenant {event.tenant!r}")
        if event.category not in tenant.categories:
            raise RejectedMessage(f"tenant {event.tenant!r} does not award category {event.category!r}")
        submission = _submission(event, kind)
        if submission.endorsement_id is not None:
            _check_endorsement(reviews, tenant, submission)
        case = reviews.case_for(submission, cycles=tenant.cycles)
        return [] if case is None else [case]

    return handle


def _submission(event: Submitted, kind: CaseKind) -> Submission:
    return Submission(
        tenant=event.tenant,
        application_id=event.application_id,
        submission_number=event.submission_number,
        applicant=Applicant(account_id=event.applicant.account_id, name=event.applicant.name,
                            email=event.applicant.email),
        category=event.category,
        category_name=event.category_name,
        rule_set_version=event.rule_set_version,
        received_at=event.occurred_at,
        employer=event.details.get("employer"),
        related_emails=related_emails(event.details),
        kind=kind,
        endorsement_id=None if isinstance(event, ApplicationSubmitted) else event.endorsement_id,
        renewal_year=event.renewal_year if isinstance(event, RenewalSubmitted) else None,
    )


def _check_endorsement(reviews: Reviews, tenant: Tenant, submission: Submission) -> None:
    """A renewal or reinstatement must be about an endorsement of this association, in the same category (this
    service keeps the register, so one it does not know never will exist)."""
    assert submission.endorsement_id is not None
    try:
        endorsement = reviews.get_endorsement(submission.endorsement_id, tenant.slug)
    except EndorsementNotFound:
        raise RejectedMessage(f"{tenant.slug!r} has no endorsement {submission.endorsement_id}") from None
    if endorsement.category != submission.category:
        raise RejectedMessage(f"endorsement {endorsement.id} is in {endorsement.category}, not {submission.category}")
