"""On PostgreSQL and the broker: `ApplicationWithdrawn` closes the undecided case as withdrawn (its reviewer's queue
and the coordinator's queue follow, its examination is cancelled), leaves a decided case decided, does nothing
without a case, and publishes only the release of the reviewers it ends; each withdrawal delivered twice."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from endorsement_contracts import REVIEWS, ApplicationSubmitted, IntegrationEvent, Person
from endorsement_contracts.events.applications import ApplicationWithdrawn
from kafka import KafkaProducer
from reviews.domain import review_case_id
from reviews.domain.examination.aggregate import examination_id_for
from servicekit.shredding import SubjectKeys

from .applications_twins import twin_record

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]
MENTOR = "reviewer.mentor@itmhca.example"
NAMES = {"IFS": "Infant Family Specialist", "IMHM-C": "Infant Mental Health Mentor - Clinical"}


def applicant(application_id: UUID) -> Person:
    return Person(account_id=uuid5(NAMESPACE_URL, str(application_id)), name="Ana Applicant", email="ana@example.org")


def submitted(application_id: UUID, category: str = "IFS") -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant="itmhca",
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        application_id=application_id,
        submission_number=1,
        applicant=applicant(application_id),
        category=category,
        category_name=NAMES[category],
        rule_set_version=f"itmhca-{category}-2026",
    )


def withdrawn(application_id: UUID, submission_number: int = 1, category: str = "IFS") -> ApplicationWithdrawn:
    return ApplicationWithdrawn(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        application_id=application_id,
        applicant=applicant(application_id),
        category=category,
        reason="Moving out of state",
        submission_number=submission_number,
    )


def send(bootstrap: str, keys: SubjectKeys, events: list[tuple[IntegrationEvent, int]], *,
         key: bytes | None = None) -> None:
    """Each event as one CloudEvent record (its sealed v2 twin), sent `times` times (a redelivery), in order; under
    `key` when given, so a later record on the same partition shows the earlier ones were handled."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for event, times in events:
        record = twin_record(keys, event)
        for _ in range(times):
            producer.send(record.topic, key=key or record.key, value=record.value, headers=record.headers)
    producer.flush()
    producer.close()


async def test_a_withdrawal_closes_the_undecided_case_once_and_leaves_decided_cases_alone(
    running: Any, auth: Auth, wait_for: WaitFor, read: Read, applications_keys: SubjectKeys
) -> None:
    service, client = running.service, running.client
    bootstrap = service.settings.kafka_bootstrap_servers
    coordinator, mentor = auth(), auth(roles=("reviewer",), email=MENTOR, name="Mia Mentor")
    reviewed, decided, examined, never, marker = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()

    async def case(application_id: UUID) -> dict[str, Any] | None:
        response = await client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
        return response.json() if response.status_code == 200 else None

    async def post(path: str, body: dict[str, Any] | None = None, headers: dict[str, str] = coordinator) -> Any:
        response = await client.post(path, json=body or {}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    # given a case in review whose reviewer accepted it, an approved case, and a case approved for the exam
    send(bootstrap, applications_keys,
         [(submitted(reviewed), 1), (submitted(decided), 1), (submitted(examined, "IMHM-C"), 1)])
    in_review = await wait_for(lambda: case(reviewed), within=30)
    path = f"/reviews/cases/{in_review['id']}"
    await post(f"{path}/completeness", {"outcome": "complete"})
    await post(f"{path}/reviewers", {"email": MENTOR})
    await post(f"/reviews/assignments/{in_review['id']}/accept", headers=mentor)

    async def mentor_queue() -> list[str]:
        response = await client.get("/reviews/assignments", headers=mentor)
        return [item["case_id"] for item in response.json()["items"]]

    await wait_for(lambda: _contains(mentor_queue, in_review["id"]))
    approved = await post(f"/reviews/cases/{(await wait_for(lambda: case(decided), within=30))['id']}/approve")
    exam_case = await wait_for(lambda: case(examined), within=30)
    await post(f"/reviews/cases/{exam_case['id']}/approve-for-exam")

    # when the four applications are withdrawn, each withdrawal delivered twice (one never reached review), and a
    # later submission on the same partition shows they were all handled
    key = f"withdrawals-{uuid4()}".encode()
    send(
        bootstrap,
        applications_keys,
        [
            (withdrawn(reviewed), 2),
            (withdrawn(decided), 2),
            (withdrawn(examined, category="IMHM-C"), 2),
            (withdrawn(never, 0), 2),
            (submitted(marker), 1),
        ],
        key=key,
    )
    await wait_for(lambda: case(marker), within=30)

    # then the case in review is withdrawn once, with the applicant's reason in its history
    closed = await case(reviewed)
    assert closed is not None
    assert (closed["status"], closed["decision"]) == ("withdrawn", None)
    assert [h["action"] for h in closed["history"]] == [
        "opened",
        "completeness_passed",
        "reviewer_assigned",
        "assignment_accepted",
        "withdrawn",
    ]
    assert closed["history"][-1]["details"] == {
        "submission_number": "1",
        "reason": "Moving out of state",
        "reviewers": MENTOR,
    }
    assert [a["status"] for a in closed["review"]["assignments"]] == ["closed"]
    assert [type(e).__name__ for e in service.app.events.get(UUID(closed["id"]))][-1:] == ["Withdrawn"]
    assert sum(type(e).__name__ == "Withdrawn" for e in service.app.events.get(UUID(closed["id"]))) == 1
    # and it leaves the reviewer's queue; the coordinator's queue and the reports show it withdrawn
    await wait_for(lambda: _lacks(mentor_queue, in_review["id"]))
    assert (await client.get(f"/reviews/assignments/{in_review['id']}", headers=mentor)).status_code == 404

    async def withdrawn_in_queue() -> list[str]:
        page = (
            await client.get("/reviews/cases", params={"status": "withdrawn", "limit": 100}, headers=coordinator)
        ).json()
        return [item["id"] for item in page["items"]]

    await wait_for(lambda: _contains(withdrawn_in_queue, in_review["id"]))
    await wait_for(lambda: _contains(withdrawn_in_queue, exam_case["id"]))
    stays = (await client.get(path, headers=coordinator)).json()["time_in_state"]
    assert [s["state"] for s in stays] == ["open", "in_review"]
    assert all(s["left_at"] is not None for s in stays)
    refused = await client.post(f"{path}/approve", json={}, headers=coordinator)
    assert (refused.status_code, refused.json()["code"]) == (409, "CASE_NOT_OPEN")

    # the approved case stays approved; the examination is cancelled with its case; nothing without a case
    still = await case(decided)
    assert still is not None and (still["status"], still["history"][-1]["action"]) == ("approved", "approved")
    assert still["decision"] == approved["decision"]
    exam_id = examination_id_for(UUID(exam_case["id"]))
    exam = (await client.get(f"/reviews/exams/{exam_id}", headers=coordinator)).json()
    assert (exam["status"], exam["history"][-1]["action"]) == ("cancelled", "exam_cancelled")

    async def cancelled_exams() -> list[str]:
        page = (await client.get("/reviews/exams", params={"status": "cancelled"}, headers=coordinator)).json()
        return [item["id"] for item in page["items"]]

    await wait_for(lambda: _contains(cancelled_exams, str(exam_id)))
    assert await case(never) is None
    assert review_case_id(never, 1) not in service.app.repository

    # and the withdrawal stays private: the reviews topic carries what the case published before it, and the release
    # of the reviewer whose assignment the withdrawal ended
    records = read(bootstrap, REVIEWS.name, lambda r: r.key == str(reviewed).encode(), expect=4, within=3.0)
    assert [dict(r.headers)["ce_type"].decode() for r in records] == [
        "ReviewOpened.v1", "ReviewerAssigned.v1", "ReviewerReleased.v1"]
    released = json.loads(records[-1].value)
    assert (released["reviewer_email"], released["reason"]) == (MENTOR, "case_closed")


async def _contains(listing: Callable[[], Awaitable[list[str]]], item: str) -> bool:
    return item in await listing()


async def _lacks(listing: Callable[[], Awaitable[list[str]]], item: str) -> bool:
    return item not in await listing()
