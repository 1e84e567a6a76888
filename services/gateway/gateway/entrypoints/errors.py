"""The gateway's refusals as RFC 9457 problems: each stable code with its HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from servicekit.refusals import Details, Family, Refusals

from ..domain import errors
from .schemas import ProblemOut

FAMILIES = (
    Family(errors.UnknownTenant, 422, "Unknown tenant"),
    Family(errors.WeakPassword, 422, "Password too weak"),
    Family(errors.EmailTaken, 409, "Email already registered"),
    Family(errors.InvalidCredentials, 401, "Invalid credentials"),
    Family(errors.TooManyAttempts, 429, "Too many attempts"),
    Family(errors.Unauthenticated, 401, "Unauthenticated"),
    Family(errors.InvalidSession, 401, "Invalid session"),
    Family(errors.WrongPassword, 403, "Wrong password"),
    Family(errors.LinkInvalid, 404, "Link not valid"),
    Family(errors.LinkExpired, 410, "Link expired"),
    Family(errors.LinkUsed, 410, "Link already used"),
    Family(errors.EmailAlreadyVerified, 409, "Email already confirmed"),
    Family(errors.EmailNotVerified, 403, "Email not confirmed"),
    Family(errors.UnsupportedLanguage, 422, "Language not offered"),
    Family(errors.NotAllowed, 403, "Not allowed"),
    Family(errors.ErasureNotFound, 404, "Erasure request not found"),
    Family(errors.HoldNotFound, 404, "Hold not found"),
    Family(errors.PersonNotFound, 404, "Person not found"),
    Family(errors.HoldAlreadyLifted, 409, "Hold already lifted"),
)
"""Each refusal is its own family. The idempotency keys' refusals have none: the idempotency middleware answers
them itself, before any route (400, 422, 409); one raised by a route would be 400, as before."""


def _details(error: errors.GatewayError) -> Details | None:
    if isinstance(error, errors.TooManyAttempts):
        return Details(extra={"retry_after_seconds": error.retry_after_seconds},
                       headers={"Retry-After": str(error.retry_after_seconds)})
    return None


REFUSALS = Refusals(errors.GatewayError, FAMILIES, details=_details)
"""The gateway's refusals as RFC 9457 problems (`servicekit.refusals`)."""


def install_gateway_error_handler(app: FastAPI) -> None:
    REFUSALS.install(app)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem answers."""
    return {status: {"model": ProblemOut, "content": {"application/problem+json": {}}} for status in statuses}
