"""The notifications domain: emails queued in response to platform events, then sent or failed."""

from .account import Account
from .contact import Contact
from .email import Cause, Email, EmailContent, EmailStatus, Recipient
from .errors import EmailAlreadyFinal, EmailNotFound, InvalidEmail, NotificationError

__all__ = [
    "Account",
    "Cause",
    "Contact",
    "Email",
    "EmailAlreadyFinal",
    "EmailContent",
    "EmailNotFound",
    "EmailStatus",
    "InvalidEmail",
    "NotificationError",
    "Recipient",
]
