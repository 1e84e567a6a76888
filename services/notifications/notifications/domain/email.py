"""An email to one person about one step of their endorsement: queued once, then sent or failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import EmailAlreadyFinal, InvalidEmail, RecipientErased, WordingGone
from .personal import Addressee, Letter, Wording, email_subject


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
    """One email; its id is derived from what caused it, so the same cause never queues it twice.

    Its personal parts are stored sealed in two envelopes: the recipient's address and name (an `Addressee`) under
    the recipient's subject, needed until the email ends and for support staff while the person is not erased
    (`erased`); what it says (a `Wording`: subject line and bodies, which may name other people) under the email's
    own subject, whose key is destroyed once the email ended (`wording_gone`)."""

    class Queued(Aggregate.Created):
        class_version = 3
        tenant: str
        kind: str
        addressee: Addressee
        wording: Wording
        sender_name: str
        reply_to: str
        cause_id: str
        cause_type: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Queued before sealing: the plaintext fields become a `Letter` without a subject."""
            state["letter"] = Letter(
                data_subject=None,
                recipient=state.pop("recipient"),
                recipient_name=state.pop("recipient_name"),
                subject=state.pop("subject"),
                text_body=state.pop("text_body"),
                html_body=state.pop("html_body"),
            )

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Queued before each email had a key: the one `Letter` (under the recipient) becomes both parts,
            still under the recipient's subject (the `data_subject` of each says whose key it was)."""
            letter: Letter = state.pop("letter")
            state["addressee"] = Addressee(data_subject=letter.data_subject, address=letter.recipient,
                                           name=letter.recipient_name)
            state["wording"] = Wording(data_subject=letter.data_subject, subject=letter.subject,
                                       text_body=letter.text_body, html_body=letter.html_body)

    class Sent(Aggregate.Event):
        at: datetime
        message_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = EmailStatus.SENT
            aggregate.sent_at = self.at
            aggregate.message_id = self.message_id
            aggregate.failure = None

    class Failed(Aggregate.Event):
        reason: str
        permanent: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.failure = self.reason
            if self.permanent:
                aggregate.status = EmailStatus.FAILED

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
        data_subject: str,
        sender_name: str,
        reply_to: str,
        content: EmailContent,
        cause: Cause,
    ) -> Email:
        """Queue an email for sending; refuses values that cannot be sent as written. `data_subject`: the
        recipient's subject id, whose key seals their address and name (the wording is sealed under the email's
        own subject, `email_subject(email_id)`)."""
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
            addressee=Addressee(data_subject=data_subject, address=recipient.address, name=recipient.name),
            wording=Wording(data_subject=email_subject(email_id), subject=content.subject,
                            text_body=content.text_body, html_body=content.html_body),
            sender_name=sender_name,
            reply_to=reply_to,
            cause_id=cause.event_id,
            cause_type=cause.event_type,
        )

    @event(Queued)
    def __init__(
        self,
        *,
        tenant: str,
        kind: str,
        addressee: Addressee,
        wording: Wording,
        sender_name: str,
        reply_to: str,
        cause_id: str,
        cause_type: str,
    ) -> None:
        self.tenant = tenant
        self.kind = kind
        self.data_subject = addressee.data_subject
        self.recipient = addressee.address
        self.recipient_name = addressee.name
        self.wording_subject = wording.data_subject
        self.subject = wording.subject
        self.text_body = wording.text_body
        self.html_body = wording.html_body
        self.sender_name = sender_name
        self.reply_to = reply_to
        self.cause_id = cause_id
        self.cause_type = cause_type
        self.status = EmailStatus.QUEUED
        self.sent_at: datetime | None = None
        self.message_id: str | None = None
        self.failure: str | None = None

    @property
    def erased(self) -> bool:
        """The recipient was erased: the email no longer opens and is never sent."""
        return self.recipient is None

    @property
    def wording_gone(self) -> bool:
        """What it said no longer opens: it ended and its own key was destroyed (or its recipient was erased)."""
        return self.subject is None

    @property
    def ended(self) -> bool:
        """Sent or failed for good: its outcome cannot change, and nobody needs its wording any more."""
        return self.status is not EmailStatus.QUEUED

    @property
    def to(self) -> Recipient:
        """Who it goes to; RecipientErased once they are erased."""
        if self.recipient is None or self.recipient_name is None:
            raise RecipientErased(f"the recipient of email {self.id} was erased")
        return Recipient(address=self.recipient, name=self.recipient_name)

    @property
    def content(self) -> EmailContent:
        """What the recipient reads; WordingGone once its key was destroyed."""
        if self.subject is None or self.text_body is None or self.html_body is None:
            raise WordingGone(f"the wording of email {self.id} no longer opens")
        return EmailContent(subject=self.subject, text_body=self.text_body, html_body=self.html_body)

    @property
    def queued_at(self) -> datetime:
        return self.created_on

    def mark_sent(self, at: datetime, message_id: str) -> None:
        """The mail server accepted the message for delivery."""
        self._require_queued()
        self.trigger_event(self.Sent, at=at, message_id=message_id)

    def mark_failed(self, reason: str, permanent: bool) -> None:
        """A delivery attempt failed; a permanent failure is final, a transient one is noted once per reason."""
        self._require_queued()
        if not permanent and reason == self.failure:
            return  # the same delay again tells support staff nothing new
        self.trigger_event(self.Failed, reason=reason, permanent=permanent)

    def _require_queued(self) -> None:
        if self.status is not EmailStatus.QUEUED:
            raise EmailAlreadyFinal(f"email {self.id} is already {self.status.value}")


def _require_one_line(**values: str) -> None:
    for name, value in values.items():
        if "\r" in value or "\n" in value:
            raise InvalidEmail(f"{name} must be a single line")
