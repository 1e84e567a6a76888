"""Given/when/then for the review case's cycle on the application: each opening applies once, a later submission's
case replaces an earlier one's, a settled application takes none; the API shows it waiting until it opens; the
timeline tells the applicant when review starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from applications.domain import Applicant, Application, CategoryOffer
from applications.entrypoints.schemas import ApplicationOut
from applications.projections.timeline import entry_for
from rule_builders import context, fill, satisfying, shipped

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
IFA = shipped("IFA", TODAY)
ARIZONA = ZoneInfo("America/Phoenix")
Q1_OPENS = datetime(2027, 1, 1, tzinfo=ARIZONA)
Q1_DEADLINE = datetime(2027, 2, 15, tzinfo=ARIZONA)


def a_submitted(*, keep_events: bool = False) -> Application:
    offer = CategoryOffer({"IFA": "Infant Family Associate"})
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", offer)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    if not keep_events:
        application.collect_events()
    return application


def open_case(application: Application, case: UUID, *, cycle: str | None = "2027-Q1", submission: int = 1) -> bool:
    return application.record_review_opened(
        review_case_id=case, submission_number=submission, opened_at=NOW, cycle_id=cycle,
        cycle_opens_at=Q1_OPENS if cycle else None, cycle_deadline=Q1_DEADLINE if cycle else None,
    )


def test_an_opened_case_records_its_cycle_once_whatever_the_copies() -> None:
    application, case = a_submitted(), uuid4()
    # when the case is opened, and a copy arrives
    assert open_case(application, case) is True
    assert open_case(application, case) is False
    # then one event, with the cycle, waiting until it opens
    events = application.collect_events()
    assert [type(e).__name__ for e in events] == ["ReviewCaseOpened"]
    assert events[0].tenant == "itmhca"  # type: ignore[attr-defined]
    recorded = application.review_case
    assert recorded is not None and recorded.cycle is not None
    assert (recorded.review_case_id, recorded.cycle.id, recorded.cycle.opens_at) == (case, "2027-Q1", Q1_OPENS)
    assert recorded.waits_for_cycle(NOW) is True
    assert recorded.waits_for_cycle(Q1_OPENS) is False


def test_rolling_intake_records_the_case_without_a_cycle() -> None:
    application = a_submitted()
    assert open_case(application, uuid4(), cycle=None) is True
    assert application.review_case is not None and application.review_case.cycle is None
    assert ApplicationOut.of(application, now=NOW).review.cycle is None


def test_a_later_submissions_case_replaces_and_an_earlier_ones_late_copy_changes_nothing() -> None:
    application, first, second = a_submitted(), uuid4(), uuid4()
    open_case(application, second, cycle="2027-Q2", submission=2)
    assert open_case(application, first, submission=1) is False
    assert application.review_case is not None and application.review_case.review_case_id == second


def test_a_withdrawn_application_takes_no_opening() -> None:
    application = a_submitted()
    application.withdraw("Moved away")
    assert open_case(application, uuid4()) is False
    assert application.review_case is None


def test_replaying_the_events_rebuilds_the_case() -> None:
    application = a_submitted(keep_events=True)
    open_case(application, uuid4())
    copy = None
    for stored in application.collect_events():
        copy = stored.mutate(copy)
    assert copy is not None and copy.review_case == application.review_case is not None


@pytest.mark.parametrize(("now", "waiting"), [(NOW, True), (Q1_OPENS + timedelta(seconds=1), False)])
def test_the_api_shows_the_cycle_waiting_until_it_opens(now: datetime, waiting: bool) -> None:
    application = a_submitted()
    assert ApplicationOut.of(application, now=now).review.cycle is None  # no case yet
    open_case(application, uuid4())
    cycle = ApplicationOut.of(application, now=now).review.cycle
    assert cycle is not None
    assert (cycle.cycle_id, cycle.opens_at, cycle.deadline, cycle.waiting) == ("2027-Q1", Q1_OPENS, Q1_DEADLINE,
                                                                                waiting)


def test_the_timeline_says_what_the_case_waits_for_and_nothing_on_rolling_intake() -> None:
    waiting, rolling = a_submitted(), a_submitted()
    open_case(waiting, uuid4())
    open_case(rolling, uuid4(), cycle=None)
    [opened] = waiting.collect_events()
    entry = entry_for(opened)
    assert entry is not None and entry.kind == "review_opened" and entry.status is None
    assert entry.summary == "Your application waits for review cycle 2027-Q1, which opens on 2027-01-01."
    assert entry.details["waiting"] is True and entry.details["opens_at"] == Q1_OPENS.isoformat()
    [no_cycle] = rolling.collect_events()
    assert entry_for(no_cycle) is None
