"""Domain refusals as RFC 9457 problems (`servicekit.refusals`): the family picks the status, the code is passed."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from servicekit.problems import Problem
from servicekit.refusals import Details, Family, Refusals

from ..documents.errors import DocumentContentMissing, DocumentCorrupted
from ..domain import DomainError, Forbidden, InvalidRequest, NotFound, RequirementResult, StateConflict
from ..domain.errors import RequirementsNotMet, TooEarlyToResubmit
from ..domain.reference_errors import Gone

FAMILIES = (
    Family(InvalidRequest, 422, "Invalid request"),
    Family(StateConflict, 409, "Conflict"),
    Family(Forbidden, 403, "Forbidden"),
    Family(NotFound, 404, "Not found"),
    Family(Gone, 410, "Gone"),
    Family(DocumentCorrupted, 500, "Stored document damaged"),
    Family(DocumentContentMissing, 500, "Stored document missing"),
)
"""The last three reached the old default (409 `Refused`) and took their status from their code: they keep it."""
STATUS_BY_CODE: dict[str, tuple[int, str]] = {
    "DOCUMENT_TOO_LARGE": (413, "Content too large"),
    "UNSUPPORTED_DOCUMENT_TYPE": (415, "Unsupported media type"),
    "APPLICATION_CHANGED": (412, "Precondition failed"),
}
"""Refusals whose HTTP status is more specific than their family's."""


def _details(error: DomainError) -> Details | None:
    """The unmet requirements of a refused submission; the first date a deferred application may come back."""
    if isinstance(error, RequirementsNotMet):
        return Details(title="Requirements not met", errors=[_unmet(u) for u in error.unmet])
    if isinstance(error, TooEarlyToResubmit):
        return Details(extra={"earliest_resubmission_on": error.earliest.isoformat()})
    return None


REFUSALS = Refusals(DomainError, FAMILIES, by_code=STATUS_BY_CODE, details=_details)


def problem_for(error: DomainError) -> Problem:
    return REFUSALS.problem(error)


def install_domain_error_handler(api: FastAPI) -> None:
    REFUSALS.install(api)


def _unmet(result: RequirementResult) -> dict[str, Any]:
    """One unmet requirement: its code, what is missing, the tab to fix it on, progress and reasons."""
    line: dict[str, Any] = {"code": result.code, "message": result.detail, "field": result.tab,
                            "reasons": [{"code": r.code, "message": r.message, "params": dict(r.params)}
                                        for r in result.reasons]}
    if result.progress is not None:
        p = result.progress
        line["progress"] = {"have": float(p.have), "need": float(p.need), "unit": p.unit}
    return line
