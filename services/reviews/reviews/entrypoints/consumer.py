"""Integration-event handlers: a submitted application opens its review case, or resumes the paused one."""

from __future__ import annotations

import re
from collections.abc import Mapping

from endorsement_contracts import ApplicationSubmitted, Envelope
from servicekit.consumer import Handler, RejectedMessage

from ..application import Reviews, Submission
from ..config import TenantCatalog
from ..domain import Applicant, ReviewCase

RELATED_PEOPLE_KEYS = ("supervisor_email", "rsc_provider_email", "rater_emails")
"""Summary fields (`details`) naming people close to the applicant; `rater_emails` may list several."""


def related_emails(details: Mapping[str, str]) -> tuple[str, ...]:
    found = (part.strip() for key in RELATED_PEOPLE_KEYS for part in re.split(r"[,;\s]+", details.get(key, "")))
    return tuple(sorted({email.lower() for email in found if "@" in email}))


def on_application_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """The handler for `ApplicationSubmitted`: the case to save, or none when the submission was handled."""

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
                employer=event.details.get("employer"),
                related_emails=related_emails(event.details),
            )
        )
        return [] if case is None else [case]

    return handle
