"""Domain refusals as RFC 9457 problems: the family picks the status, the code is passed through."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.problems import Problem, problem_response

from ..domain import DomainError, Forbidden, InvalidRequest, NotFound, RequirementResult, StateConflict
from ..domain.errors import RequirementsNotMet, TooEarlyToResubmit

STATUS_BY_FAMILY: tuple[tuple[type[DomainError], int, str], ...] = (
    (InvalidRequest, 422, "Invalid request"),
    (StateConflict, 409, "Conflict"),
    (Forbidden, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
)
STATUS_BY_CODE: dict[str, tuple[int, str]] = {
    "DOCUMENT_TOO_LARGE": (413, "Content too large"),
    "UNSUPPORTED_DOCUMENT_TYPE": (415, "Unsupported media type"),
    "DOCUMENT_CORRUPTED": (500, "Stored document damaged"),
    "DOCUMENT_CONTENT_MISSING": (500, "Stored document missing"),
    "REFERENCE_LINK_USED": (410, "Gone"),
    "REFERENCE_LINK_EXPIRED": (410, "Gone"),
    "REFERENCE_LINK_DECLINED": (410, "Gone"),
    "APPLICATION_CHANGED": (412, "Precondition failed"),
}
"""Refusals whose HTTP status is more specific than their family's."""


def problem_for(error: DomainError) -> Problem:
    status, title = 409, "Refused"
    for family, family_status, family_title in STATUS_BY_FAMILY:
        if isinstance(error, family):
            status, title = family_status, family_title
            break
    status, title = STATUS_BY_CODE.get(error.code, (status, title))
    errors = None
    if isinstance(error, RequirementsNotMet):
        title = "Requirements not met"
        errors = [_unmet(u) for u in error.unmet]
    extra = None
    if isinstance(error, TooEarlyToResubmit):
        extra = {"earliest_resubmission_on": error.earliest.isoformat()}
    return Problem(status, title, error.message, code=error.code, errors=errors, extra=extra)


def install_domain_error_handler(api: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(problem_for(exc), request.url.path)

    api.add_exception_handler(DomainError, on_domain_error)


def _unmet(result: RequirementResult) -> dict[str, Any]:
    """One unmet requirement: its code, what is missing, the tab to fix it on, progress and reasons."""
    line: dict[str, Any] = {"code": result.code, "message": result.detail, "field": result.tab,
                            "reasons": [{"code": r.code, "message": r.message, "params": dict(r.params)}
                                        for r in result.reasons]}
    if result.progress is not None:
        p = result.progress
        line["progress"] = {"have": float(p.have), "need": float(p.need), "unit": p.unit}
    return line
