"""Resubmitting a deferred application too early is a 409 problem that names the first allowed date."""

from __future__ import annotations

from datetime import date

from applications.domain.errors import OutcomeDoesNotFit, TooEarlyToResubmit
from applications.entrypoints.problems import problem_for


def test_too_early_to_resubmit_is_a_conflict_with_the_earliest_date() -> None:
    problem = problem_for(TooEarlyToResubmit(date(2026, 9, 1)))

    body = problem.body("/applications/x/submit")
    assert (problem.status, body["code"]) == (409, "TOO_EARLY_TO_RESUBMIT")
    assert body["earliest_resubmission_on"] == "2026-09-01"
    assert "2026-09-01" in body["detail"]


def test_an_outcome_that_does_not_fit_is_a_conflict() -> None:
    problem = problem_for(OutcomeDoesNotFit("an application that is draft cannot take the outcome deferred"))

    assert (problem.status, problem.code) == (409, "REVIEW_OUTCOME_DOES_NOT_FIT")
