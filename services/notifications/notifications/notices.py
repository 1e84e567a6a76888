"""Turning "tell this person about that event" into a queued email: tenant facts, template, derived id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .application import Draft, NotificationsApplication
from .config import Tenant
from .domain import Cause, Email, NotificationError, Recipient
from .templates import Links, one_line, render


class UnknownTenant(NotificationError):
    code = "UNKNOWN_TENANT"


@dataclass(frozen=True)
class Notice:
    """A person to tell something, as a template kind and the values it needs.

    `about` (the aggregate the email concerns) and `occurrence` (which time it happened) make the
    email's id, so the same cause never queues a second email.
    """

    kind: str
    about: object
    occurrence: object
    tenant: Tenant
    recipient: Recipient
    values: Mapping[str, str]


class Notifier:
    def __init__(self, app: NotificationsApplication, tenants: Mapping[str, Tenant], links: Links) -> None:
        self.app = app
        self.tenants = tenants
        self.links = links

    def tenant(self, slug: str) -> Tenant:
        try:
            return self.tenants[slug]
        except KeyError:
            raise UnknownTenant(f"unknown tenant {slug!r}") from None

    def queue(self, notice: Notice, cause: Cause) -> list[Email]:
        """The new email to save, or nothing when this cause already queued it."""
        email_id = Email.id_for(notice.kind, notice.about, notice.occurrence)
        if self.app.exists(email_id):
            return []
        tenant = notice.tenant
        values = {name: one_line(value) for name, value in notice.values.items()}
        values.update(tenant_name=one_line(tenant.name), contact_email=tenant.contact_email)
        recipient = Recipient(address=notice.recipient.address.strip(), name=one_line(notice.recipient.name))
        draft = Draft(
            email_id=email_id,
            tenant=tenant.slug,
            kind=notice.kind,
            recipient=recipient,
            sender_name=one_line(tenant.name),
            reply_to=tenant.contact_email,
            content=render(notice.kind, values),
            cause=cause,
        )
        return [self.app.queue(draft)]
