"""RFC 9457 problem details for every refusal, so no client ever sees a bare 500 or an HTML error."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .database_faults import DRIVER_ERRORS, TRANSIENT_IO, is_database_fault, unavailable_cause

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://endorsement.example/problems/"
UNSUPPORTED_CHARACTERS_TYPE = "unsupported_characters"
RETRY_AFTER_SECONDS = 2
"""What a 503 tells clients to wait: engines restart in seconds; a longer outage just repeats the advice."""


class Problem(Exception):
    """An error with an HTTP status, a stable code and a human explanation."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        code: str,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.errors = errors
        self.extra = extra or {}
        self.headers = dict(headers or {})
        """Response headers the answer carries (e.g. `Retry-After`), beside the body."""

    def body(self, instance: str) -> dict[str, Any]:
        document: dict[str, Any] = {
            "type": TYPE_BASE + self.code.lower().replace("_", "-"),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "code": self.code,
        }
        if self.errors is not None:
            document["errors"] = self.errors
        document.update(self.extra)
        return document


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else {}
    headers.update(problem.headers)
    return JSONResponse(problem.body(instance), status_code=problem.status, media_type=MEDIA_TYPE, headers=headers)


def unavailable_problem(cause: BaseException | None) -> Problem:
    """503 for a dependency that cannot serve now: the database (by its drivers' errors) or any other."""
    if cause is not None and is_database_fault(cause):
        return Problem(503, "Database unavailable", "the database cannot be reached right now; the request may "
                       "not have been completed, please retry", code="DATABASE_UNAVAILABLE")
    return Problem(503, "Service unavailable", "the request could not be completed; please retry",
                   code="UNAVAILABLE")


def unavailable_response(cause: BaseException | None, instance: str) -> JSONResponse:
    """The 503 problem with `Retry-After`, so clients (and the gateway) back off and repeat."""
    response = problem_response(unavailable_problem(cause), instance)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Map every exception a route can raise to problem details."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
            for e in exc.errors()
        ]
        if errors and all(e["type"] == UNSUPPORTED_CHARACTERS_TYPE for e in errors):  # servicekit.text_guard
            problem = Problem(422, "Unsupported characters", "the request holds a character that cannot be stored "
                              "(NUL or an unpaired surrogate)", code="UNSUPPORTED_CHARACTERS", errors=errors)
        else:
            problem = Problem(422, "Invalid request", "the request does not match the schema",
                              code="VALIDATION_FAILED", errors=errors)
        return problem_response(problem, request.url.path)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, f"HTTP_{exc.status_code}")
        problem = Problem(exc.status_code, str(exc.detail), str(exc.detail), code=code)
        return problem_response(problem, request.url.path)

    def answer_unavailable(request: Request, exc: BaseException) -> JSONResponse:
        # An engine being down is not a bug: one line, no traceback (and no 500).
        log.warning("%s %s: dependency unavailable (%s)", request.method, request.url.path, type(exc).__name__)
        return unavailable_response(exc, request.url.path)

    async def on_driver_error(request: Request, exc: Exception) -> JSONResponse:
        # Answered here rather than by the catch-all below, which Starlette re-raises after answering.
        if isinstance(exc, TRANSIENT_IO) or is_database_fault(exc):
            return answer_unavailable(request, exc)
        log.exception("database error on %s %s", request.method, request.url.path)
        return unavailable_response(None, request.url.path)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        cause = unavailable_cause(exc)
        if cause is not None:
            return answer_unavailable(request, cause)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return unavailable_response(None, request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    for failure in (*DRIVER_ERRORS, *TRANSIENT_IO):
        app.add_exception_handler(failure, on_driver_error)
    app.add_exception_handler(Exception, on_unexpected)
