"""Domain refusals become problems with the right status and the domain's code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from applications.documents.errors import (
    DocumentContentMissing,
    DocumentCorrupted,
    DocumentTooLarge,
    UnsupportedDocumentType,
)
from applications.domain import (
    DomainError,
    Forbidden,
    InvalidRequest,
    NotFound,
    Progress,
    Reason,
    RequirementResult,
    StateConflict,
    renewal_errors,
)
from applications.domain.errors import (
    AlreadySubmitted,
    ApplicationChanged,
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
from applications.domain.reference_errors import Gone, ReferenceLinkDeclined, ReferenceLinkExpired, ReferenceLinkUsed
from applications.entrypoints.problems import REFUSALS, problem_for
from servicekit.refusals import subclasses


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


@pytest.mark.parametrize(("error", "status"), [
    (ReferenceLinkUsed("x"), 410), (ReferenceLinkDeclined("x"), 410), (ReferenceLinkExpired("x"), 410),
    (DocumentCorrupted("x"), 500), (DocumentContentMissing("x"), 500), (DocumentTooLarge("x"), 413),
    (UnsupportedDocumentType("x"), 415), (ApplicationChanged("x"), 412),
])
def test_the_refusals_of_no_family_of_the_domain_and_those_with_their_own_code_keep_their_status(
        error: DomainError, status: int) -> None:
    assert (problem_for(error).status, problem_for(error).code) == (status, error.code)


def test_every_refusal_has_a_family_so_none_gets_the_default() -> None:
    declared = subclasses(DomainError)

    assert {InvalidRequest, StateConflict, Forbidden, NotFound, Gone, renewal_errors.RenewalNotOpen} <= set(declared)
    assert REFUSALS.unmapped(declared) == []
