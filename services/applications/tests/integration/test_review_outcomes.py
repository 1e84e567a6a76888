"""Review outcomes end to end on PostgreSQL and the broker: a CloudEvent from the reviews topic returns the
application, a second copy changes nothing, the applicant amends and resubmits (`ApplicationResubmitted`), and
the timeline shows it all to the owner and the coordinator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.domain import Actor, Applicant, Application, Status
from endorsement_contracts import DEAD_LETTER, REVIEWS_V2, Person
from endorsement_contracts.events import ApplicationDeferred, EndorsementGranted, InformationRequested
from journeys import assert_problem, complete_through_use_cases
from kafka import KafkaConsumer, TopicPartition

if TYPE_CHECKING:
    from sealed_reviews import ReviewsFeed

    from conftest import Person as Caller
    from conftest import Running


pytestmark = pytest.mark.consumes_reviews  # these tests publish to the reviews topic (sealed, on v2)

REVIEWER = uuid4()
SUBMISSION_TYPES = {b"ApplicationSubmitted.v1", b"ApplicationResubmitted.v1"}


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 30.0) -> Any:
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


def actor_of(caller: Caller) -> Actor:
    return Actor(caller.account_id, caller.tenant, caller.roles)


def reaches(
    app: ApplicationsService, caller: Caller, application_id: UUID, status: Status
) -> Callable[[], Awaitable[Application | None]]:
    async def check() -> Application | None:
        current = await asyncio.to_thread(app.get, application_id, actor_of(caller))
        return current if current.status is status else None

    return check


def submitted_through_use_cases(app: ApplicationsService, caller: Caller) -> Application:
    actor = actor_of(caller)
    application = app.start(actor, Applicant(caller.account_id, caller.name, caller.email), "IFS")
    complete_through_use_cases(app, actor, application.id)
    return app.submit(application.id, actor)


def as_person(application: Application) -> Person:
    a = application.applicant
    return Person(account_id=a.account_id, name=a.name, email=a.email)


def information_requested(application: Application, case: UUID, submission_number: int = 1) -> InformationRequested:
    return InformationRequested(
        tenant=application.tenant,
        occurred_at=datetime.now(UTC),
        review_case_id=case,
        application_id=application.id,
        submission_number=submission_number,
        applicant=as_person(application),
        category=application.category,
        stage="review",
        items=["Upload the RSC log", "Name your supervisor"],
        message="Thank you; two things are missing.",
        requested_by=REVIEWER,
        requested_by_role="reviewer",
    )


def dead_letters(bootstrap: str, key: str, timeout: float = 20.0) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=500)
    partition = TopicPartition(DEAD_LETTER.name, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while not found and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                found.extend(r for r in batch if r.key == key.encode())
    finally:
        consumer.close()
    return found


async def test_an_information_request_on_the_reviews_topic_returns_the_application_once(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed,
    read_records: Callable[..., list[Any]],
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    application = submitted_through_use_cases(app, dana)
    consumer = running.service.consumer
    assert consumer is not None

    await asyncio.to_thread(reviews.publish, information_requested(application, uuid4()), uuid4(), 2)

    returned = await eventually(reaches(app, dana, application.id, Status.RETURNED))
    await eventually(lambda: asyncio.sleep(0, consumer.stats.duplicates >= 1))
    again = app.get(application.id, actor_of(dana))
    assert again.version == returned.version == application.version + 1  # the second copy changed nothing
    assert consumer.stats.by_type.get("InformationRequested.v2") == 1

    shown = await running.http.get(f"/applications/{application.id}", headers=dana.headers)
    assert shown.json()["status"] == "returned"
    assert shown.json()["review"]["information_request"]["items"] == ["Upload the RSC log", "Name your supervisor"]

    amended = await running.http.patch(
        f"/applications/{application.id}", headers=dana.headers, json={"phone": "602-555-0100"}
    )
    assert amended.status_code == 200, amended.text
    resubmitted = await running.http.post(f"/applications/{application.id}/submit", headers=dana.headers)
    assert resubmitted.status_code == 200, resubmitted.text
    assert (resubmitted.json()["status"], resubmitted.json()["submission_number"]) == ("submitted", 2)
    assert resubmitted.json()["review"]["in_response_to"] == "information_request"

    async def submissions() -> list[bytes] | None:
        records = await asyncio.to_thread(read_records, topics, str(application.id), count=1000, timeout=1.0)
        found = [t for r in records if (t := dict(r.headers)["ce_type"]) in SUBMISSION_TYPES]
        return found if len(found) >= 2 else None

    assert await eventually(submissions) == [b"ApplicationSubmitted.v1", b"ApplicationResubmitted.v1"]


async def test_an_outcome_for_an_application_this_service_does_not_hold_is_dead_lettered(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    application = submitted_through_use_cases(app, person("itmhca", "applicant"))
    unknown = uuid4()
    event = information_requested(application, uuid4()).model_copy(update={"application_id": unknown})

    await asyncio.to_thread(reviews.publish, event, uuid4())

    records = await asyncio.to_thread(dead_letters, topics, str(unknown))
    headers = {name: value.decode() for name, value in records[0].headers}
    assert f"application {unknown}, which this service does not hold" in headers["dlq_reason"]
    assert headers["dlq_source_topic"] == REVIEWS_V2.name
    assert headers["dlq_consumer_group"] == running.service.settings.applications_consumer_group  # type: ignore[attr-defined]


async def test_an_outcome_of_an_association_this_deployment_does_not_serve_is_dead_lettered(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    application = submitted_through_use_cases(app, dana)
    event = information_requested(application, uuid4()).model_copy(update={"tenant": "nowhere"})

    await asyncio.to_thread(reviews.publish, event, uuid4())

    records = await asyncio.to_thread(dead_letters, topics, str(application.id))
    headers = {name: value.decode() for name, value in records[0].headers}
    assert headers["dlq_reason"] == "unknown tenant 'nowhere'"
    assert headers["dlq_source_topic"] == REVIEWS_V2.name
    assert headers["dlq_consumer_group"] == running.service.settings.applications_consumer_group  # type: ignore[attr-defined]
    assert app.get(application.id, actor_of(dana)).status is Status.SUBMITTED  # the handler never ran


async def test_a_deferred_application_is_resubmitted_from_its_earliest_date_and_the_timeline_tells_it(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    coordinator = person("itmhca", "coordinator", name="Cora Coordinator", email="cora@itmhca.example")
    application = submitted_through_use_cases(app, dana)
    today = app.local_date("itmhca")
    deferral = ApplicationDeferred(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        review_case_id=uuid4(),
        application_id=application.id,
        applicant=as_person(application),
        category="IFS",
        reasons=["More reflective supervision"],
        recommendations=["12 more hours of RSC"],
        earliest_rereview_on=today + timedelta(days=1),
        deferred_by=REVIEWER,
    )

    await asyncio.to_thread(reviews.publish, deferral, uuid4())
    await eventually(reaches(app, dana, application.id, Status.DEFERRED))

    too_early = await running.http.post(f"/applications/{application.id}/submit", headers=dana.headers)
    body = assert_problem(too_early, 409, "TOO_EARLY_TO_RESUBMIT")
    assert body["earliest_resubmission_on"] == (today + timedelta(days=1)).isoformat()

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    app.submit(application.id, actor_of(dana), at=tomorrow)
    grant = EndorsementGranted(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        endorsement_id=uuid4(),
        review_case_id=uuid4(),
        application_id=application.id,
        applicant=as_person(application),
        category="IFS",
        category_name="Infant Family Specialist",
        effective_date=today + timedelta(days=2),
        renewal_date=date(today.year + 1, 12, 15),
        granted_by=REVIEWER,
    )
    await asyncio.to_thread(reviews.publish, grant, uuid4())
    await eventually(reaches(app, dana, application.id, Status.ENDORSED))
    await running.catch_up()

    timeline = await running.http.get(f"/applications/{application.id}/timeline", headers=dana.headers)
    assert timeline.status_code == 200, timeline.text
    items = timeline.json()["items"]
    kinds = [item["kind"] for item in items]
    assert kinds[0] == "started"
    assert kinds[-3:] == ["deferred", "resubmitted", "endorsed"]
    assert [item["status"] for item in items[-3:]] == ["deferred", "submitted", "endorsed"]
    deferred_item = items[-3]
    assert deferred_item["details"]["earliest_rereview_on"] == (today + timedelta(days=1)).isoformat()
    assert "More reflective supervision" in deferred_item["summary"]
    assert "in response to the deferral" in items[-2]["summary"]
    assert items[-1]["details"]["endorsement_id"] == str(grant.endorsement_id)

    as_coordinator = await running.http.get(f"/applications/{application.id}/timeline", headers=coordinator.headers)
    assert as_coordinator.json() == timeline.json()
    stranger = person("itmhca", "applicant")
    assert_problem(
        await running.http.get(f"/applications/{application.id}/timeline", headers=stranger.headers),
        404,
        "APPLICATION_NOT_FOUND",
    )
    elsewhere = person("lakes-aimh", "coordinator")
    assert_problem(
        await running.http.get(f"/applications/{application.id}/timeline", headers=elsewhere.headers),
        404,
        "APPLICATION_NOT_FOUND",
    )

    listed = await running.http.get("/applications?status=endorsed", headers=coordinator.headers)
    assert [row["id"] for row in listed.json()["items"]] == [str(application.id)]
