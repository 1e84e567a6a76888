"""On PostgreSQL and the broker: from ApplicationSubmitted to EndorsementGranted with an information request and
the applicant's ApplicationResubmitted in the middle, for one-reviewer ITMHCA and the two-reviewer `twin-assoc`.
Every submission is delivered twice."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import httpx
from endorsement_contracts import REVIEWS, ApplicationSubmitted, IntegrationEvent, Person
from endorsement_contracts.events.applications import ApplicationResubmitted
from reviews.config import TenantCatalog
from servicekit.shredding import SubjectKeys

from .applications_twins import publish

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]
MENTOR = "reviewer.mentor@itmhca.example"


def facts(application_id: UUID, number: int, tenant: str) -> dict[str, Any]:
    return {"tenant": tenant, "occurred_at": datetime.now(UTC) - timedelta(hours=2) + timedelta(minutes=number),
            "application_id": application_id, "submission_number": number,
            "applicant": Person(account_id=uuid5(NAMESPACE_URL, str(application_id)), name="Ana Applicant",
                                email="ana@example.org"),
            "category": "IFS", "category_name": "Infant Family Specialist", "rule_set_version": f"{tenant}/IFS/2026"}


def submitted(application_id: UUID, tenant: str) -> ApplicationSubmitted:
    return ApplicationSubmitted(**facts(application_id, 1, tenant))


def resubmitted(application_id: UUID, number: int, tenant: str) -> ApplicationResubmitted:
    return ApplicationResubmitted(**facts(application_id, number, tenant), in_response_to="information_request")


def deliver_twice(bootstrap: str, keys: SubjectKeys, event: IntegrationEvent) -> None:
    """The event's sealed v2 twin, twice (same ce_id)."""
    publish(bootstrap, keys, event, times=2)


def on_topic(read: Read, bootstrap: str, key: str, expect: int) -> list[tuple[str, dict[str, Any]]]:
    """The reviews topic's records under `key` (exactly `expect`), oldest first, as (ce_type, body)."""
    records = read(bootstrap, REVIEWS.name, lambda r: r.key == key.encode(), expect=expect + 1, within=3.0)
    assert len(records) == expect, [dict(r.headers)["ce_type"] for r in records]
    return [(dict(r.headers)["ce_type"].decode(), json.loads(r.value)) for r in sorted(records, key=lambda r: r.offset)]


class Desk:
    """The coordinator's and the reviewers' calls."""

    def __init__(self, client: httpx.AsyncClient, coordinator: dict[str, str]) -> None:
        self.client, self.coordinator = client, coordinator

    async def case(self, application_id: UUID) -> dict[str, Any] | None:
        response = await self.client.get(f"/reviews/cases/by-application/{application_id}", headers=self.coordinator)
        return response.json() if response.status_code == 200 else None

    async def post(self, path: str, body: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.client.post(path, json=body or {}, headers=headers or self.coordinator)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def review(self, case_id: str, email: str, headers: dict[str, str], recommendation: str = "endorse",
                     *, recommend: bool = True) -> None:
        await self.post(f"/reviews/cases/{case_id}/reviewers", {"email": email})
        await self.post(f"/reviews/assignments/{case_id}/accept", headers=headers)
        if recommend:
            await self.post(f"/reviews/assignments/{case_id}/recommendation", headers=headers, body={
                "recommendation": recommendation,
                "checklist": [{"area": "tf_infant_development", "met": True, "section": "training"}]})


async def resumed(desk: Desk, application_id: UUID, number: int, status: str) -> dict[str, Any] | None:
    found = await desk.case(application_id)
    return found if found and (found["latest_submission"], found["status"]) == (number, status) else None


async def test_one_reviewer_from_submission_through_information_request_and_resubmission_to_grant(
    running: Any, auth: Auth, wait_for: WaitFor, read: Read, applications_keys: SubjectKeys
) -> None:
    bootstrap = running.service.settings.kafka_bootstrap_servers
    desk = Desk(running.client, auth())
    mentor = auth(roles=("reviewer",), email=MENTOR, name="Mia Mentor")
    application = uuid4()
    deliver_twice(bootstrap, applications_keys, submitted(application, "itmhca"))
    case = await wait_for(lambda: desk.case(application), within=30)
    assert (case["kind"], case["cycle"]["waiting"]) == ("initial", False)  # ITMHCA: quarters, none waits
    # the coordinator finds it complete; the reviewer accepts, then asks the applicant for more
    await desk.post(f"/reviews/cases/{case['id']}/completeness", {"outcome": "complete"})
    await desk.review(case["id"], MENTOR, mentor, recommend=False)
    on_hold = await desk.post(f"/reviews/assignments/{case['id']}/request-information", headers=mentor,
                              body={"items": ["RSC log for 2025"]})
    assert on_hold["status"] == "on_hold"
    # the applicant resubmits (delivered twice): the same case resumes in review, with its reviewer
    deliver_twice(bootstrap, applications_keys, resubmitted(application, 2, "itmhca"))
    await wait_for(lambda: resumed(desk, application, 2, "in_review"), within=30)
    await desk.post(f"/reviews/assignments/{case['id']}/recommendation", headers=mentor,
                    body={"recommendation": "endorse", "checklist": [{"area": "reflection", "met": True}]})
    granted = await desk.post(f"/reviews/cases/{case['id']}/approve")
    assert [h["action"] for h in granted["history"]] == [
        "opened", "completeness_passed", "reviewer_assigned", "assignment_accepted", "information_requested",
        "information_received", "recommended", "review_consensus", "approved"]
    # then the public record: opened in its cycle, assigned, information requested; then the grant
    published = on_topic(read, bootstrap, str(application), 3)
    assert [t for t, _ in published] == ["ReviewOpened.v1", "ReviewerAssigned.v1", "InformationRequested.v1"]
    assert published[0][1]["cycle"] == case["cycle"]["id"] and published[0][1]["kind"] == "initial"
    assert (published[2][1]["stage"], published[2][1]["requested_by_role"]) == ("review", "reviewer")
    [(kind, grant)] = on_topic(read, bootstrap, granted["decision"]["endorsement_id"], 1)
    assert (kind, grant["application_id"], grant["review_case_id"]) == (
        "EndorsementGranted.v1", str(application), case["id"])
    assert running.service.consumer.stats.by_type["ApplicationResubmitted.v2"] >= 1  # other tests' records too


async def test_two_reviewers_with_an_information_request_between_them_reach_a_grant(
    start: Any, two_associations: TenantCatalog, auth: Auth, wait_for: WaitFor, read: Read,
    applications_keys: SubjectKeys,
) -> None:
    async with start(tenants=two_associations) as running:
        bootstrap = running.service.settings.kafka_bootstrap_servers
        desk = Desk(running.client, auth(tenant="twin-assoc"))

        def reviewer(email: str) -> dict[str, str]:
            return auth(tenant="twin-assoc", roles=("reviewer",), email=email, name=email.partition("@")[0])

        application = uuid4()
        deliver_twice(bootstrap, applications_keys, submitted(application, "twin-assoc"))
        case = await wait_for(lambda: desk.case(application), within=30)
        assert case["cycle"] is None  # twin-assoc has no cycles: rolling intake
        path = f"/reviews/cases/{case['id']}"
        await desk.post(f"{path}/completeness", {"outcome": "complete"})
        # the first reviewer recommends; the coordinator then asks the applicant for more
        await desk.review(case["id"], "first@twin.example", reviewer("first@twin.example"))
        assert (await desk.post(f"{path}/request-information", {"items": ["Second reference"]}))["status"] == "on_hold"
        deliver_twice(bootstrap, applications_keys, resubmitted(application, 2, "twin-assoc"))
        back = await wait_for(lambda: resumed(desk, application, 2, "in_review"), within=30)
        assert [a["recommendation"]["recommendation"] for a in back["review"]["assignments"]] == ["endorse"]
        # the second reviewer agrees: consensus, and the coordinator grants
        await desk.review(case["id"], "second@twin.example", reviewer("second@twin.example"))
        granted = await desk.post(f"{path}/approve")
        assert granted["status"] == "approved"
        published = on_topic(read, bootstrap, str(application), 4)
        assert [t for t, _ in published] == ["ReviewOpened.v1", "ReviewerAssigned.v1", "InformationRequested.v1",
                                             "ReviewerAssigned.v1"]
        assert [body.get("slot") for _, body in published[1::2]] == [1, 2]
        assert published[2][1]["submission_number"] == 1
        [(kind, _)] = on_topic(read, bootstrap, granted["decision"]["endorsement_id"], 1)
        assert kind == "EndorsementGranted.v1"
