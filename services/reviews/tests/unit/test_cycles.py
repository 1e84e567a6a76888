"""Given/when/then for review cycles: which intake window a submission belongs to, in the association's timezone,
and that a case waiting for its cycle is neither assigned nor decided before the cycle opens."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import endorsement_contracts.events as contract
import pytest
from reviews.application import Reviews, Submission
from reviews.config import Tenant, TenantCatalog, TenantDataError, load_tenants
from reviews.domain import Actor, Applicant, Cadence, CycleCalendar, Status
from reviews.domain.errors import CycleNotOpen
from reviews.translation import Translator

PHOENIX = ZoneInfo("America/Phoenix")
COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
# a quarterly calendar whose intake closes on the 45th day of the quarter at 17:00 (Q4: 14 November)
QUARTERLY = CycleCalendar(cadence=Cadence.QUARTERLY, timezone=PHOENIX, deadline_day=45, deadline_time=time(17, 0))
DEADLINE = datetime(2026, 11, 14, 17, 0, tzinfo=PHOENIX)


def a_submission(received_at: datetime = datetime(2024, 12, 1, 18, 0, tzinfo=UTC)) -> Submission:
    return Submission(tenant="itmhca", application_id=uuid4(), submission_number=1,
                      applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"),
                      category="IFS", category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2024",
                      received_at=received_at)


def test_a_submission_one_second_before_the_deadline_is_in_the_cycle_and_one_second_after_waits() -> None:
    # given the Q4 deadline, 14 November 17:00 in Phoenix (already 15 November in UTC)
    assert DEADLINE.astimezone(UTC) == datetime(2026, 11, 15, 0, 0, tzinfo=UTC)
    # when submissions arrive one second either side of it
    before = QUARTERLY.cycle_for(DEADLINE - timedelta(seconds=1))
    after = QUARTERLY.cycle_for(DEADLINE + timedelta(seconds=1))
    # then the first is in 2026-Q4, open since 1 October; the second waits for 2027-Q1, opening 1 January
    assert (before.id, before.opens_at, before.deadline) == ("2026-Q4", datetime(2026, 10, 1, tzinfo=PHOENIX),
                                                              DEADLINE)
    assert before.is_open(DEADLINE - timedelta(seconds=1))
    assert (after.id, after.opens_at) == ("2027-Q1", datetime(2027, 1, 1, tzinfo=PHOENIX))
    assert after.deadline == datetime(2027, 2, 14, 17, 0, tzinfo=PHOENIX)
    assert not after.is_open(DEADLINE + timedelta(seconds=1))
    # and the deadline instant itself is too late
    assert QUARTERLY.cycle_for(DEADLINE).id == "2027-Q1"


def test_without_a_deadline_day_intake_closes_at_the_end_of_the_period_on_the_associations_clock() -> None:
    calendar = CycleCalendar(cadence=Cadence.QUARTERLY, timezone=PHOENIX)
    year_end = datetime(2027, 1, 1, tzinfo=PHOENIX)
    assert calendar.cycle_for(year_end - timedelta(seconds=1)).id == "2026-Q4"
    assert calendar.cycle_for(year_end + timedelta(seconds=1)).id == "2027-Q1"
    # already 2027 in UTC, still 2026 in Phoenix
    assert calendar.cycle_for(datetime(2027, 1, 1, 6, 59, 59, tzinfo=UTC)).id == "2026-Q4"
    # contiguous windows: every submission's cycle is open on receipt
    moment = datetime(2026, 5, 17, 12, 0, tzinfo=UTC)
    assert calendar.cycle_for(moment).is_open(moment)


def test_monthly_windows_skip_the_months_without_intake() -> None:
    # given monthly intake from January to October, closing on the 5th at the end of the day
    calendar = CycleCalendar(cadence=Cadence.MONTHLY, timezone=PHOENIX, deadline_day=5,
                             periods=frozenset(range(1, 11)))
    # then a submission by the 5th is in its month; after it, in the next month with intake
    assert calendar.cycle_for(datetime(2026, 3, 5, 23, 59, 59, tzinfo=PHOENIX)).id == "2026-03"
    assert calendar.cycle_for(datetime(2026, 3, 6, 0, 0, 1, tzinfo=PHOENIX)).id == "2026-04"
    late_october = calendar.cycle_for(datetime(2026, 10, 20, tzinfo=PHOENIX))
    assert (late_october.id, late_october.opens_at) == ("2027-01", datetime(2027, 1, 1, tzinfo=PHOENIX))
    assert calendar.cycle_for(datetime(2026, 11, 2, tzinfo=PHOENIX)).id == "2027-01"
    # a deadline day past the month's end is its last day
    february = replace(calendar, deadline_day=31).cycle_for(datetime(2026, 2, 28, 20, 0, tzinfo=PHOENIX))
    assert (february.id, february.deadline) == ("2026-02", datetime(2026, 3, 1, tzinfo=PHOENIX))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cadence": Cadence.ROLLING}, "rolling intake has no cycle calendar"),
    ({"cadence": Cadence.MONTHLY, "deadline_day": 32}, "deadline day is 1 to 31"),
    ({"cadence": Cadence.QUARTERLY, "periods": frozenset({5})}, "numbered 1 to 4"),
])
def test_an_impossible_calendar_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CycleCalendar(timezone=PHOENIX, **kwargs)  # type: ignore[arg-type]


TENANT = """
slug: test-assoc
name: Test Association
timezone: America/Phoenix
categories: {IFS: Infant Family Specialist}
renewal: {due: "12-15"}
"""


def catalog_with(tmp_path: Path, cycles: str | None) -> TenantCatalog:
    (tmp_path / "tenants").mkdir(exist_ok=True)
    (tmp_path / "reviews").mkdir(exist_ok=True)
    (tmp_path / "tenants" / "test-assoc.yaml").write_text(TENANT)
    review = "tenant: test-assoc\n" + ("" if cycles is None else f"cycles: {cycles}\n")
    (tmp_path / "reviews" / "test-assoc.yaml").write_text(review)
    return load_tenants(tmp_path / "tenants")


def test_cycles_are_data_and_an_association_without_them_keeps_rolling_intake(tmp_path: Path,
                                                                              itmhca: Tenant) -> None:
    # ITMHCA: quarterly, closing at the end of the quarter (an assumption marked in its file)
    assert itmhca.cycles is not None
    assert (itmhca.cycles.cadence, itmhca.cycles.deadline_day, itmhca.cycles.timezone) == (
        Cadence.QUARTERLY, None, PHOENIX)
    assert catalog_with(tmp_path, None).get("test-assoc").cycles is None  # type: ignore[union-attr]
    assert catalog_with(tmp_path, "{cadence: rolling}").get("test-assoc").cycles is None  # type: ignore[union-attr]
    monthly = catalog_with(tmp_path, '{cadence: monthly, deadline_day: 5, deadline_time: "17:30", periods: [1, 2]}')
    calendar = monthly.get("test-assoc").cycles  # type: ignore[union-attr]
    assert calendar == CycleCalendar(cadence=Cadence.MONTHLY, timezone=PHOENIX, deadline_day=5,
                                     deadline_time=time(17, 30), periods=frozenset({1, 2}))


@pytest.mark.parametrize(("cycles", "message"), [
    ("{cadence: weekly}", "cycles.cadence"),
    ("{cadence: rolling, deadline_day: 5}", "rolling intake has no deadlines"),
    ("{cadence: monthly, deadline_day: 40}", "deadline day is 1 to 31"),
    ('{cadence: monthly, deadline_time: "5pm"}', "cycles.deadline_time"),
    ("{cadence: quarterly, periods: [0]}", "numbered 1 to 4"),
])
def test_bad_cycle_data_stops_the_service_from_starting(tmp_path: Path, cycles: str, message: str) -> None:
    with pytest.raises(TenantDataError, match=message):
        catalog_with(tmp_path, cycles)


def waiting_tenant(itmhca: Tenant) -> Tenant:
    return replace(itmhca, cycles=QUARTERLY)


def opened(reviews: Reviews, submission: Submission, tenant: Tenant) -> datetime:
    case = reviews.intake.case_for(submission, cycles=tenant.cycles)
    assert case is not None
    reviews.save(case)
    return submission.received_at


def test_a_case_of_a_future_cycle_waits_and_is_neither_assigned_nor_decided_before_it_opens(
    reviews: Reviews, itmhca: Tenant
) -> None:
    # given a submission one second after the Q4 deadline: its case belongs to 2027-Q1 and waits
    tenant = waiting_tenant(itmhca)
    late = a_submission(DEADLINE + timedelta(seconds=1))
    opened(reviews, late, tenant)
    [case_id] = [n.originator_id for n in reviews.process_recorder.select_notifications(1, 10)]
    case = reviews.get_case(case_id, "itmhca")
    assert (case.cycle, case.cycle_opens_at, case.is_waiting(DEADLINE)) == (
        "2027-Q1", datetime(2027, 1, 1, tzinfo=PHOENIX), True)
    # when the coordinator tries to work on it in December
    december = datetime(2026, 12, 20, tzinfo=PHOENIX)
    mentor = next(iter(tenant.reviewers))
    reviews.intake.pass_completeness(case_id, tenant=tenant, by=COORDINATOR)  # preparing the cycle is allowed
    for attempt in (lambda: reviews.reviewing.assign_reviewer(case_id, tenant=tenant, by=COORDINATOR,
                                                              reviewer_email=mentor, now=december),
                    lambda: reviews.decisions.approve(case_id, tenant=tenant, by=COORDINATOR, now=december),
                    lambda: reviews.decisions.defer(case_id, tenant=tenant, by=COORDINATOR, reasons=["x"],
                                                    recommendations=[],
                                                    earliest_rereview_on=december.date() + timedelta(days=30),
                                                    now=december)):
        with pytest.raises(CycleNotOpen) as refused:
            attempt()
        assert refused.value.code == "CYCLE_NOT_OPEN"
    # then nothing but the completeness check was recorded; from 1 January it is worked as usual
    assert [type(e).__name__ for e in reviews.events.get(case_id)] == ["Opened", "CompletenessPassed"]
    january = datetime(2027, 1, 1, 0, 0, 1, tzinfo=PHOENIX)
    reviews.reviewing.assign_reviewer(case_id, tenant=tenant, by=COORDINATOR, reviewer_email=mentor, now=january)
    approved = reviews.decisions.approve(case_id, tenant=tenant, by=COORDINATOR, now=january)
    assert approved.case.status is Status.APPROVED


def test_review_opened_carries_the_cycle_and_a_rolling_association_none(reviews: Reviews, itmhca: Tenant) -> None:
    tenant = waiting_tenant(itmhca)
    opened(reviews, a_submission(DEADLINE - timedelta(seconds=1)), tenant)
    opened(reviews, a_submission(), replace(itmhca, cycles=None))
    translate = Translator(reviews)
    published = [translate(reviews.mapper.to_domain_event(n))
                 for n in reviews.process_recorder.select_notifications(1, 10)]
    assert all(isinstance(p, contract.ReviewOpened) for p in published)
    assert [(p.kind, p.cycle) for p in published] == [("initial", "2026-Q4"), ("initial", None)]  # type: ignore[union-attr]
