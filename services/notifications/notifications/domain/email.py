"""An email to one person about one step of their endorsement: queued once, then sent or failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import EmailAlreadyFinal, InvalidEmail


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str


@dataclass(frozen=True)
class EmailContent:
    """What the person reads: already rendered, so a resend is the same message."""

    subject: str
    text_body: str
    html_body: str


@dataclass(frozen=True)
class Cause:
    """The integration event that made this email necessary (its CloudEvents id and type)."""

    event_id: str
    event_type: str


class Email(Aggregate):
    """One email; its id is derived from what caused it, so the same cause never queues it twice."""

    class Queued(Aggregate.Created):
        tenant: str
        kind: str
        recipient: str
        recipient_name: str
        sender_name: str
        reply_to: str
        subject: str
        text_body: str
        html_body: str
        cause_id: str
        cause_type: str

    class Sent(Aggregate.Event):
        at: datetime
        message_id: str

    class Failed(Aggregate.Event):
        reason: str
        permanent: bool

    @staticmethod
    def id_for(kind: str, about: object, occurrence: object) -> UUID:
        """The id of the email of `kind` about an aggregate (e.g. an application) for one occurrence."""
        return uuid5(NAMESPACE_URL, f"email/{kind}/{about}/{occurrence}")

    @classmethod
    def queue(
        cls,
        *,
        email_id: UUID,
        tenant: str,
        kind: str,
        recipient: Recipient,
        sender_name: str,
        reply_to: str,
        content: EmailContent,
        cause: Cause,
    ) -> Email:
        """Queue an email for sending; refuses values that cannot be sent as written."""
        _require_one_line(
            recipient=recipient.address,
            recipient_name=recipient.name,
            sender_name=sender_name,
            reply_to=reply_to,
            subject=content.subject,
        )
        if "@" not in recipient.address.strip("@"):
            raise InvalidEmail(f"recipient {recipient.address!r} is not an email address")
        if not content.subject.strip() or not content.text_body.strip():
            raise InvalidEmail("an email needs a subject and a text body")
        return cls._create(
            cls.Queued,
            id=email_id,
            tenant=tenant,
            kind=kind,
            recipient=recipient.address,
            recipient_name=recipient.name,
            sender_name=sender_name,
            reply_to=reply_to,
            subject=content.subject,
            text_body=content.text_body,
            html_body=content.html_body,
            cause_id=cause.event_id,
            cause_type=cause.event_type,
        )

    @event(Queued)
    def __init__(
        self,
        *,
        tenant: str,
        kind: str,
        recipient: str,
        recipient_name: str,
        sender_name: str,
        reply_to: str,
        subject: str,
        text_body: str,
        html_body: str,
        cause_id: str,
        cause_type: str,
    ) -> None:
        self.tenant = tenant
        self.kind = kind
        self.recipient = recipient
        self.recipient_name = recipient_name
        self.sender_name = sender_name
        self.reply_to = reply_to
        self.subject = subject
        self.text_body = text_body
        self.html_body = html_body
        self.cause_id = cause_id
        self.cause_type = cause_type
        self.status = EmailStatus.QUEUED
        self.sent_at: datetime | None = None
        self.message_id: str | None = None
        self.failure: str | None = None

    @property
    def content(self) -> EmailContent:
        return EmailContent(subject=self.subject, text_body=self.text_body, html_body=self.html_body)

    @property
    def queued_at(self) -> datetime:
        return self.created_on

    def mark_sent(self, at: datetime, message_id: str) -> None:
        """The mail server accepted the message for delivery."""
        self._require_queued()
        self._sent(at=at, message_id=message_id)

    def mark_failed(self, reason: str, permanent: bool) -> None:
        """A delivery attempt failed; a permanent failure is final, a transient one is noted once per reason."""
        self._require_queued()
        if not permanent and reason == self.failure:
            return  # the same delay again tells support staff nothing new
        self._failed(reason=reason, permanent=permanent)

    @event(Sent)
    def _sent(self, at: datetime, message_id: str) -> None:
        self.status = EmailStatus.SENT
        self.sent_at = at
        self.message_id = message_id
        self.failure = None

    @event(Failed)
    def _failed(self, reason: str, permanent: bool) -> None:
        self.failure = reason
        if permanent:
            self.status = EmailStatus.FAILED

    def _require_queued(self) -> None:
        if self.status is not EmailStatus.QUEUED:
            raise EmailAlreadyFinal(f"email {self.id} is already {self.status.value}")


def _require_one_line(**values: str) -> None:
    for name, value in values.items():
        if "\r" in value or "\n" in value:
            raise InvalidEmail(f"{name} must be a single line")
