"""The gateway's refusals as RFC 9457 problems: each stable code with its HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.problems import Problem, problem_response

from ..domain import errors
from .schemas import ProblemOut

STATUS_AND_TITLE: dict[type[errors.GatewayError], tuple[int, str]] = {
    errors.UnknownTenant: (422, "Unknown tenant"),
    errors.WeakPassword: (422, "Password too weak"),
    errors.EmailTaken: (409, "Email already registered"),
    errors.InvalidCredentials: (401, "Invalid credentials"),
    errors.TooManyAttempts: (429, "Too many attempts"),
    errors.Unauthenticated: (401, "Unauthenticated"),
    errors.InvalidSession: (401, "Invalid session"),
    errors.WrongPassword: (403, "Wrong password"),
    errors.LinkInvalid: (404, "Link not valid"),
    errors.LinkExpired: (410, "Link expired"),
    errors.LinkUsed: (410, "Link already used"),
    errors.EmailAlreadyVerified: (409, "Email already confirmed"),
    errors.EmailNotVerified: (403, "Email not confirmed"),
    errors.UnsupportedLanguage: (422, "Language not offered"),
    errors.NotAllowed: (403, "Not allowed"),
    errors.ErasureNotFound: (404, "Erasure request not found"),
    errors.HoldNotFound: (404, "Hold not found"),
    errors.PersonNotFound: (404, "Person not found"),
    errors.HoldAlreadyLifted: (409, "Hold already lifted"),
}


def install_gateway_error_handler(app: FastAPI) -> None:
    async def on_gateway_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, errors.GatewayError)
        status, title = STATUS_AND_TITLE.get(type(exc), (400, "Request refused"))
        extra: dict[str, Any] = {}
        if isinstance(exc, errors.TooManyAttempts):
            extra["retry_after_seconds"] = exc.retry_after_seconds
        response = problem_response(Problem(status, title, exc.detail, code=exc.code, extra=extra), request.url.path)
        if isinstance(exc, errors.TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    app.add_exception_handler(errors.GatewayError, on_gateway_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem answers."""
    return {status: {"model": ProblemOut, "content": {"application/problem+json": {}}} for status in statuses}
