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


class NotAllowed(GatewayError):
    code = "FORBIDDEN"


class ErasureNotFound(GatewayError):
    code = "ERASURE_NOT_FOUND"


class HoldNotFound(GatewayError):
    code = "HOLD_NOT_FOUND"


class PersonNotFound(GatewayError):
    """No account with this id in the caller's tenant (another tenant's account is not found either)."""

    code = "PERSON_NOT_FOUND"


class HoldAlreadyLifted(GatewayError):
    code = "HOLD_ALREADY_LIFTED"


class InvalidIdempotencyKey(GatewayError):
    code = "INVALID_IDEMPOTENCY_KEY"


class IdempotencyKeyReused(GatewayError):
    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyKeyInUse(GatewayError):
    code = "IDEMPOTENCY_KEY_IN_USE"
    retry_after_seconds = 1
    """A request with the key still runs: its repeat is worth trying again this soon (`Retry-After`)."""
