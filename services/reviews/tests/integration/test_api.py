"""The coordinator API on real PostgreSQL: the queue, a case in full, approval, and every refusal as a problem."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
from reviews.application import Reviews, Submission
from reviews.domain import Applicant, ReviewCase
from servicekit.identity import Identity, generate_key_pair, issue_token

PHOENIX = ZoneInfo("America/Phoenix")
Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]


def seed(reviews: Reviews, *, tenant: str = "itmhca", category: str = "IFS", application_id: UUID | None = None,
         submission_number: int = 1, name: str = "Ana Applicant") -> ReviewCase:
    """A case opened as the consumer would open it."""
    case = reviews.intake.case_for(
        Submission(
            tenant=tenant,
            application_id=application_id or uuid4(),
            submission_number=submission_number,
            applicant=Applicant(account_id=uuid4(), name=name, email="ana@example.org"),
            category=category,
            category_name={"IFS": "Infant Family Specialist", "IMHS": "Infant Mental Health Specialist"}[category],
            rule_set_version=f"{tenant}-{category}-2025",
            received_at=datetime.now(UTC) - timedelta(days=3),
        )
    )
    assert case is not None
    reviews.save(case)
    return case


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["instance"] == response.request.url.path
    return body


async def queue(client: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    response = await client.get(f"/reviews/cases{query}", headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def test_only_a_coordinator_vouched_for_by_the_gateway_gets_in(running_api: Any, auth: Auth) -> None:
    client, reviews = running_api.client, running_api.service.app
    case = seed(reviews)
    paths = ["/reviews/cases", f"/reviews/cases/{case.id}", f"/reviews/cases/by-application/{case.application_id}"]
    forged = issue_token(Identity(uuid4(), "itmhca", frozenset({"coordinator"}), "x@example.org", "X"),
                         generate_key_pair()[0])
    for path in paths:
        # no token, a token the gateway did not sign, an applicant's token
        assert_problem(await client.get(path), 401, "MISSING_IDENTITY")
        assert_problem(await client.get(path, headers={"Authorization": f"Bearer {forged}"}), 401, "INVALID_IDENTITY")
        assert_problem(await client.get(path, headers=auth(roles=("applicant",))), 403, "FORBIDDEN")
    approve = f"/reviews/cases/{case.id}/approve"
    assert_problem(await client.post(approve, json={}), 401, "MISSING_IDENTITY")
    assert_problem(await client.post(approve, json={}, headers=auth(roles=("applicant",))), 403, "FORBIDDEN")
    assert reviews.get_case(case.id, "itmhca").is_open


async def test_the_queue_lists_own_cases_by_status_and_category_with_paging(running_api: Any, auth: Auth,
                                                                            wait_for: WaitFor) -> None:
    client, reviews = running_api.client, running_api.service.app
    coordinator = auth()
    # given three cases of this association (one to be approved) and one of another
    first, second = seed(reviews, name="First"), seed(reviews, name="Second")
    third = seed(reviews, category="IMHS", name="Third")
    seed(reviews, tenant="other-assoc")
    response = await client.post(f"/reviews/cases/{second.id}/approve", json={}, headers=coordinator)
    assert response.status_code == 200, response.text

    async def approved_in_queue() -> dict[str, Any] | None:
        page = await queue(client, coordinator, "?status=approved")
        return page if page["total"] == 1 else None

    await wait_for(approved_in_queue)
    # when the coordinator lists the queue, then only this association's cases are there, oldest first
    page = await queue(client, coordinator)
    assert (page["total"], page["limit"], page["offset"]) == (3, 50, 0)
    assert [i["id"] for i in page["items"]] == [str(first.id), str(second.id), str(third.id)]
    item = page["items"][1]
    assert item["applicant_name"] == "Second"
    assert item["application_id"] == str(second.application_id)
    assert (item["category"], item["category_name"]) == ("IFS", "Infant Family Specialist")
    assert item["status"] == "approved"
    assert item["decided_by"] is not None
    assert item["decided_at"] is not None
    assert page["items"][0]["status"] == "open"
    assert page["items"][0]["decided_at"] is None
    # and filters and paging narrow it
    assert [i["id"] for i in (await queue(client, coordinator, "?status=open"))["items"]] == [str(first.id),
                                                                                           str(third.id)]
    assert [i["id"] for i in (await queue(client, coordinator, "?category=IMHS"))["items"]] == [str(third.id)]
    paged = await queue(client, coordinator, "?limit=1&offset=1")
    assert (paged["total"], [i["id"] for i in paged["items"]]) == (3, [str(second.id)])
    assert (await queue(client, coordinator, "?status=open&category=IMHS&offset=1"))["items"] == []
    assert (await queue(client, auth(tenant="other-assoc")))["total"] == 1
    # and invalid filters are refused
    for query in ("?status=closed", "?limit=0", "?limit=101", "?offset=-1", "?category=ifs", "?sort=name"):
        assert_problem(await client.get(f"/reviews/cases{query}", headers=coordinator), 422, "VALIDATION_FAILED")
    # and a rebuilt read model says the same
    before = await queue(client, coordinator)
    # (five case events: four openings and one approval; and the endorsement the approval granted)
    assert await running_api.service.api.state.projections[0].rebuild() == 6
    assert await queue(client, coordinator) == before


async def test_a_case_in_full_and_by_application(running_api: Any, auth: Auth, wait_for: WaitFor) -> None:
    client, reviews = running_api.client, running_api.service.app
    coordinator = auth()
    # given two submissions of one application, and another association's case
    application_id = uuid4()
    seed(reviews, application_id=application_id, submission_number=1)
    latest = seed(reviews, application_id=application_id, submission_number=2)
    foreign = seed(reviews, tenant="other-assoc")
    # when the coordinator opens the latest one, then it is there in full with its audit trail
    response = await client.get(f"/reviews/cases/{latest.id}", headers=coordinator)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == str(latest.id)
    assert (body["tenant"], body["status"], body["version"], body["submission_number"]) == ("itmhca", "open", 1, 2)
    assert body["applicant"] == {"account_id": str(latest.applicant.account_id), "name": "Ana Applicant",
                                 "email": "ana@example.org"}
    assert body["decision"] is None
    assert body["rule_set_version"] == "itmhca-IFS-2025"
    [opened] = body["history"]
    assert (opened["action"], opened["version"], opened["by_role"]) == ("opened", 1, "applicant")
    assert opened["by_account_id"] == str(latest.applicant.account_id)

    # and looking it up by application finds the latest submission's case
    async def by_application() -> dict[str, Any] | None:
        found = await client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
        return found.json() if found.status_code == 200 and found.json()["submission_number"] == 2 else None

    assert (await wait_for(by_application))["id"] == str(latest.id)
    # and other associations' cases, unknown cases and malformed ids are refused
    assert_problem(await client.get(f"/reviews/cases/{foreign.id}", headers=coordinator), 404, "CASE_NOT_FOUND")
    assert_problem(await client.get(f"/reviews/cases/{uuid4()}", headers=coordinator), 404, "CASE_NOT_FOUND")
    assert_problem(await client.get(f"/reviews/cases/by-application/{foreign.application_id}", headers=coordinator),
                   404, "CASE_NOT_FOUND")
    assert_problem(await client.get(f"/reviews/cases/by-application/{uuid4()}", headers=coordinator), 404,
                   "CASE_NOT_FOUND")
    assert_problem(await client.get("/reviews/cases/not-a-uuid", headers=coordinator), 422, "VALIDATION_FAILED")


async def test_approval_decides_once_and_refusals_change_nothing(running_api: Any, auth: Auth) -> None:
    client, reviews = running_api.client, running_api.service.app
    coordinator_id = uuid4()
    coordinator = auth(account_id=coordinator_id, name="Cora Coordinator")
    case, foreign = seed(reviews), seed(reviews, tenant="other-assoc")
    approve = f"/reviews/cases/{case.id}/approve"
    # given refused attempts: bad bodies, a future date, another association's case
    today = datetime.now(PHOENIX).date()
    for body in ({"effective_date": "yesterday"}, {"designation": "x" * 101}, {"decision": "approve"}, []):
        assert_problem(await client.post(approve, json=body, headers=coordinator), 422, "VALIDATION_FAILED")
    future = {"effective_date": (today + timedelta(days=2)).isoformat()}
    assert_problem(await client.post(approve, json=future, headers=coordinator), 422, "INVALID_EFFECTIVE_DATE")
    assert_problem(await client.post(f"/reviews/cases/{foreign.id}/approve", json={}, headers=coordinator), 404,
                   "CASE_NOT_FOUND")
    assert reviews.get_case(case.id, "itmhca").version == 1
    assert reviews.get_case(foreign.id, "other-assoc").is_open
    # when the coordinator approves without a body
    response = await client.post(approve, headers=coordinator)
    # then the case is approved today (the association's clock) and first renews on next year's due date
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved"
    decision = body["decision"]
    assert decision["outcome"] == "approved"
    assert decision["effective_date"] == today.isoformat()
    assert decision["renewal_date"] == date(today.year + 1, 12, 15).isoformat()
    assert decision["designation"] is None
    assert decision["decided_by"] == {"account_id": str(coordinator_id), "name": "Cora Coordinator"}
    assert [(h["action"], h["by_account_id"]) for h in body["history"]] == [
        ("opened", str(case.applicant.account_id)), ("approved", str(coordinator_id))]
    # and a second approval is a conflict that leaves the first decision standing
    again = await client.post(approve, json={"designation": "Other"}, headers=auth())
    assert_problem(again, 409, "CASE_NOT_OPEN")
    stored = reviews.get_case(case.id, "itmhca")
    assert (stored.version, stored.decided_by.account_id) == (2, coordinator_id)


async def test_concurrent_approvals_decide_once(running_api: Any, auth: Auth) -> None:
    client, reviews = running_api.client, running_api.service.app
    case = seed(reviews)
    yesterday = (datetime.now(PHOENIX).date() - timedelta(days=1)).isoformat()
    # when two coordinators approve the same case at the same moment
    responses = await asyncio.gather(*[
        client.post(f"/reviews/cases/{case.id}/approve", json={"effective_date": yesterday, "designation": f"d{i}"},
                    headers=auth())
        for i in range(4)
    ])
    # then exactly one decides, the others are told the case is no longer open, and one Approved event exists
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409, 409, 409], [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "CASE_NOT_OPEN")
    assert [type(e).__name__ for e in reviews.events.get(case.id)] == ["Opened", "Approved"]
