"""Domain refusals become problems with the right status and the domain's code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from applications.domain import DomainError, Progress, Reason, RequirementResult
from applications.domain.errors import (
    AlreadySubmitted,
    ApplicationNotFound,
    ConcurrentChange,
    EntryNotFound,
    InvalidDates,
    NoRuleSetInForce,
    NotEditable,
    NotTheApplicant,
    RequirementsNotMet,
    UnknownCategory,
    UnknownCompetency,
    UnknownTenant,
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


def test_unmet_requirements_are_listed_in_errors_with_progress_and_reasons() -> None:
    unmet = [
        RequirementResult("RSC_HOURS", "rsc", False, "18 of 24 hours of RSC within a 24-month window",
                          Progress(Decimal(18), Decimal(24), "hours"),
                          (Reason("RSC_HOURS_SHORT", "18 of 24 hours of RSC from eligible providers",
                                  {"have": 18.0, "need": 24.0, "window_months": 24}),)),
        RequirementResult("ATTESTATION_CODE_OF_ETHICS", "attestations", False, "not yet signed",
                          reasons=(Reason("NOT_ATTESTED", "sign the code of ethics"),)),
    ]

    body = problem_for(RequirementsNotMet(unmet)).body("/applications/1/submit")

    assert body["status"] == 422
    assert body["code"] == "REQUIREMENTS_NOT_MET"
    assert body["errors"] == [
        {"code": "RSC_HOURS", "message": "18 of 24 hours of RSC within a 24-month window", "field": "rsc",
         "progress": {"have": 18.0, "need": 24.0, "unit": "hours"},
         "reasons": [{"code": "RSC_HOURS_SHORT", "message": "18 of 24 hours of RSC from eligible providers",
                      "params": {"have": 18.0, "need": 24.0, "window_months": 24}}]},
        {"code": "ATTESTATION_CODE_OF_ETHICS", "message": "not yet signed", "field": "attestations",
         "reasons": [{"code": "NOT_ATTESTED", "message": "sign the code of ethics", "params": {}}]},
    ]


@pytest.mark.parametrize(("error", "status"), [(NoRuleSetInForce("x"), 409), (EntryNotFound("x"), 404),
                                               (UnknownCompetency("x"), 422), (InvalidDates("x"), 422)])
def test_the_tabs_refusals_map_to_their_family(error: DomainError, status: int) -> None:
    assert (problem_for(error).status, problem_for(error).code) == (status, error.code)
