"""Integration events that someone must hear about, each mapped to the email that tells them.

A new kind of email is one function here (event -> Notice), one line in `handlers`, and a template
in `templates.catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from endorsement_contracts import ApplicationSubmitted, EndorsementGranted, Envelope, IntegrationEvent
from servicekit.consumer import Handler, RejectedMessage

from ..config import Tenant
from ..domain import Cause, NotificationError, Recipient
from ..notices import Notice, Notifier
from ..templates import APPLICATION_SUBMITTED, ENDORSEMENT_GRANTED, Links, long_date

E = TypeVar("E", bound=IntegrationEvent)
NoticeFor = Callable[[E, Tenant, Links], Notice]


def application_submitted(event: ApplicationSubmitted, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears that their (re)submission arrived and what happens next."""
    submitted_on = event.occurred_at.astimezone(ZoneInfo(tenant.timezone))
    return Notice(
        kind=APPLICATION_SUBMITTED,
        about=event.application_id,
        occurrence=event.submission_number,
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "submission": "application" if event.submission_number == 1 else "resubmitted application",
            "submitted_on": long_date(submitted_on),
            "application_url": links.application(event.application_id),
        },
    )


def endorsement_granted(event: EndorsementGranted, tenant: Tenant, links: Links) -> Notice:
    """The applicant hears they are endorsed, from when, and when renewal is due."""
    return Notice(
        kind=ENDORSEMENT_GRANTED,
        about=event.application_id,
        occurrence=event.endorsement_id,
        tenant=tenant,
        recipient=Recipient(address=event.applicant.email, name=event.applicant.name),
        values={
            "applicant_name": event.applicant.name,
            "category_name": event.category_name,
            "effective_date": long_date(event.effective_date),
            "renewal_date": long_date(event.renewal_date),
            "endorsement_url": links.endorsement(event.endorsement_id),
        },
    )


def handlers(notifier: Notifier) -> dict[type[IntegrationEvent], Handler]:
    """The handlers for `servicekit.consumer.IdempotentConsumer`, one per event type that causes an email."""
    return {
        ApplicationSubmitted: _handler(ApplicationSubmitted, application_submitted, notifier),
        EndorsementGranted: _handler(EndorsementGranted, endorsement_granted, notifier),
    }


def _handler(event_type: type[E], notice_for: NoticeFor[E], notifier: Notifier) -> Handler:
    def handle(envelope: Envelope) -> Sequence[Any]:
        event = envelope.event
        assert isinstance(event, event_type)
        try:
            notice = notice_for(event, notifier.tenant(event.tenant), notifier.links)
            return notifier.queue(notice, Cause(event_id=envelope.id, event_type=envelope.type))
        except NotificationError as exc:
            raise RejectedMessage(f"{exc.code}: {exc}") from exc

    return handle
