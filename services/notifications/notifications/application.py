"""Use cases on emails: queue one per cause, find one, record what the mail server said, forget what an ended email
said, and erase a person."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Tracking
from eventsourcing.utils import EnvType, get_topic
from servicekit.eventstore import TrackedApplication
from servicekit.sealed_transcoding import sealed_transcoding

from .domain import (
    Account,
    Addressee,
    Cause,
    Contact,
    Email,
    EmailContent,
    EmailNotFound,
    Erasure,
    Letter,
    Recipient,
    Wording,
    email_subject,
)
from .domain.personal import RECIPIENT_ERASED


class PersonalDataKeys(Protocol):
    """What this service needs of `servicekit.shredding.SubjectKeys` (its own `subject_keys` table)."""

    def seal(self, subject: str, plaintext: str) -> str: ...

    def open(self, token: str) -> str | None: ...

    def destroy(self, subject: str) -> None: ...

    def is_erased(self, subject: str) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Draft:
    """An email ready to queue: rendered content and everything its envelope needs."""

    email_id: UUID
    tenant: str
    kind: str
    recipient: Recipient
    data_subject: str
    sender_name: str
    reply_to: str
    content: EmailContent
    cause: Cause


@dataclass(frozen=True)
class LogEntry:
    """A position in this service's notification log: the email it queued, or the email it ended (sent or failed
    for good), or neither (other events)."""

    position: int
    queued_email_id: UUID | None
    ended_email_id: UUID | None = None


QUEUED_TOPIC = get_topic(Email.Queued)
SENT_TOPIC = get_topic(Email.Sent)
FAILED_TOPIC = get_topic(Email.Failed)
SENDER_POSITION = "mail-sender"
"""The mail sender's position in the notification log: every email queued after it is still queued."""


class NotificationsApplication(TrackedApplication):
    """The stored events keep every personal value sealed under its person's key (`keys`): an `Addressee` in a
    contact or a queued email. Destroying the key (`erase`) makes them decode as None for good. What an email says
    (`Wording`) is sealed under the email's own key, destroyed once the email ended (`forget_wording`)."""

    name = "Notifications"

    def __init__(self, env: EnvType | None = None, *, keys: PersonalDataKeys) -> None:
        self.keys = keys  # before the base class builds the mapper, whose transcodings seal with it
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(sealed_transcoding(Addressee, name="addressee_v1", personal=("address", "name"),
                                               keys=self.keys, subject_field="data_subject"))
        transcoder.register(sealed_transcoding(Wording, name="wording_v1",
                                               personal=("subject", "text_body", "html_body"),
                                               keys=self.keys, subject_field="data_subject"))
        # only read: `Email.Queued` v2, before each email had its own key
        transcoder.register(sealed_transcoding(
            Letter, name="letter_v1", personal=("recipient", "recipient_name", "subject", "text_body", "html_body"),
            keys=self.keys, subject_field="data_subject"))

    def close(self) -> None:
        super().close()
        self.keys.close()

    def is_erased(self, data_subject: str) -> bool:
        return self.keys.is_erased(data_subject)

    def erase(self, erasure_id: UUID, tenant: str, data_subject: str) -> list[Erasure | Email]:
        """Destroy the person's key (idempotent) and record it once per erasure request, failing their queued emails
        for good (`recipient erased`): the aggregates to save, or nothing when this request was already recorded (a
        redelivered or replayed `PersonErased`). The keys are destroyed before they are saved: destroying is
        idempotent, so a crash in between only repeats it. The queued emails' own keys go at once too: with their
        recipient's key gone first, the sender can never send them, so no resend needs their wording."""
        if Erasure.id_for(erasure_id) in self.repository:
            return []
        queued = self.queued_to(data_subject)
        self.keys.destroy(data_subject)
        for email in queued:
            self.keys.destroy(email_subject(email.id))
            email.mark_failed(RECIPIENT_ERASED, permanent=True)
        return [*queued, Erasure.record(erasure_id=erasure_id, tenant=tenant, subject=data_subject)]

    def queued_to(self, data_subject: str) -> list[Email]:
        """The emails to this subject still queued: those the mail sender has not reached yet (queued after its
        position; it moves past an email only once it ended). Read from the log, not the read model, which may lag."""
        found: list[Email] = []
        position = self.position(SENDER_POSITION)
        while notifications := self.process_recorder.select_notifications(start=position + 1, limit=500):
            for notification in notifications:
                if notification.topic != QUEUED_TOPIC:
                    continue
                queued = self.mapper.to_domain_event(notification)
                assert isinstance(queued, Email.Queued)
                if queued.addressee.data_subject == data_subject:
                    email = self.get_email(queued.originator_id)
                    if not email.ended:
                        found.append(email)
            position = notifications[-1].id
        return found

    def forget_wording(self, ended_email_id: UUID) -> None:
        """Destroy the key of an ended email's wording (idempotent): what it said no longer opens anywhere. Called
        only once the ending is committed (its `Sent` or final `Failed` is in the log), so the sender never meets a
        queued email it cannot resend. (An email queued before per-email keys gets a tombstone and nothing else.)"""
        self.keys.destroy(email_subject(ended_email_id))

    def exists(self, email_id: UUID) -> bool:
        return email_id in self.repository

    def queue(self, draft: Draft) -> Email:
        """A new, unsaved email; the caller saves it with the position of the event that caused it."""
        return Email.queue(
            email_id=draft.email_id,
            tenant=draft.tenant,
            kind=draft.kind,
            recipient=draft.recipient,
            data_subject=draft.data_subject,
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
        person: Addressee,
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
        """The next entries of the notification log, each with the email it queued or ended, if any."""
        # by topic, without decoding a `Queued`: that would open the sealed parts only for them to be dropped
        entries = []
        for notification in self.process_recorder.select_notifications(start=position + 1, limit=limit):
            email_id = UUID(str(notification.originator_id))
            if notification.topic == QUEUED_TOPIC:
                entries.append(LogEntry(notification.id, queued_email_id=email_id))
            elif notification.topic == SENT_TOPIC or (
                notification.topic == FAILED_TOPIC and _permanent(self.mapper.to_domain_event(notification))
            ):
                entries.append(LogEntry(notification.id, queued_email_id=None, ended_email_id=email_id))
            else:
                entries.append(LogEntry(notification.id, queued_email_id=None))
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


def _permanent(failed: object) -> bool:
    return isinstance(failed, Email.Failed) and failed.permanent
