"""Integration-event handlers: every submission opens its review case, or resumes the paused one; a withdrawal
closes it.

Applications (`ApplicationSubmitted`, and `ApplicationResubmitted` answering a request or a deferral), renewals
(`RenewalSubmitted`) and reinstatements (`ReinstatementSubmitted`) each open a case of their kind. Case ids derive
from the application and submission number, so a redelivered or republished event opens nothing.
`ApplicationWithdrawn` closes the application's undecided case as withdrawn (once: a withdrawn case admits nothing).

The applications service's events are read from `endorsement.applications.v2` (`consumed_handlers`): their
personal fields are sealed tokens, opened at the applications service (`/internal/unseal`) before the record's
transaction and given to the same handlers in the v1 shape (`servicekit.sealed_twins.opened_handlers`). A value
whose subject was erased there reads None: a submission whose applicant is erased opens nothing, a withdrawal is
recorded without name or reason, and a missing `details` value counts as absent. A v2 record whose v1 twin (same
`ce_id`) was handled here before the switch finds its case already opened or closed, and changes nothing.

`PersonErased` (the erasure ledger) destroys the subject's key, surrenders the endorsements they hold (revoked,
reason `erasure`) and records the erasure once; the read models scrub on that record and the relay answers
`ErasureCompleted`. Nothing personal is sealed for an erased person afterwards: their submission (a republished
copy) opens no case, and a withdrawal in their name is recorded without their name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from endorsement_contracts import ApplicationSubmitted, Envelope, IntegrationEvent
from endorsement_contracts.events import PersonErased
from endorsement_contracts.events.applications import (
    ApplicationResubmitted,
    ApplicationWithdrawn,
    ReinstatementSubmitted,
    RenewalSubmitted,
)
from servicekit.consumer import Handler, RejectedMessage
from servicekit.handlers import EventHandlers
from servicekit.sealed_twins import opened_handlers

from ..application import Reviews, Submission
from ..config import Tenant, TenantCatalog
from ..domain import Actor, Applicant, CaseKind, EndorsementNotFound, ReviewCase
from ..domain.examination.aggregate import Examination
from ..domain.personal import account_of_subject, account_subject

RELATED_PEOPLE_KEYS = ("supervisor_email", "rsc_provider_email", "rater_emails")
"""Summary fields (`details`) naming people close to the applicant; `rater_emails` may list several."""

Submitted = ApplicationSubmitted | RenewalSubmitted | ReinstatementSubmitted
Opening = Callable[[Submitted, Envelope], list[ReviewCase]]
"""A submission's handler: the case it opens (or resumes), none when already handled."""
Table = dict[type[IntegrationEvent], Handler]
Holdings = Callable[[str, UUID], list[UUID]]
"""The endorsements of a tenant's holder (by account) not revoked yet: the register read model's answer."""


def related_emails(details: Mapping[str, str | None]) -> tuple[str, ...]:
    """The addresses in `details`' related-people fields (a value erased at the producer, None, names nobody)."""
    found = (part.strip() for key in RELATED_PEOPLE_KEYS
             for part in re.split(r"[,;\s]+", details.get(key) or ""))
    return tuple(sorted({email.lower() for email in found if "@" in email}))


def consumed_handlers(reviews: Reviews, tenants: TenantCatalog, *, holdings: Holdings) -> Table:
    """What the consumer subscribes to: the applications events' sealed v2 twins (`endorsement.applications.v2`),
    each opened into its v1 shape for `handlers`, and `PersonErased` (`endorsement.erasures.v1`, not sealed)."""
    by_v1 = handlers(reviews, tenants, holdings=holdings)
    erasure = by_v1.pop(PersonErased)
    return {**opened_handlers(by_v1), PersonErased: erasure}


def handlers(reviews: Reviews, tenants: TenantCatalog, *, holdings: Holdings) -> Table:
    """Every event this service handles, in its v1 shape, with its handler (`consumed_handlers` feeds the
    applications events from their v2 twins). Each is registered with `servicekit.handlers.EventHandlers`, which
    dead-letters a record of an association this deployment does not serve (`unknown tenant '<slug>'`) before the
    handler runs; `PersonErased` is registered for any tenant."""
    registry = EventHandlers(serves_tenant=lambda slug: tenants.get(slug) is not None)
    application = on_application_submitted(reviews, tenants)
    registry.on(ApplicationSubmitted)(application)
    registry.on(ApplicationResubmitted)(application)
    registry.on(RenewalSubmitted)(on_renewal_submitted(reviews, tenants))
    registry.on(ReinstatementSubmitted)(on_reinstatement_submitted(reviews, tenants))
    registry.on(ApplicationWithdrawn)(on_application_withdrawn(reviews))
    registry.on(PersonErased, any_tenant=True)(on_person_erased(reviews, tenants, holdings))
    return registry.table()


def on_person_erased(reviews: Reviews, tenants: TenantCatalog,
                     holdings: Holdings) -> Callable[[PersonErased, Envelope], list[Any]]:
    """`PersonErased`: the surrendered endorsements and the erasure's record, or nothing when already recorded.
    Business time is the request's (`occurred_at`), so a replay decides the same."""

    def handle(event: PersonErased, envelope: Envelope) -> list[Any]:
        tenant = tenants.get(event.tenant)
        account_id = account_of_subject(event.subject)
        endorsement_ids = [] if account_id is None else holdings(event.tenant, account_id)
        today = event.occurred_at.date() if tenant is None else tenant.today(event.occurred_at)
        return reviews.erasure.erase(erasure_id=event.erasure_id, tenant=event.tenant, subject=event.subject,
                             endorsement_ids=endorsement_ids, today=today, now=event.occurred_at)

    return handle


def on_application_submitted(reviews: Reviews, tenants: TenantCatalog) -> Opening:
    """`ApplicationSubmitted` or `ApplicationResubmitted`: the case to save, or none when already handled."""
    return _opening(reviews, tenants, CaseKind.INITIAL)


def on_renewal_submitted(reviews: Reviews, tenants: TenantCatalog) -> Opening:
    """`RenewalSubmitted`: a renewal case about the holder's endorsement."""
    return _opening(reviews, tenants, CaseKind.RENEWAL)


def on_reinstatement_submitted(reviews: Reviews, tenants: TenantCatalog) -> Opening:
    """`ReinstatementSubmitted`: a reinstatement case about the lapsed endorsement."""
    return _opening(reviews, tenants, CaseKind.REINSTATEMENT)


def on_application_withdrawn(
    reviews: Reviews,
) -> Callable[[ApplicationWithdrawn, Envelope], list[ReviewCase | Examination]]:
    """`ApplicationWithdrawn`: the case closed as withdrawn (and its examination cancelled), or nothing when there is
    no undecided case (never submitted here, already decided, or already withdrawn)."""

    def handle(event: ApplicationWithdrawn, envelope: Envelope) -> list[ReviewCase | Examination]:
        erased = reviews.is_erased(account_subject(event.applicant.account_id))
        return reviews.intake.withdrawal(tenant=event.tenant, application_id=event.application_id,
                                         submission_number=event.submission_number,
                                         by=Actor(event.applicant.account_id, None if erased else event.applicant.name),
                                         reason=None if erased else event.reason)

    return handle


def _opening(reviews: Reviews, tenants: TenantCatalog, kind: CaseKind) -> Opening:
    def handle(event: Submitted, envelope: Envelope) -> list[ReviewCase]:
        tenant = tenants.get(event.tenant)
        assert tenant is not None  # EventHandlers refused the associations this deployment does not serve
        if event.category not in tenant.categories:
            raise RejectedMessage(f"tenant {event.tenant!r} does not award category {event.category!r}")
        submission = _submission(event, kind)
        if submission.applicant.erased or reviews.is_erased(submission.applicant.subject):
            # erased at the producer (its tokens open to None) or here (a copy republished after the erasure):
            # nothing of theirs is stored again
            return []
        if submission.endorsement_id is not None:
            _check_endorsement(reviews, tenant, submission)
        case = reviews.intake.case_for(submission, cycles=tenant.cycles)
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
