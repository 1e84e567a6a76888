"""The review cycle reaches the applicant, on PostgreSQL and the broker: a `ReviewOpened` CloudEvent from the reviews
topic, delivered twice, records the case's cycle once; `GET /applications/{id}` shows it as `review.cycle` (waiting
until it opens) and the timeline says so; a rolling-intake case (no cycle) shows none."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from applications.application import ApplicationsService
from applications.domain import Actor, Applicant, Application
from endorsement_contracts import Person
from endorsement_contracts.events import ReviewOpened
from journeys import complete_through_use_cases

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from sealed_reviews import ReviewsFeed

    from conftest import Person as Caller
    from conftest import Running


pytestmark = pytest.mark.consumes_reviews  # these tests publish to the reviews topic (sealed, on v2)

ARIZONA = ZoneInfo("America/Phoenix")


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 30.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s")


def submitted_through_use_cases(app: ApplicationsService, caller: Caller) -> Application:
    actor = Actor(caller.account_id, caller.tenant, caller.roles)
    application = app.start(actor, Applicant(caller.account_id, caller.name, caller.email), "IFS")
    complete_through_use_cases(app, actor, application.id)
    return app.submit(application.id, actor)


def opened(application: Application, cycle: str | None, opens_at: datetime | None = None,
           deadline: datetime | None = None) -> ReviewOpened:
    a = application.applicant
    return ReviewOpened(
        tenant=application.tenant, occurred_at=datetime.now(UTC), review_case_id=uuid4(),
        application_id=application.id, submission_number=1,
        applicant=Person(account_id=a.account_id, name=a.name, email=a.email), category=application.category,
        category_name=application.category_name, rule_set_version="2026.1", received_at=datetime.now(UTC),
        cycle=cycle, cycle_opens_at=opens_at, cycle_deadline=deadline,
    )


def openings(app: ApplicationsService, application: Application) -> int:
    return [type(e).__name__ for e in app.events.get(application.id)].count("ReviewCaseOpened")


async def test_a_waiting_cycle_is_recorded_once_and_shown(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    application = await asyncio.to_thread(submitted_through_use_cases, app, dana)
    path = f"/applications/{application.id}"
    # before any case is opened there is no cycle
    before = await running.http.get(path, headers=dana.headers)
    assert before.status_code == 200 and before.json()["review"]["cycle"] is None
    # when the reviews service opens the case in a cycle that opens next quarter (the record delivered twice)
    opens_at = datetime.now(ARIZONA).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=40)
    deadline = opens_at + timedelta(days=30)
    await asyncio.to_thread(reviews.publish, opened(application, "2027-Q1", opens_at, deadline), None, 2)

    async def shown() -> dict[str, Any] | None:
        response = await running.http.get(path, headers=dana.headers)
        cycle: dict[str, Any] | None = response.json()["review"]["cycle"]
        return cycle

    cycle = await eventually(shown)
    # then the applicant sees the cycle, waiting for it to open
    assert cycle["cycle_id"] == "2027-Q1" and cycle["waiting"] is True
    assert datetime.fromisoformat(cycle["opens_at"]) == opens_at
    assert datetime.fromisoformat(cycle["deadline"]) == deadline
    # and one opening is stored, whatever the copies
    await running.catch_up()
    assert await asyncio.to_thread(openings, app, application) == 1
    # and the timeline says what it waits for, once
    timeline = (await running.http.get(f"{path}/timeline", headers=dana.headers)).json()["items"]
    [entry] = [item for item in timeline if item["kind"] == "review_opened"]
    assert entry["summary"] == (
        f"Your application waits for review cycle 2027-Q1, which opens on {opens_at.date().isoformat()}."
    )
    assert entry["status"] == "submitted"
    assert entry["details"]["cycle_id"] == "2027-Q1" and entry["details"]["waiting"] is True


async def test_an_open_cycle_is_not_waiting_and_rolling_intake_shows_none(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    erin = person("itmhca", "applicant", name="Erin Early", email="erin.early@example.org")
    in_cycle = await asyncio.to_thread(submitted_through_use_cases, app, dana)
    rolling = await asyncio.to_thread(submitted_through_use_cases, app, erin)
    opens_at = datetime.now(ARIZONA) - timedelta(days=3)
    await asyncio.to_thread(reviews.publish, opened(in_cycle, "2026-Q4", opens_at, opens_at + timedelta(days=60)))
    await asyncio.to_thread(reviews.publish, opened(rolling, None))

    async def applied() -> bool:
        counts = [await asyncio.to_thread(openings, app, a) for a in (in_cycle, rolling)]
        return counts == [1, 1]

    await eventually(applied)
    shown = (await running.http.get(f"/applications/{in_cycle.id}", headers=dana.headers)).json()["review"]["cycle"]
    assert shown["cycle_id"] == "2026-Q4" and shown["waiting"] is False
    assert (await running.http.get(f"/applications/{rolling.id}", headers=erin.headers)).json()["review"]["cycle"] \
        is None
    await running.catch_up()
    timeline = (await running.http.get(f"/applications/{in_cycle.id}/timeline", headers=dana.headers)).json()
    summaries = [i["summary"] for i in timeline["items"] if i["kind"] == "review_opened"]
    assert summaries == ["Review opened in cycle 2026-Q4."]
    rolling_timeline = (await running.http.get(f"/applications/{rolling.id}/timeline", headers=erin.headers)).json()
    assert not [i for i in rolling_timeline["items"] if i["kind"] == "review_opened"]
