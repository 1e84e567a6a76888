"""The notifications domain: emails queued in response to platform events, then sent or failed."""

from .account import Account
from .contact import Contact
from .email import Cause, Email, EmailContent, EmailStatus, Recipient
from .erasure import Erasure
from .errors import (
    EmailAlreadyFinal,
    EmailNotFound,
    InvalidEmail,
    NotificationError,
    RecipientErased,
    UnknownTenant,
    WordingGone,
)
from .personal import RECIPIENT_ERASED, WORDING_GONE, Addressee, Letter, Wording, email_subject

__all__ = [
    "RECIPIENT_ERASED",
    "WORDING_GONE",
    "Account",
    "Addressee",
    "Cause",
    "Contact",
    "Email",
    "EmailAlreadyFinal",
    "EmailContent",
    "EmailNotFound",
    "EmailStatus",
    "Erasure",
    "InvalidEmail",
    "Letter",
    "NotificationError",
    "Recipient",
    "RecipientErased",
    "UnknownTenant",
    "Wording",
    "WordingGone",
    "email_subject",
]
