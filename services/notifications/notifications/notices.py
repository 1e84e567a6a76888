"""Turning "tell this person about that event" into a queued email: tenant facts, language, template, derived id."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from servicekit.subjects import account_subject, rater_subject

from .application import Draft, NotificationsApplication
from .config import Tenant
from .domain import Account, Addressee, Cause, Contact, Email, Recipient, UnknownTenant
from .templates import Links, Value, one_line, render

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """A person to tell something, as a template kind and the values it needs.

    `about` (the aggregate the email concerns) and `occurrence` (which time it happened) make the
    email's id, so the same cause never queues a second email. `id_kind` names the kind the id is derived
    from when several wordings answer the same cause (a first reference request and its reminders, a
    submission and a resubmission). `language` is the person's preferred language, when the event says;
    `account_id` the recipient's account, whose learnt language is used otherwise, and whose subject
    (`account:<id>`) seals the email. A recipient named by address only (a rater, a coordinator from the tenant
    file, a reviewer of a v1 event) is sealed under the address's subject (`data_subject`).
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
    def __init__(
        self, app: NotificationsApplication, tenants: Mapping[str, Tenant], links: Links, *, rater_index_key: bytes
    ) -> None:
        self.app = app
        self.tenants = tenants
        self.links = links
        self.rater_index_key = rater_index_key

    def data_subject(self, tenant: Tenant, address: str, account_id: UUID | None) -> str:
        """Whose key seals what this service keeps of a person: their account's subject, else (a person known by
        address only) the subject the gateway and applications compute for that address (`rater:<tenant>:<hmac>`),
        so an erasure request that gives the address reaches it."""
        if account_id is not None:
            return account_subject(account_id)
        return rater_subject(tenant.slug, address, self.rater_index_key)

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
        data_subject = self.data_subject(tenant, recipient.address, notice.account_id)
        if self.app.is_erased(data_subject):  # nothing may be kept of them again, and nobody reads it
            log.info("%s email %s not queued: its recipient was erased", notice.kind, email_id)
            return []
        draft = Draft(
            email_id=email_id,
            tenant=tenant.slug,
            kind=notice.kind,
            recipient=recipient,
            data_subject=data_subject,
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
        """The contact to save when an event names the person of an application or endorsement anew (nothing for an
        erased person: nothing may be kept of them again)."""
        data_subject = self.data_subject(tenant, person.address, account_id)
        if self.app.is_erased(data_subject):
            return []
        addressee = Addressee(data_subject=data_subject, address=person.address, name=person.name)
        contact = self.app.learn_contact(subject, subject_id, tenant.slug, addressee, language, account_id)
        return [contact] if contact is not None else []

    def learn_account(self, tenant: Tenant, account_id: UUID, language: str, as_of: datetime) -> list[Account]:
        """The account to save when an account event says its language anew."""
        account = self.app.learn_account(account_id, tenant.slug, language, as_of)
        return [account] if account is not None else []

    def contact(self, tenant: Tenant, subject: str, subject_id: UUID) -> Contact | None:
        """The person an application or endorsement belongs to (maybe erased: `contact.erased`); None when unknown."""
        return self.app.find_contact(subject, subject_id, tenant.slug)
