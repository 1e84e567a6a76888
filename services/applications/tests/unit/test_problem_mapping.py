"""Domain refusals become problems with the right status and the domain's code."""

from __future__ import annotations

import pytest
from applications.application import ConcurrentChange, UnknownTenant
from applications.domain import DomainError, UnmetRequirement
from applications.domain.errors import (
    AlreadySubmitted,
    ApplicationNotFound,
    NotEditable,
    NotTheApplicant,
    RequirementsNotMet,
    UnknownCategory,
)
from applications.entrypoints.problems import problem_for


@pytest.mark.parametrize(("error", "status"), [
    (UnknownCategory("x"), 422),
    (NotEditable("x"), 409),
    (AlreadySubmitted("x"), 409),
    (ConcurrentChange("x"), 409),
    (NotTheApplicant("x"), 403),
    (UnknownTenant("x"), 403),
    (ApplicationNotFound("x"), 404),
])
def test_each_family_maps_to_its_status(error: DomainError, status: int) -> None:
    problem = problem_for(error)

    assert (problem.status, problem.code, problem.detail) == (status, error.code, "x")


def test_unmet_requirements_are_listed_in_errors() -> None:
    unmet = [UnmetRequirement("STATEMENT_MISSING", "Write a statement.", "statement")]

    body = problem_for(RequirementsNotMet(unmet)).body("/applications/1/submit")

    assert body["status"] == 422
    assert body["code"] == "REQUIREMENTS_NOT_MET"
    assert body["errors"] == [{"code": "STATEMENT_MISSING", "message": "Write a statement.", "field": "statement"}]
