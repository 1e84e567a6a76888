"""The MIME message of an email: identical bytes every time the same email is (re)sent."""

from __future__ import annotations

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from uuid import UUID

from ..domain import Email


def message_id_for(email_id: UUID, mail_from: str) -> str:
    """A `Message-ID` derived from the email's id, so a resend is recognisable as the same message."""
    return f"<{email_id}@{mail_from.rpartition('@')[2]}>"


def envelope_address(address: str) -> str:
    """The address with its domain in IDNA (ASCII) form: only a non-ASCII local part then needs SMTPUTF8."""
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def compose(email: Email, mail_from: str) -> EmailMessage:
    """multipart/alternative (text, then HTML), UTF-8; non-ASCII headers are RFC 2047 encoded on output."""
    to, content = email.to, email.content  # RecipientErased, WordingGone: nothing to compose (sender checks first)
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=email.sender_name, addr_spec=mail_from)
    local, _, domain = envelope_address(to.address).rpartition("@")
    # username/domain rather than addr_spec: the parser refuses a non-ASCII local part (RFC 6532 allows it)
    message["To"] = Address(display_name=to.name, username=local, domain=domain)
    message["Reply-To"] = email.reply_to
    message["Subject"] = content.subject
    # The Date is when the email was queued (when it was complete), not when this attempt ran.
    message["Date"] = format_datetime(email.queued_at)
    message["Message-ID"] = message_id_for(email.id, mail_from)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies, please
    # quoted-printable keeps the body 7-bit, so no server needs 8BITMIME
    message.set_content(content.text_body, charset="utf-8", cte="quoted-printable")
    if content.html_body:
        message.add_alternative(content.html_body, subtype="html", charset="utf-8", cte="quoted-printable")
        # a fixed boundary keeps the bytes stable; "=_" never occurs in quoted-printable text
        message.set_boundary(f"=_{email.id.hex}")
    return message
