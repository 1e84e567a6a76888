"""Use cases on emails: queue one per cause, find one, and record what the mail server said."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, Tracking
from servicekit.eventstore import TrackedApplication

from .domain import Account, Cause, Contact, Email, EmailContent, EmailNotFound, Recipient


@dataclass(frozen=True)
class Draft:
    """An email ready to queue: rendered content and everything its envelope needs."""

    email_id: UUID
    tenant: str
    kind: str
    recipient: Recipient
    sender_name: str
    reply_to: str
    content: EmailContent
    cause: Cause


@dataclass(frozen=True)
class LogEntry:
    """A position in this service's notification log, and the email it queued (None for other events)."""

    position: int
    queued_email_id: UUID | None


class NotificationsApplication(TrackedApplication):
    name = "Notifications"

    def exists(self, email_id: UUID) -> bool:
        return email_id in self.repository

    def queue(self, draft: Draft) -> Email:
        """A new, unsaved email; the caller saves it with the position of the event that caused it."""
        return Email.queue(
            email_id=draft.email_id,
            tenant=draft.tenant,
            kind=draft.kind,
            recipient=draft.recipient,
            sender_name=draft.sender_name,
            reply_to=draft.reply_to,
            content=draft.content,
            cause=draft.cause,
        )

    def learn_contact(
        self,
        subject: str,
        subject_id: UUID,
        tenant: str,
        person: Recipient,
        language: str | None,
        account_id: UUID | None = None,
    ) -> Contact | None:
        """The contact to save when this is news (a first sighting or a change), None when already known."""
        contact = self.find_contact(subject, subject_id, tenant)
        if contact is None:
            if Contact.id_for(subject, subject_id) in self.repository:
                return None  # another tenant's id: never overwrite it from this one
            return Contact.learn(
                subject=subject,
                subject_id=subject_id,
                tenant=tenant,
                person=person,
                language=language,
                account_id=account_id,
            )
        return contact if contact.update(person, language, account_id) else None

    def learn_account(self, account_id: UUID, tenant: str, language: str, as_of: datetime) -> Account | None:
        """The account to save when its language is news, None when already known (or another tenant's id)."""
        account = self.find_account(account_id, tenant)
        if account is None:
            if Account.id_for(account_id) in self.repository:
                return None
            return Account.learn(account_id=account_id, tenant=tenant, language=language, as_of=as_of)
        return account if account.update(language, as_of) else None

    def find_account(self, account_id: UUID, tenant: str) -> Account | None:
        """What this service learnt of an account of this tenant, if anything."""
        try:
            account: object = self.repository.get(Account.id_for(account_id))
        except AggregateNotFoundError:
            return None
        return account if isinstance(account, Account) and account.tenant == tenant else None

    def find_contact(self, subject: str, subject_id: UUID, tenant: str) -> Contact | None:
        """Who the application or endorsement belongs to, if an earlier event of this tenant named them."""
        try:
            contact: object = self.repository.get(Contact.id_for(subject, subject_id))
        except AggregateNotFoundError:
            return None
        return contact if isinstance(contact, Contact) and contact.tenant == tenant else None

    def get_email(self, email_id: UUID, tenant: str | None = None) -> Email:
        """The email; EmailNotFound when absent or (given `tenant`) another tenant's."""
        try:
            email: object = self.repository.get(email_id)
        except AggregateNotFoundError:
            raise EmailNotFound(f"no email {email_id}") from None
        if not isinstance(email, Email) or (tenant is not None and email.tenant != tenant):
            raise EmailNotFound(f"no email {email_id}")
        return email

    def log_after(self, position: int, limit: int) -> list[LogEntry]:
        """The next entries of the notification log, each with the email it queued, if any."""
        entries = []
        for notification in self.process_recorder.select_notifications(start=position + 1, limit=limit):
            domain_event = self.mapper.to_domain_event(notification)
            queued = isinstance(domain_event, Email.Queued)
            entries.append(LogEntry(notification.id, domain_event.originator_id if queued else None))
        return entries

    def record_sent(self, email: Email, tracking: Tracking, at: datetime, message_id: str) -> None:
        email.mark_sent(at, message_id)
        self.save_tracked(tracking, email)

    def record_refused(self, email: Email, tracking: Tracking, reason: str) -> None:
        email.mark_failed(reason, permanent=True)
        self.save_tracked(tracking, email)

    def note_delay(self, email_id: UUID, reason: str) -> None:
        """Note a transient failure for support staff; the email stays queued."""
        email = self.get_email(email_id)
        email.mark_failed(reason, permanent=False)
        with suppress(IntegrityError):  # noted concurrently: the note is only informative
            self.save(email)

    def skip_to(self, tracking: Tracking) -> None:
        """Record a position whose events need no email."""
        self.record_position(tracking)
