"""On PostgreSQL and the broker: from ApplicationSubmitted to every decision event, each submission delivered twice.

One-reviewer ITMHCA: incomplete and returned, resubmitted, information requested, resubmitted, approved; a deferral;
the exam path. Two-reviewer `twin-assoc`: sequential blind reviewers reach consensus; disagreement escalates and the
coordinator denies; conflicts of interest and ineligible reviewers are refused.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5
from zoneinfo import ZoneInfo

import httpx
from endorsement_contracts import REVIEWS, ApplicationSubmitted, Person, decode
from reviews.config import TenantCatalog
from servicekit.shredding import SubjectKeys

from .applications_twins import publish

PHOENIX = ZoneInfo("America/Phoenix")
Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]


def submitted(application_id: UUID, number: int, *, tenant: str = "itmhca", category: str = "IFS",
              details: dict[str, str] | None = None) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant=tenant, occurred_at=datetime.now(UTC) - timedelta(days=2) + timedelta(minutes=number),
        application_id=application_id, submission_number=number,
        applicant=Person(account_id=uuid5(NAMESPACE_URL, str(application_id)), name="Ana Applicant",
                         email="ana@example.org"),
        category=category, category_name={"IFS": "Infant Family Specialist",
                                          "IMHM-C": "Infant Mental Health Mentor - Clinical"}[category],
        rule_set_version=f"{tenant}-{category}-2026", details=details or {},
    )


def deliver_twice(bootstrap: str, keys: SubjectKeys, event: ApplicationSubmitted) -> None:
    """The same record (its sealed v2 twin) twice, same ce_id: a redelivery the consumer must recognise."""
    publish(bootstrap, keys, event, times=2)


def header(record: Any, name: str) -> str:
    return dict(record.headers)[name].decode()


def published(read: Read, bootstrap: str, key: str, expect: int) -> list[Any]:
    """The reviews topic's records under `key`, checked as CloudEvents from this service, in order."""
    records = read(bootstrap, REVIEWS.name, lambda r: r.key == key.encode(), expect=expect)
    assert len(records) == expect, [header(r, "ce_type") for r in records]
    assert len(read(bootstrap, REVIEWS.name, lambda r: r.key == key.encode(), expect=expect + 1, within=1.0)) == expect
    for record in records:
        assert header(record, "ce_specversion") == "1.0"
        assert header(record, "ce_source") == "/services/reviews"
        assert header(record, "ce_subject") == key
        assert header(record, "content-type") == "application/json"
        assert decode(list(record.headers), record.value).event.tenant == header(record, "ce_tenant")
    assert len({header(r, "ce_id") for r in records}) == expect
    return sorted(records, key=lambda r: (r.partition, r.offset))


def types(records: list[Any]) -> list[str]:
    return [header(r, "ce_type") for r in records]


class Coordinator:
    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def case(self, application_id: UUID) -> dict[str, Any] | None:
        response = await self.client.get(f"/reviews/cases/by-application/{application_id}", headers=self.headers)
        return response.json() if response.status_code == 200 else None

    async def post(self, path: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
        response = await self.client.post(path, json=body or {}, headers=self.headers)
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result


async def test_one_reviewer_paths_from_submission_to_every_decision(running: Any, auth: Auth, wait_for: WaitFor,
                                                                    read: Read, applications_keys: SubjectKeys) -> None:
    service, bootstrap = running.service, running.service.settings.kafka_bootstrap_servers
    coordinator = Coordinator(running.client, auth())
    returned_app, deferred_app, exam_app = uuid4(), uuid4(), uuid4()
    for app, category in ((returned_app, "IFS"), (deferred_app, "IFS"), (exam_app, "IMHM-C")):
        deliver_twice(bootstrap, applications_keys, submitted(app, 1, category=category))
    case = await wait_for(lambda: coordinator.case(returned_app), within=30)
    cases = f"/reviews/cases/{case['id']}"

    # incomplete: returned with what is missing; the resubmission (delivered twice) resumes the same case
    returned = await coordinator.post(f"{cases}/completeness", {"outcome": "incomplete", "items": ["Transcript"]})
    assert (returned["status"], returned["requested_items"]) == ("returned", ["Transcript"])
    deliver_twice(bootstrap, applications_keys, submitted(returned_app, 2))

    async def resumed_at(number: int, status: str) -> dict[str, Any] | None:
        found = await coordinator.case(returned_app)
        ok = found and found["latest_submission"] == number and found["status"] == status
        return found if ok else None

    await wait_for(lambda: resumed_at(2, "open"), within=30)
    await coordinator.post(f"{cases}/completeness", {"outcome": "complete"})
    on_hold = await coordinator.post(f"{cases}/request-information", {"items": ["RSC log"], "message": "Thanks"})
    assert on_hold["status"] == "on_hold"
    deliver_twice(bootstrap, applications_keys, submitted(returned_app, 3))
    await wait_for(lambda: resumed_at(3, "in_review"), within=30)
    approved = await coordinator.post(f"{cases}/approve")
    endorsement_id = approved["decision"]["endorsement_id"]
    assert [h["action"] for h in approved["history"]] == [
        "opened", "returned_incomplete", "information_received", "completeness_passed", "information_requested",
        "information_received", "approved"]
    case_id = UUID(case["id"])
    assert [type(e).__name__ for e in service.app.events.get(case_id)] == [
        "Opened", "ReturnedIncomplete", "InformationReceived", "CompletenessPassed", "InformationRequested",
        "InformationReceived", "Approved"]

    # then the application's events are published once each, and the grant under the endorsement
    records = published(read, bootstrap, str(returned_app), 3)
    assert types(records) == ["ReviewOpened.v1", "InformationRequested.v1", "InformationRequested.v1"]
    stages = [json.loads(r.value)["stage"] for r in records[1:]]
    assert stages == ["completeness", "review"]
    assert types(published(read, bootstrap, endorsement_id, 1)) == ["EndorsementGranted.v1"]

    # a deferral
    deferred_case = await wait_for(lambda: coordinator.case(deferred_app), within=30)
    today = datetime.now(PHOENIX).date()
    deferral = {"reasons": ["RSC hours short"], "recommendations": ["12 hours of RSC"],
                "earliest_rereview_on": (today + timedelta(days=90)).isoformat()}
    deferred = await coordinator.post(f"/reviews/cases/{deferred_case['id']}/defer", deferral)
    assert (deferred["status"], deferred["decision"]["reasons"]) == ("deferred", ["RSC hours short"])
    records = published(read, bootstrap, str(deferred_app), 2)
    assert types(records) == ["ReviewOpened.v1", "ApplicationDeferred.v1"]
    assert json.loads(records[1].value)["earliest_rereview_on"] == deferral["earliest_rereview_on"]

    # the exam path: approval refused until the exam is passed
    exam_case = await wait_for(lambda: coordinator.case(exam_app), within=30)
    exam = f"/reviews/cases/{exam_case['id']}"
    refused = await coordinator.post(f"{exam}/approve", status=409)
    assert refused["code"] == "EXAM_REQUIRED"
    await coordinator.post(f"{exam}/approve-for-exam")
    scored = await coordinator.post(f"{exam}/exam-results", {"taken_on": today.isoformat(), "part1_percent": 85,
                                                             "part2_passed": True})
    assert (scored["status"], scored["exam"]["parts_passed"]) == ("exam_passed", [1, 2])
    granted = await coordinator.post(f"{exam}/approve")
    records = published(read, bootstrap, str(exam_app), 3)
    assert types(records) == ["ReviewOpened.v1", "ApprovedForExam.v1", "ExamScored.v1"]
    assert "applicant" not in json.loads(records[2].value)
    assert types(published(read, bootstrap, granted["decision"]["endorsement_id"], 1)) == ["EndorsementGranted.v1"]

    # and every submission, though delivered twice, opened or resumed its case once
    assert service.consumer is not None
    assert service.consumer.stats.duplicates >= 5
    openings = [n for n in service.app.process_recorder.select_notifications(start=1, limit=10_000)
                if n.topic.endswith("ReviewCase.Opened")]
    mine = {UUID(c["id"]) for c in (case, deferred_case, exam_case)}
    assert sorted(n.originator_id for n in openings if n.originator_id in mine) == sorted(mine)


async def test_two_reviewer_paths_consensus_escalation_and_conflicts(start: Any, two_associations: TenantCatalog,
                                                                     auth: Auth, wait_for: WaitFor, read: Read,
                                                                     applications_keys: SubjectKeys) -> None:
    async with start(tenants=two_associations) as running:
        bootstrap, client = running.service.settings.kafka_bootstrap_servers, running.client
        coordinator = Coordinator(client, auth(tenant="twin-assoc"))

        def reviewer(email: str) -> dict[str, str]:
            return auth(tenant="twin-assoc", roles=("reviewer",), email=email, name=email.partition("@")[0])

        first, second = reviewer("first@twin.example"), reviewer("second@twin.example")
        agreed_app, split_app, conflicted_app = uuid4(), uuid4(), uuid4()
        deliver_twice(bootstrap, applications_keys, submitted(agreed_app, 1, tenant="twin-assoc"))
        deliver_twice(bootstrap, applications_keys, submitted(split_app, 1, tenant="twin-assoc"))
        deliver_twice(bootstrap, applications_keys, submitted(conflicted_app, 1, tenant="twin-assoc", details={
            "employer": "north clinic", "rater_emails": "x@example.org, Second@Twin.example"}))
        case = await wait_for(lambda: coordinator.case(agreed_app), within=30)
        cases = f"/reviews/cases/{case['id']}"

        # the coordinator cannot decide before the reviewers; the case goes to review
        assert (await coordinator.post(f"{cases}/approve", status=409))["code"] == "CASE_STATUS_CONFLICT"
        review = (await coordinator.post(f"{cases}/completeness", {"outcome": "complete"}))["review"]
        assert (review["reviewers_required"], review["sequential"], review["blind"]) == (2, True, True)
        suggestions = await client.get(f"{cases}/reviewer-suggestions", headers=coordinator.headers)
        assert [r["email"] for r in suggestions.json()["items"]] == ["first@twin.example", "second@twin.example"]
        novice = await coordinator.post(f"{cases}/reviewers", {"email": "novice@twin.example"}, status=422)
        assert novice["code"] == "REVIEWER_NOT_ELIGIBLE"
        await coordinator.post(f"{cases}/reviewers", {"email": "first@twin.example"})
        pending = await coordinator.post(f"{cases}/reviewers", {"email": "second@twin.example"}, status=409)
        assert pending["code"] == "FIRST_REVIEW_PENDING"

        # the first reviewer finds it in their queue, accepts and recommends; then the second, blind
        async def first_queue() -> list[Any]:
            items: list[Any] = (await client.get("/reviews/assignments", headers=first)).json()["items"]
            return items

        queue = await wait_for(first_queue)  # the queue is a read model: it follows within moments
        assert [(i["case_id"], i["status"]) for i in queue] == [(case["id"], "invited")]
        assigned = f"/reviews/assignments/{case['id']}"
        assert (await client.post(f"{assigned}/accept", headers=first)).status_code == 200
        recommendation = {"recommendation": "endorse", "comments_for_applicant": "Well documented",
                          "private_notes": "none", "domains_met": ["reflection"]}
        assert (await client.post(f"{assigned}/recommendation", json=recommendation, headers=first)).status_code == 200
        assert (await client.get(assigned, headers=second)).status_code == 404  # not theirs (yet)
        await coordinator.post(f"{cases}/reviewers", {"email": "second@twin.example"})
        assert (await client.post(f"{assigned}/accept", headers=second)).status_code == 200
        view = (await client.get(assigned, headers=second)).json()
        assert [a["email"] for a in view["visible_assignments"]] == ["second@twin.example"]
        after = await client.post(f"{assigned}/recommendation", json={"recommendation": "endorse"}, headers=second)
        assert [a["email"] for a in after.json()["visible_assignments"]] == ["first@twin.example",
                                                                            "second@twin.example"]
        assert "private_notes" not in after.text
        concluded = await wait_for(lambda: coordinator.case(agreed_app))
        assert (concluded["status"], concluded["review"]["consensus"]) == ("recommended", "endorse")
        granted = await coordinator.post(f"{cases}/approve")
        records = published(read, bootstrap, str(agreed_app), 3)
        assert types(records) == ["ReviewOpened.v1", "ReviewerAssigned.v1", "ReviewerAssigned.v1"]
        assert [json.loads(r.value)["slot"] for r in records[1:]] == [1, 2]
        assert types(published(read, bootstrap, granted["decision"]["endorsement_id"], 1)) == ["EndorsementGranted.v1"]

        # disagreement escalates; this association may deny
        split = await wait_for(lambda: coordinator.case(split_app), within=30)
        split_path = f"/reviews/cases/{split['id']}"
        await coordinator.post(f"{split_path}/completeness", {"outcome": "complete"})
        for headers, email, kind in ((first, "first@twin.example", "deny"), (second, "second@twin.example", "defer")):
            await coordinator.post(f"{split_path}/reviewers", {"email": email})
            assert (await client.post(f"/reviews/assignments/{split['id']}/accept", headers=headers)).status_code == 200
            response = await client.post(f"/reviews/assignments/{split['id']}/recommendation",
                                         json={"recommendation": kind}, headers=headers)
            assert response.status_code == 200, response.text
        escalated = await coordinator.case(split_app)
        assert escalated is not None and escalated["status"] == "escalated"
        denied = await coordinator.post(f"{split_path}/deny", {"reasons": ["Not a resident of the state"]})
        assert denied["status"] == "denied"
        assert types(published(read, bootstrap, str(split_app), 4)) == [
            "ReviewOpened.v1", "ReviewerAssigned.v1", "ReviewerAssigned.v1", "EndorsementDenied.v1"]

        # the applicant's employer and raters are never their reviewers
        conflicted = await wait_for(lambda: coordinator.case(conflicted_app), within=30)
        path = f"/reviews/cases/{conflicted['id']}"
        await coordinator.post(f"{path}/completeness", {"outcome": "complete"})
        for email in ("first@twin.example", "second@twin.example"):
            refused = await coordinator.post(f"{path}/reviewers", {"email": email}, status=422)
            assert refused["code"] == "REVIEWER_CONFLICT_OF_INTEREST"
        suggestions = await client.get(f"{path}/reviewer-suggestions", headers=coordinator.headers)
        assert suggestions.json()["items"] == []
        assert [h["action"] for h in (await coordinator.case(conflicted_app) or {})["history"]] == [
            "opened", "completeness_passed"]
