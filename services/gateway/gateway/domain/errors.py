"""Refusals the gateway's rules can produce, each with a stable code the HTTP layer maps to a status."""

from __future__ import annotations


class GatewayError(Exception):
    """A refusal with a stable, machine-readable code."""

    code = "GATEWAY_ERROR"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnknownTenant(GatewayError):
    code = "UNKNOWN_TENANT"


class WeakPassword(GatewayError):
    code = "WEAK_PASSWORD"


class EmailTaken(GatewayError):
    code = "EMAIL_TAKEN"


class InvalidCredentials(GatewayError):
    code = "INVALID_CREDENTIALS"


class TooManyAttempts(GatewayError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class Unauthenticated(GatewayError):
    code = "UNAUTHENTICATED"


class InvalidSession(GatewayError):
    code = "INVALID_SESSION"


class WrongPassword(GatewayError):
    code = "WRONG_PASSWORD"


class LinkInvalid(GatewayError):
    code = "LINK_INVALID"


class LinkExpired(GatewayError):
    code = "LINK_EXPIRED"


class LinkUsed(GatewayError):
    code = "LINK_USED"


class EmailAlreadyVerified(GatewayError):
    code = "EMAIL_ALREADY_VERIFIED"


class EmailNotVerified(GatewayError):
    code = "EMAIL_NOT_VERIFIED"


class UnsupportedLanguage(GatewayError):
    code = "UNSUPPORTED_LANGUAGE"
