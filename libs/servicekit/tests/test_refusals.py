"""One mapping from refusal to problem: families in order, per-code overrides, a hook for more, one default."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from servicekit.refusals import DEFAULT_STATUS, DEFAULT_TITLE, Details, Family, Refusals, subclasses


class Refusal(Exception):
    code = "REFUSED"


class Invalid(Refusal):
    pass


class Conflict(Refusal):
    pass


class BadDate(Invalid):
    code = "BAD_DATE"


class TooLarge(Invalid):
    code = "TOO_LARGE"


class NotOpen(Conflict):
    code = "NOT_OPEN"


class Limited(Conflict):
    code = "LIMITED"

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class Stray(Refusal):
    code = "STRAY"


def _details(error: Refusal) -> Details | None:
    if isinstance(error, Limited):
        return Details(title="Slow down", errors=[{"code": "WAIT"}], extra={"retry_after_seconds": error.seconds},
                       headers={"Retry-After": str(error.seconds)})
    return None


REFUSALS = Refusals(Refusal, (Family(Invalid, 422, "Invalid request"), Family(Conflict, 409, "Conflict")),
                    by_code={"TOO_LARGE": (413, "Content too large")}, details=_details)


@pytest.mark.parametrize(("error", "status", "title"), [
    (BadDate("no such day"), 422, "Invalid request"),
    (NotOpen("closed"), 409, "Conflict"),
    (TooLarge("too big"), 413, "Content too large"),
    (Stray("lost"), DEFAULT_STATUS, DEFAULT_TITLE),
])
def test_the_first_family_or_the_code_picks_the_status_and_the_code_and_detail_pass(
        error: Refusal, status: int, title: str) -> None:
    problem = REFUSALS.problem(error)

    assert (problem.status, problem.title, problem.code, problem.detail) == (status, title, error.code, str(error))


def test_a_refusal_of_no_family_is_400_refused() -> None:
    assert (DEFAULT_STATUS, DEFAULT_TITLE) == (400, "Refused")


def test_the_first_family_declared_wins() -> None:
    first = Refusals(Refusal, (Family(NotOpen, 410, "Gone"), Family(Conflict, 409, "Conflict")))

    assert first.status_of(NotOpen("x")) == (410, "Gone")
    assert first.status_of(Limited("x", 1)) == (409, "Conflict")


def test_the_hook_adds_title_errors_members_and_headers() -> None:
    body = REFUSALS.problem(Limited("too often", 30)).body("/x")

    assert body == {"type": "https://endorsement.example/problems/limited", "title": "Slow down", "status": 409,
                    "detail": "too often", "instance": "/x", "code": "LIMITED", "errors": [{"code": "WAIT"}],
                    "retry_after_seconds": 30}


def test_unmapped_names_the_refusals_that_would_get_the_default() -> None:
    assert REFUSALS.unmapped(subclasses(Refusal)) == [Stray]
    assert set(subclasses(Refusal)) == {Invalid, Conflict, BadDate, TooLarge, NotOpen, Limited, Stray}


def test_the_installed_handler_answers_problem_details_with_the_hook_s_headers() -> None:
    app = FastAPI()
    REFUSALS.install(app)

    @app.get("/limited")
    def limited() -> None:
        raise Limited("too often", 30)

    @app.get("/stray")
    def stray() -> None:
        raise Stray("lost")

    client = TestClient(app)
    answer = client.get("/limited")
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "30"
    assert answer.json()["code"] == "LIMITED"
    refused = client.get("/stray")
    assert (refused.status_code, refused.json()["title"], refused.json()["instance"]) == (400, "Refused", "/stray")
