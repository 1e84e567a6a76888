"""Emails caused by events of the applications service (`endorsement.applications.v2`, read in the v1 shape): event ->
Notice. A personal value whose person was erased is None (see `entrypoints/consumer.py`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from endorsement_contracts import ApplicationSubmitted, Person
from endorsement_contracts.events.applications import (
    ApplicationRegistered,
    ApplicationResubmitted,
    ApplicationWithdrawn,
    Rater,
    ReferenceCompleted,
    ReferenceDeclined,
    ReferenceRequested,
    ReferenceVoided,
    RegistrationAccepted,
    ReinstatementSubmitted,
    RenewalSubmitted,
)

from ..config import Tenant
from ..domain import Contact, InvalidEmail, Recipient
from ..notices import Notice
from ..templates import Links, Phrase, Value
from ..templates import kinds as k


def preferred_language(person: Any) -> str | None:
    """The person's language when the event says (Person has no such field today; a later version may; a rater
    has one when the applicant chose it). Otherwise the notifier uses the language learnt for the person's
    account, then the association's default."""
    language = getattr(person, "language", None)
    return language if isinstance(language, str) else None


def local_date(moment: datetime, tenant: Tenant) -> date:
    """The association's calendar date of a moment (an application at 03:30 UTC may be yesterday in Phoenix)."""
    return moment.astimezone(ZoneInfo(tenant.timezone)).date()


def _to_applicant(applicant: Person) -> Recipient:
    return Recipient(address=applicant.email, name=applicant.name)


def rater_name(rater: Rater) -> Value:
    """The rater's name as the applicant reads it; "your rater" once the rater was erased (their name opens to None)."""
    name: str | None = rater.name
    return Phrase("rater.erased") if name is None else name


def application_submitted(event: ApplicationSubmitted, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears that their (re)submission arrived and what happens next."""
    values: dict[str, Value] = {
        "applicant_name": event.applicant.name,
        "category_name": event.category_name,
        "submitted_on": local_date(event.occurred_at, tenant),
        "application_url": links.task_list(event.application_id),
    }
    resubmitted = isinstance(event, ApplicationResubmitted) or event.submission_number > 1
    if resubmitted:
        reason = event.in_response_to if isinstance(event, ApplicationResubmitted) else "unspecified"
        values["in_response_to"] = Phrase(f"resubmitted.{reason}")
    return Notice(
        kind=k.APPLICATION_RESUBMITTED if resubmitted else k.APPLICATION_SUBMITTED,
        id_kind=k.APPLICATION_SUBMITTED,  # one email per submission, whichever event announced it
        about=event.application_id,
        occurrence=event.submission_number,
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values=values,
    )


def application_registered(event: ApplicationRegistered, tenant: Tenant, links: Links) -> list[Notice]:
    """Each coordinator hears that a registration awaits their acceptance (applicant's name and category only)."""
    return [
        Notice(
            kind=k.REGISTRATION_AWAITING_ACCEPTANCE,
            about=event.application_id,
            occurrence=coordinator.address.lower(),
            tenant=tenant,
            recipient=coordinator,
            values={
                "coordinator_name": coordinator.name,
                "applicant_name": event.applicant.name,
                "category_name": event.category_name,
                "registered_on": local_date(event.registered_at, tenant),
                "application_url": links.application(event.application_id),
            },
        )
        for coordinator in tenant.coordinator_recipients
    ]


def registration_accepted(event: RegistrationAccepted, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears they may now complete and submit the application."""
    return Notice(
        kind=k.REGISTRATION_ACCEPTED,
        about=event.application_id,
        occurrence="accepted",
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "application_url": links.task_list(event.application_id),
        },
    )


def reference_requested(event: ReferenceRequested, tenant: Tenant, links: Links) -> Notice | list[Notice]:
    """The rater gets the form link; every request (a reminder, a re-send) is a new email with the new link.

    The link (the portal's HTML form, as the applications service sends it) is a bearer secret: it goes into the
    email verbatim and nowhere else (no log line, no error message). The email is in the rater's language when
    the event says one, else in the association's default (a rater has no account). The link travels sealed
    under the rater and is opened only here; an erased rater (link, address and name opened to None) gets nothing.
    """
    form_url: str | None = event.form_url
    if form_url is None or event.rater.email is None:
        return []
    if not form_url.startswith(("https://", "http://")):
        raise InvalidEmail(f"the form link of reference {event.reference_id} is not an http(s) URL")
    return Notice(
        kind=k.REFERENCE_REMINDER if event.reminder else k.REFERENCE_REQUESTED,
        id_kind=k.REFERENCE_REQUESTED,
        about=event.reference_id,
        occurrence=event.request_number,
        tenant=tenant,
        recipient=Recipient(address=event.rater.email, name=event.rater.name),
        language=preferred_language(event.rater),
        values={
            "rater_name": event.rater.name,
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "form_url": event.form_url,
            "expires_on": local_date(event.expires_at, tenant),
        },
    )


def reference_voided(event: ReferenceVoided, contact: Contact, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears a reference no longer counts and must name another rater (why, not the detail)."""
    return Notice(
        kind=k.REFERENCE_VOIDED,
        about=event.reference_id,
        occurrence="voided",
        tenant=tenant,
        recipient=contact.recipient,
        language=contact.language,
        account_id=contact.account_id,
        values={
            "applicant_name": contact.recipient.name,
            "category_name": tenant.category_name(event.category),
            "slot": str(event.slot),
            "reason": Phrase(f"void.{event.reason}"),
            "references_url": links.references(event.application_id),
        },
    )


def reference_completed(event: ReferenceCompleted, contact: Contact, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears only that a reference is complete and until when it counts: never its ratings."""
    return Notice(
        kind=k.REFERENCE_COMPLETED,
        about=event.reference_id,
        occurrence="completed",
        tenant=tenant,
        recipient=contact.recipient,
        language=contact.language,
        account_id=contact.account_id,
        values={
            "applicant_name": contact.recipient.name,
            "rater_name": rater_name(event.rater),
            "category_name": tenant.category_name(event.category),
            "slot": str(event.slot),
            "valid_until": event.valid_until,
            "references_url": links.references(event.application_id),
        },
    )


def reference_declined(event: ReferenceDeclined, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears that a rater declined and names another rater for the slot on the references page.

    The rater's own words are shown only when the reference was not waived: a waived reference's contents never
    reach the applicant (the email then says only that it is not shared, not whether there is any)."""
    if event.waived:
        reason: Value = Phrase("declined.waived")
    else:
        reason = event.reason.strip() if event.reason and event.reason.strip() else Phrase("no_message")
    return Notice(
        kind=k.REFERENCE_DECLINED,
        about=event.reference_id,
        occurrence="declined",
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "rater_name": rater_name(event.rater),
            "category_name": event.category_name,
            "slot": str(event.slot),
            "reason": reason,
            "references_url": links.references(event.application_id),
        },
    )


def application_withdrawn(event: ApplicationWithdrawn, tenant: Tenant, links: Links) -> Notice:
    """The applicant gets a confirmation (and a warning if it was not them)."""
    return Notice(
        kind=k.APPLICATION_WITHDRAWN,
        about=event.application_id,
        occurrence="withdrawn",
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": tenant.category_name(event.category),
            "reason": event.reason,
        },
    )


def renewal_submitted(event: RenewalSubmitted, tenant: Tenant, links: Links) -> Notice:
    return Notice(
        kind=k.RENEWAL_SUBMITTED,
        about=event.application_id,
        occurrence=event.submission_number,
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "renewal_year": str(event.renewal_year),
            "submitted_on": local_date(event.occurred_at, tenant),
            "application_url": links.task_list(event.application_id),
        },
    )


def reinstatement_submitted(event: ReinstatementSubmitted, tenant: Tenant, links: Links) -> Notice:
    return Notice(
        kind=k.REINSTATEMENT_SUBMITTED,
        about=event.application_id,
        occurrence=event.submission_number,
        tenant=tenant,
        recipient=_to_applicant(event.applicant),
        language=preferred_language(event.applicant),
        account_id=event.applicant.account_id,
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "submitted_on": local_date(event.occurred_at, tenant),
            "application_url": links.task_list(event.application_id),
        },
    )
