"""RFC 9457 problem details for every refusal, so no client ever sees a bare 500 or an HTML error."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://endorsement.example/problems/"
UNSUPPORTED_CHARACTERS_TYPE = "unsupported_characters"


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
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.errors = errors
        self.extra = extra or {}

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
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
    return JSONResponse(problem.body(instance), status_code=problem.status, media_type=MEDIA_TYPE, headers=headers)


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

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        problem = Problem(503, "Service unavailable", "the request could not be completed; nothing was changed, "
                          "please retry", code="UNAVAILABLE")
        return problem_response(problem, request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
