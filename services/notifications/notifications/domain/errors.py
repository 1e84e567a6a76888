"""Domain refusals, each with a stable code that the HTTP port maps to a status."""

from __future__ import annotations


class NotificationError(Exception):
    """A rule of the notifications domain was broken."""

    code = "NOTIFICATION_ERROR"


class InvalidEmail(NotificationError):
    """The email cannot be queued as given (e.g. a header value spanning lines)."""

    code = "INVALID_EMAIL"


class EmailAlreadyFinal(NotificationError):
    """The email was already sent or permanently failed; its outcome cannot change."""

    code = "EMAIL_ALREADY_FINAL"


class EmailNotFound(NotificationError):
    """No email with that id (in the caller's tenant)."""

    code = "EMAIL_NOT_FOUND"


class RecipientErased(NotificationError):
    """The person was erased: their address, name and emails no longer open, and nobody may be written to."""

    code = "RECIPIENT_ERASED"


class UnknownTenant(NotificationError):
    """The event names a tenant that is not configured here."""

    code = "UNKNOWN_TENANT"


class WordingGone(NotificationError):
    """The email ended and its own key was destroyed: what it said no longer opens."""

    code = "WORDING_GONE"
