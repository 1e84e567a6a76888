"""Turning "tell this person about that event" into a queued email: tenant facts, language, template, derived id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from .application import Draft, NotificationsApplication
from .config import Tenant
from .domain import Account, Cause, Contact, Email, NotificationError, Recipient
from .templates import Links, Value, one_line, render


class UnknownTenant(NotificationError):
    code = "UNKNOWN_TENANT"


@dataclass(frozen=True)
class Notice:
    """A person to tell something, as a template kind and the values it needs.

    `about` (the aggregate the email concerns) and `occurrence` (which time it happened) make the
    email's id, so the same cause never queues a second email. `id_kind` names the kind the id is derived
    from when several wordings answer the same cause (a first reference request and its reminders, a
    submission and a resubmission). `language` is the person's preferred language, when the event says;
    `account_id` the person's account, whose learnt language is used otherwise.
    """

    kind: str
    about: object
    occurrence: object
    tenant: Tenant
    recipient: Recipient
    values: Mapping[str, Value]
    language: str | None = None
    id_kind: str | None = None
    account_id: UUID | None = None

    @property
    def email_id(self) -> UUID:
        return Email.id_for(self.id_kind or self.kind, self.about, self.occurrence)


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
        email_id = notice.email_id
        if self.app.exists(email_id):
            return []
        tenant = notice.tenant
        values = {**notice.values, "tenant_name": tenant.name, "contact_email": tenant.contact_email}
        recipient = Recipient(address=notice.recipient.address.strip(), name=one_line(notice.recipient.name))
        draft = Draft(
            email_id=email_id,
            tenant=tenant.slug,
            kind=notice.kind,
            recipient=recipient,
            sender_name=one_line(tenant.name),
            reply_to=tenant.contact_email,
            content=render(notice.kind, values, self.language(notice)),
            cause=cause,
        )
        return [self.app.queue(draft)]

    def language(self, notice: Notice) -> str:
        """The event's own language, else the learnt language of the person's account, else the tenant's default
        (each only when the association writes in it)."""
        tenant = notice.tenant
        account = self.app.find_account(notice.account_id, tenant.slug) if notice.account_id else None
        for candidate in (notice.language, account.language if account else None):
            if candidate in tenant.languages:
                return str(candidate)
        return tenant.default_language

    def learn(
        self,
        tenant: Tenant,
        subject: str,
        subject_id: UUID,
        person: Recipient,
        language: str | None,
        account_id: UUID | None = None,
    ) -> list[Contact]:
        """The contact to save when an event names the person of an application or endorsement anew."""
        contact = self.app.learn_contact(subject, subject_id, tenant.slug, person, language, account_id)
        return [contact] if contact is not None else []

    def learn_account(self, tenant: Tenant, account_id: UUID, language: str, as_of: datetime) -> list[Account]:
        """The account to save when an account event says its language anew."""
        account = self.app.learn_account(account_id, tenant.slug, language, as_of)
        return [account] if account is not None else []

    def contact(self, tenant: Tenant, subject: str, subject_id: UUID) -> Contact | None:
        return self.app.find_contact(subject, subject_id, tenant.slug)
