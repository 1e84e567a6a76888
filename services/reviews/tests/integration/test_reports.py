"""The reports read model on PostgreSQL: each stay of a case in a state and each decision, checked against the
stored events; the reports computed from it; and a rebuild from the event store giving the same rows."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from reviews.application import Reviews, Submission
from reviews.config import SCHEMA, Tenant, load_tenants
from reviews.domain import Actor, Applicant, Cadence, CaseKind, CycleCalendar, ReviewCase
from reviews.projections import ReviewCasesProjection, ReviewReportsProjection, decisions, time_in_state
from reviews.projections.reports import case_time_in_state
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"
COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")


@pytest.fixture
def reviews(open_store: Callable[[], Reviews]) -> Iterator[Reviews]:
    app = open_store()
    yield app
    app.close()


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(database_url, min_size=1, max_size=2,
                                        server_settings=asyncpg_server_settings(SCHEMA))
    yield created
    await created.close()


@pytest.fixture
def itmhca() -> Tenant:
    tenant = load_tenants(TENANTS_DIR).get("itmhca")
    assert tenant is not None
    return tenant


def submit(reviews: Reviews, tenant: Tenant, category: str, *, application_id: UUID | None = None,
           number: int = 1) -> ReviewCase:
    case = reviews.intake.case_for(Submission(
        tenant="itmhca", application_id=application_id or uuid4(), submission_number=number,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"), category=category,
        category_name=category, rule_set_version=f"itmhca/{category}/2025-01-01", received_at=datetime.now(UTC),
    ), cycles=tenant.cycles)
    assert case is not None
    reviews.save(case)
    return case


def percentile(values: list[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stays_from_events(reviews: Reviews, case_id: UUID) -> list[tuple[str, datetime, datetime | None]]:
    """The stays as the stored events tell them, computed here independently of the projection."""
    events = list(reviews.events.get(case_id))
    states = {"Opened": "open", "ReturnedIncomplete": "returned", "CompletenessPassed": "in_review",
              "InformationRequested": "on_hold"}
    stays: list[tuple[str, datetime, datetime | None]] = []
    paused_in: list[str] = []
    for event in events:
        name, at = type(event).__name__, event.timestamp
        if stays and stays[-1][2] is None:
            stays[-1] = (stays[-1][0], stays[-1][1], at)
        if name == "InformationRequested":
            paused_in.append(stays[-1][0])
        state = paused_in.pop() if name == "InformationReceived" and paused_in else states.get(
            name, "open" if name == "InformationReceived" else None)
        if state is not None:
            stays.append((state, at, None))
    return stays


async def rows(pool: asyncpg.Pool, table: str, order: str) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY {order}")]


async def test_stays_and_decisions_follow_the_events_and_a_rebuild_gives_the_same_rows(
    reviews: Reviews, pool: asyncpg.Pool, itmhca: Tenant
) -> None:
    rolling = replace(itmhca, cycles=None)
    acting_at = datetime.now(UTC)  # the coordinator decides on the wall clock, like the submissions arrive
    # an intake that always closes at the very start of the quarter: every case waits for the next one
    waiting = replace(itmhca, cycles=CycleCalendar(cadence=Cadence.QUARTERLY, timezone=itmhca.timezone,
                                                   deadline_day=1, deadline_time=time(0, 0)))
    # given, on rolling intake: a case returned, resubmitted, put on hold, resubmitted and approved; a deferral;
    # an emerging approval and its renewal (a year on, in the renewal window)
    paused = submit(reviews, rolling, "IFS")
    reviews.intake.return_incomplete(paused.id, tenant=rolling, by=COORDINATOR, items=["Transcript"])
    submit(reviews, rolling, "IFS", application_id=paused.application_id, number=2)
    reviews.intake.pass_completeness(paused.id, tenant=rolling, by=COORDINATOR)
    reviews.intake.request_information(paused.id, tenant=rolling, by=COORDINATOR, items=["RSC log"])
    submit(reviews, rolling, "IFS", application_id=paused.application_id, number=3)
    reviews.decisions.approve(paused.id, tenant=rolling, by=COORDINATOR, now=acting_at)
    deferred = submit(reviews, rolling, "IFS")
    reviews.decisions.defer(deferred.id, tenant=rolling, by=COORDINATOR, reasons=["RSC hours short"],
                            recommendations=[], earliest_rereview_on=rolling.today(acting_at) + timedelta(days=90),
                            now=acting_at)
    emerging = submit(reviews, rolling, "IFRS")
    endorsement_id = reviews.decisions.approve(emerging.id, tenant=rolling, by=COORDINATOR, emerging=True,
                                               now=acting_at).case.endorsement_id
    assert endorsement_id is not None
    # and one case waiting for its cycle
    queued = submit(reviews, waiting, "IMHS")
    assert queued.cycle_opens_at is not None and queued.cycle is not None
    runner = ProjectionRunner(reviews, pool, ReviewReportsProjection())
    await runner.setup()
    await runner.catch_up()

    # then each case's stays are those its events tell, and a decided case is in no state any more
    now = datetime.now(UTC)
    for case_id in (paused.id, deferred.id):
        stays = await case_time_in_state(pool, "itmhca", case_id, now)
        assert [(s.state, s.entered_at, s.left_at) for s in stays] == stays_from_events(reviews, case_id)
    assert [s.state for s in await case_time_in_state(pool, "itmhca", paused.id, now)] == [
        "open", "returned", "open", "in_review", "on_hold", "in_review"]

    # the time-in-state report: stays per state with median, 90th percentile and longest (IFS: two cases)
    report = {d.state: d for d in await time_in_state(pool, "itmhca", now, category="IFS")}
    assert list(report) == ["open", "returned", "in_review", "on_hold"]
    expected: dict[str, list[float]] = {}
    for case_id in (paused.id, deferred.id):
        for state, entered, left in stays_from_events(reviews, case_id):
            assert left is not None
            expected.setdefault(state, []).append((left - entered).total_seconds())
    for state, seconds in expected.items():
        found = report[state]
        assert (found.stays, found.current) == (len(seconds), 0)
        assert found.median_seconds == pytest.approx(percentile(seconds, 0.5), abs=1e-5)
        assert found.p90_seconds == pytest.approx(percentile(seconds, 0.9), abs=1e-5)
        assert found.max_seconds == pytest.approx(max(seconds), abs=1e-5)

    # a waiting case: its wait until the cycle opens, then time in `open` counts from the opening
    two_days_in = queued.cycle_opens_at + timedelta(days=2)
    waited = {d.state: d for d in await time_in_state(pool, "itmhca", two_days_in, cycle=queued.cycle)}
    assert list(waited) == ["waiting", "open"]
    assert waited["waiting"].max_seconds == pytest.approx((queued.cycle_opens_at - queued.opened_at).total_seconds(),
                                                          abs=1e-5)
    assert (waited["open"].current, waited["open"].max_seconds) == (1, 2 * 86400)
    still = {d.state: d for d in await time_in_state(pool, "itmhca", queued.opened_at + timedelta(hours=1),
                                                     cycle=queued.cycle)}
    assert (still["waiting"].current, still["waiting"].max_seconds, still["open"].max_seconds) == (1, 3600, 0)

    # decisions per cycle, category, kind and outcome, once the waiting case's cycle opened
    reviews.decisions.approve(queued.id, tenant=waiting, by=COORDINATOR, now=two_days_in)
    renewal_window = datetime(rolling.today(acting_at).year + 1, 11, 2, 17, 0, tzinfo=UTC)
    renewal = reviews.intake.case_for(Submission(
        tenant="itmhca", application_id=uuid4(), submission_number=1, applicant=emerging.applicant,
        category="IFRS", category_name="IFRS", rule_set_version="itmhca/IFRS/2025-01-01",
        received_at=datetime.now(UTC), kind=CaseKind.RENEWAL, endorsement_id=endorsement_id,
        renewal_year=renewal_window.year))
    assert renewal is not None
    reviews.save(renewal)
    reviews.decisions.approve(renewal.id, tenant=rolling, by=COORDINATOR, now=renewal_window)
    await runner.catch_up()
    counted = [(d.cycle, d.category, d.kind, d.outcome, d.count) for d in await decisions(pool, "itmhca")]
    assert counted == [
        (None, "IFRS", "initial", "approved_emerging", 1),
        (None, "IFRS", "renewal", "approved", 1),
        (None, "IFS", "initial", "approved", 1),
        (None, "IFS", "initial", "deferred", 1),
        (queued.cycle, "IMHS", "initial", "approved", 1),
    ]
    assert [(d.category, d.outcome) for d in await decisions(pool, "itmhca", cycle=queued.cycle)] == [
        ("IMHS", "approved")]

    # and rebuilding both case read models from the event store gives the same rows
    queue = ProjectionRunner(reviews, pool, ReviewCasesProjection())
    await queue.setup()
    await queue.catch_up()
    tables = {"review_report_cases": "case_id", "review_state_intervals": "case_id, seq",
              "review_decisions": "case_id, outcome", "review_cases": "id",
              "review_assignments": "case_id, reviewer_subject"}
    before = {table: await rows(pool, table, order) for table, order in tables.items()}
    assert len(before["review_state_intervals"]) >= 10
    replayed = await runner.rebuild()
    await queue.rebuild()
    assert replayed == reviews.recorder.max_notification_id()
    assert {table: await rows(pool, table, order) for table, order in tables.items()} == before
