"""Who may call what: coordinators assign and decide, reviewers on the roster work on their own assignments only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from reviews.application import Reviews, Submission
from reviews.domain import Applicant, ReviewCase

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
MENTOR = "reviewer.mentor@itmhca.example"


def seed(reviews: Reviews) -> ReviewCase:
    case = reviews.intake.case_for(Submission(
        tenant="itmhca", application_id=uuid4(), submission_number=1,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"), category="IFS",
        category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2026",
        received_at=datetime.now(UTC) - timedelta(days=3),
    ))
    assert case is not None
    reviews.save(case)
    return case


async def test_roles_and_the_roster_decide_who_sees_and_does_what(running_api: Any, auth: Auth) -> None:
    client, reviews = running_api.client, running_api.service.app
    coordinator = auth()
    mentor = auth(roles=("reviewer",), email=MENTOR.upper(), name="Mia Mentor")
    stranger = auth(roles=("reviewer",), email="stranger@example.org")
    case = seed(reviews)
    cases, assigned = f"/reviews/cases/{case.id}", f"/reviews/assignments/{case.id}"

    # a reviewer has no coordinator routes, and a coordinator no reviewer routes
    for method, path, body in (("post", f"{cases}/completeness", {"outcome": "complete"}),
                               ("post", f"{cases}/reviewers", {"email": MENTOR}),
                               ("post", f"{cases}/approve", {}), ("get", cases, None),
                               ("get", "/reviews/endorsements", None)):
        response = await client.request(method, path, json=body, headers=mentor)
        assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN"), path
    for path in ("/reviews/assignments", assigned):
        response = await client.get(path, headers=coordinator)
        assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")

    # completeness: the body is validated (items only when incomplete, at least one then)
    for body in ({"outcome": "complete", "items": ["x"]}, {"outcome": "maybe"}, {}):
        response = await client.post(f"{cases}/completeness", json=body, headers=coordinator)
        assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_FAILED"), body
    response = await client.post(f"{cases}/completeness", json={"outcome": "incomplete", "items": [" "]},
                                 headers=coordinator)
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_REASONS")
    assert (await client.post(f"{cases}/completeness", json={"outcome": "complete"},
                              headers=coordinator)).status_code == 200

    # an unknown reviewer cannot be assigned; the one on the roster can (emails are matched case-insensitively)
    unknown = await client.post(f"{cases}/reviewers", json={"email": "stranger@example.org"}, headers=coordinator)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "REVIEWER_NOT_FOUND")
    assigned_case = await client.post(f"{cases}/reviewers", json={"email": MENTOR.upper()}, headers=coordinator)
    assert assigned_case.status_code == 200, assigned_case.text
    assert [a["email"] for a in assigned_case.json()["review"]["assignments"]] == [MENTOR]

    # someone not on the roster, or not assigned, finds nothing
    for headers in (stranger, auth(roles=("reviewer",), email="reviewer.specialist@itmhca.example")):
        for method, path in (("get", assigned), ("post", f"{assigned}/accept")):
            response = await client.request(method, path, headers=headers)
            assert (response.status_code, response.json()["code"]) == (404, "CASE_NOT_FOUND")
    other_tenant = auth(roles=("reviewer",), email=MENTOR, tenant="other-assoc")
    assert (await client.get(assigned, headers=other_tenant)).status_code == 404

    # the assigned reviewer must accept before recommending, and recommends once, within the rules
    early = await client.post(f"{assigned}/recommendation", json={"recommendation": "endorse"}, headers=mentor)
    assert (early.status_code, early.json()["code"]) == (409, "ASSIGNMENT_NOT_ACCEPTED")
    accepted = await client.post(f"{assigned}/accept", headers=mentor)
    assert (accepted.status_code, accepted.json()["assignment"]["status"]) == (200, "accepted")
    for body, code in (({"recommendation": "approve_for_exam"}, "INVALID_RECOMMENDATION"),
                       ({"recommendation": "endorse", "domains_met": ["astrology"]}, "INVALID_RECOMMENDATION"),
                       ({"recommendation": "maybe"}, "VALIDATION_FAILED")):
        response = await client.post(f"{assigned}/recommendation", json=body, headers=mentor)
        assert (response.status_code, response.json()["code"]) == (422, code), body
    recommended = await client.post(f"{assigned}/recommendation", json={"recommendation": "endorse"}, headers=mentor)
    assert (recommended.status_code, recommended.json()["status"]) == (200, "recommended")
    again = await client.post(f"{assigned}/recommendation", json={"recommendation": "defer"}, headers=mentor)
    assert (again.status_code, again.json()["code"]) == (409, "CASE_STATUS_CONFLICT")

    # and every step is in the coordinator's audit view, with who did it in which role
    history = (await client.get(cases, headers=coordinator)).json()["history"]
    assert [(h["action"], h["by_role"]) for h in history] == [
        ("opened", "applicant"), ("completeness_passed", "coordinator"), ("reviewer_assigned", "coordinator"),
        ("assignment_accepted", "reviewer"), ("recommended", "reviewer"), ("review_consensus", "system")]
    assert history[4]["by_name"] == "Mia Mentor"
    assert history[4]["details"] == {"reviewer": MENTOR, "recommendation": "endorse"}
