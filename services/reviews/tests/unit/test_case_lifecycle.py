"""Given/when/then for a review case's lifecycle: completeness, information requests, and every decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from reviews.domain import (
    CLOSED,
    Actor,
    Applicant,
    CategoryRules,
    Period,
    ReviewCase,
    ReviewPolicy,
    Status,
)
from reviews.domain import case_events as ev
from reviews.domain.errors import (
    CaseNotOpen,
    CaseStatusConflict,
    DenialNotAllowed,
    EmergingNotAllowed,
    ExamNotRequired,
    ExamRequired,
    InvalidExamResult,
    InvalidReasons,
    InvalidRereviewDate,
    RetakeTooEarly,
)
from reviews.domain.lifecycle import ALLOWED, Action, allowed_statuses, require

from .personal_data import FINGERPRINT

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
PHOENIX = ZoneInfo("America/Phoenix")
RECEIVED = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
TODAY = date(2025, 4, 1)
POLICY = ReviewPolicy(
    timezone=PHOENIX,
    categories={
        "IFS": CategoryRules(rank=2),
        "IFRS": CategoryRules(rank=3, emerging_years=2),
        "IMHS": CategoryRules(rank=3, exam_required=(Period(until=date(2024, 12, 31)),)),
        "IMHM-C": CategoryRules(rank=4, exam_required=(Period(),)),
    },
)
STRICT = replace(POLICY, coordinator_decides_directly=False)


def a_case(category: str = "IFS", received_at: datetime = RECEIVED) -> ReviewCase:
    return ReviewCase.open(fingerprint=FINGERPRINT, tenant="itmhca", application_id=uuid4(), submission_number=1,
                           applicant=Applicant(uuid4(), "Ana Applicant", "ana@example.org"), category=category,
                           category_name=category, rule_set_version="v1", received_at=received_at)


def event_names(case: ReviewCase) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


def replayed(case: ReviewCase) -> ReviewCase:
    rebuilt: Any = None
    for event in case.collect_events():
        rebuilt = event.mutate(rebuilt)
    assert isinstance(rebuilt, ReviewCase)
    return rebuilt


# The transition table ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_action_is_refused_in_every_status_the_table_does_not_list(action: Action, status: Status) -> None:
    if status in allowed_statuses(action):
        require(status, action)
        return
    expected = CaseNotOpen if status in CLOSED else CaseStatusConflict
    with pytest.raises(expected) as refused:
        require(status, action)
    assert refused.value.code == ("CASE_NOT_OPEN" if status in CLOSED else "CASE_STATUS_CONFLICT")


def test_a_decided_case_admits_nothing_and_direct_decision_widens_only_deciding() -> None:
    assert all(not (statuses & CLOSED) for statuses in ALLOWED.values())
    assert allowed_statuses(Action.DECIDE, direct_decision=True) == {Status.OPEN, Status.IN_REVIEW,
                                                                     Status.RECOMMENDED, Status.ESCALATED}
    assert allowed_statuses(Action.RECOMMEND, direct_decision=True) == ALLOWED[Action.RECOMMEND]


# Completeness ----------------------------------------------------------------------------------------


def test_a_complete_case_goes_to_review_under_the_associations_reviewer_policy() -> None:
    # given an open case, when the coordinator finds it complete under a two-reviewer parallel policy
    case = a_case()
    case.pass_completeness(COORDINATOR, replace(POLICY, reviewers_per_case=2, sequential=False, blind=False))
    # then it is in review, and the case keeps the policy it was reviewed under
    assert case.status is Status.IN_REVIEW
    assert (case.reviewers_required, case.sequential, case.blind) == (2, False, False)
    assert event_names(case) == ["Opened", "CompletenessPassed"]
    with pytest.raises(CaseStatusConflict):
        case.pass_completeness(COORDINATOR, POLICY)


def test_an_incomplete_case_returns_to_the_applicant_and_resumes_on_resubmission() -> None:
    # given an open case, when returned with what is missing
    case = a_case()
    case.return_incomplete(COORDINATOR, [" Official   transcript ", "", "Third reference"], "  Please add them ")
    # then it waits for the applicant with the tidied items
    assert case.status is Status.RETURNED
    assert case.is_waiting_for_applicant and case.is_open
    assert case.requested_items == ["Official transcript", "Third reference"]
    # and nothing but the resubmission moves it: not completeness, not a decision
    with pytest.raises(CaseStatusConflict):
        case.pass_completeness(COORDINATOR, POLICY)
    with pytest.raises(CaseStatusConflict):
        case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
    # when the applicant resubmits (submission 2), then the case is open again for the completeness check
    assert case.receive_information(2, RECEIVED + timedelta(days=3))
    assert (case.status, case.latest_submission, case.requested_items) == (Status.OPEN, 2, [])
    # and the same resubmission again changes nothing
    assert not case.receive_information(2, RECEIVED + timedelta(days=3))
    assert event_names(case) == ["Opened", "ReturnedIncomplete", "InformationReceived"]


@pytest.mark.parametrize("items", [[], ["   "], ["x" * 1001], [f"item {i}" for i in range(51)]])
def test_returning_needs_one_to_fifty_reasonable_items(items: list[str]) -> None:
    case = a_case()
    with pytest.raises(InvalidReasons) as refused:
        case.return_incomplete(COORDINATOR, items)
    assert refused.value.code == "INVALID_REASONS"
    assert case.status is Status.OPEN


# Information requested during review ---------------------------------------------------------------


def test_information_requested_in_review_pauses_the_case_until_resubmission() -> None:
    case = a_case()
    case.pass_completeness(COORDINATOR, POLICY)
    case.request_information(COORDINATOR, ["RSC log for 2024"])
    assert case.status is Status.ON_HOLD
    with pytest.raises(CaseStatusConflict):
        case.request_information(COORDINATOR, ["more"])
    with pytest.raises(CaseStatusConflict):
        case.defer(COORDINATOR, ["x"], [], date(2026, 1, 1), today=TODAY, policy=POLICY)
    assert case.receive_information(2, RECEIVED + timedelta(days=9))
    assert case.status is Status.IN_REVIEW  # back where it paused
    requested = [e for e in case.collect_events() if isinstance(e, ev.InformationRequested)]
    assert [(e.by, e.by_role, e.items) for e in requested] == [(COORDINATOR, "coordinator", ["RSC log for 2024"])]


def test_an_open_case_cannot_be_put_on_hold_before_its_completeness_check() -> None:
    with pytest.raises(CaseStatusConflict):
        a_case().request_information(COORDINATOR, ["anything"])


# Decisions -----------------------------------------------------------------------------------------


def test_the_coordinator_decides_an_open_case_directly_only_where_the_policy_allows() -> None:
    # given an open case, when an association that needs a reviewer's recommendation approves, then refused
    case = a_case()
    with pytest.raises(CaseStatusConflict):
        case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=STRICT)
    with pytest.raises(CaseStatusConflict):
        case.defer(COORDINATOR, ["x"], [], date(2026, 1, 1), today=TODAY, policy=STRICT)
    # and with direct decision allowed the same approval decides (attesting completeness)
    case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
    assert case.status is Status.APPROVED


def test_a_deferral_records_reasons_recommendations_and_a_future_rereview_date() -> None:
    case = a_case()
    with pytest.raises(InvalidRereviewDate):
        case.defer(COORDINATOR, ["RSC hours short"], [], TODAY, today=TODAY, policy=POLICY)
    with pytest.raises(InvalidReasons):
        case.defer(COORDINATOR, [], ["x"], TODAY + timedelta(days=90), today=TODAY, policy=POLICY)
    case.defer(COORDINATOR, ["RSC hours short"], ["12 hours of RSC", " "], TODAY + timedelta(days=90),
               today=TODAY, policy=POLICY)
    assert case.status is Status.DEFERRED
    assert (case.decided_by, case.decision_reasons, case.recommendations) == (
        COORDINATOR, ["RSC hours short"], ["12 hours of RSC"])
    assert case.earliest_rereview_on == TODAY + timedelta(days=90)
    assert not case.is_open
    with pytest.raises(CaseNotOpen):
        case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
    assert replayed(case).earliest_rereview_on == case.earliest_rereview_on


def test_denial_needs_a_policy_that_allows_it() -> None:
    case = a_case()
    with pytest.raises(DenialNotAllowed) as refused:
        case.deny(COORDINATOR, ["Not a resident"], POLICY)
    assert refused.value.code == "DENIAL_NOT_ALLOWED"
    case.deny(COORDINATOR, ["Not a resident"], replace(POLICY, denial_allowed=True))
    assert (case.status, case.decision_reasons) == (Status.DENIED, ["Not a resident"])


def test_emerging_only_for_categories_whose_rules_allow_it_with_the_deadline_from_the_rules() -> None:
    with pytest.raises(EmergingNotAllowed):
        a_case("IFS").approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY, emerging=True)
    case = a_case("IFRS")
    case.approve(COORDINATOR, date(2024, 2, 29), None, date(2025, 12, 15), policy=POLICY, emerging=True)
    assert case.status is Status.APPROVED
    assert (case.emerging, case.emerging_until) == (True, date(2026, 2, 28))
    assert event_names(case) == ["Opened", "ApprovedAsEmerging"]


# The exam --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("category", "received", "required"), [
    ("IMHM-C", RECEIVED, True),
    ("IMHS", datetime(2025, 1, 1, 6, 59, tzinfo=UTC), True),  # still 31 December 2024 in Phoenix
    ("IMHS", datetime(2025, 1, 1, 7, 0, tzinfo=UTC), False),
    ("IFS", RECEIVED, False),
])
def test_the_exam_is_required_by_the_rules_in_force_when_the_application_was_received(
    category: str, received: datetime, required: bool
) -> None:
    case = a_case(category, received)
    if required:
        with pytest.raises(ExamRequired):
            case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
        case.approve_for_exam(COORDINATOR, POLICY)
        assert case.status is Status.APPROVED_FOR_EXAM
    else:
        with pytest.raises(ExamNotRequired):
            case.approve_for_exam(COORDINATOR, POLICY)
        case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
        assert case.status is Status.APPROVED


def exam_case() -> ReviewCase:
    case = a_case("IMHM-C")
    case.approve_for_exam(COORDINATOR, POLICY)
    return case


def test_passing_both_parts_makes_the_case_approvable() -> None:
    case = exam_case()
    with pytest.raises(ExamRequired):
        case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=POLICY)
    case.record_exam_result(COORDINATOR, taken_on=TODAY, today=TODAY, part1_percent=80, part2_passed=True,
                            policy=POLICY)
    assert case.status is Status.EXAM_PASSED
    case.approve(COORDINATOR, TODAY, None, date(2026, 12, 15), policy=STRICT)  # after the exam, no review needed
    assert case.status is Status.APPROVED


def test_a_failed_part_is_retaken_alone_after_the_waiting_time() -> None:
    # given an attempt that passed part 1 (exactly 80%) and failed part 2
    case = exam_case()
    case.record_exam_result(COORDINATOR, taken_on=TODAY, today=TODAY, part1_percent=80, part2_passed=False,
                            policy=POLICY)
    assert case.status is Status.APPROVED_FOR_EXAM
    assert (case.exam.attempts, case.exam.parts_passed) == (1, {1})
    assert case.exam.retake_eligible_on == TODAY + timedelta(days=365)
    later = TODAY + timedelta(days=400)
    # when the retake comes a day early, or scores part 1 again, or scores nothing, then it is refused
    with pytest.raises(RetakeTooEarly):
        case.record_exam_result(COORDINATOR, taken_on=TODAY + timedelta(days=364), today=later, part1_percent=None,
                                part2_passed=True, policy=POLICY)
    for part1, part2 in ((90, True), (None, None)):
        with pytest.raises(InvalidExamResult):
            case.record_exam_result(COORDINATOR, taken_on=later, today=later, part1_percent=part1,
                                    part2_passed=part2, policy=POLICY)
    # when part 2 alone is retaken on the first eligible day and passed, then the exam is passed
    case.record_exam_result(COORDINATOR, taken_on=TODAY + timedelta(days=365), today=later, part1_percent=None,
                            part2_passed=True, policy=POLICY)
    assert (case.status, case.exam.attempts, case.exam.retake_eligible_on) == (Status.EXAM_PASSED, 2, None)


def test_part_one_below_the_pass_mark_fails_and_results_cannot_come_from_the_future() -> None:
    case = exam_case()
    with pytest.raises(InvalidExamResult):
        case.record_exam_result(COORDINATOR, taken_on=TODAY + timedelta(days=1), today=TODAY, part1_percent=95,
                                part2_passed=True, policy=POLICY)
    case.record_exam_result(COORDINATOR, taken_on=TODAY, today=TODAY, part1_percent=79, part2_passed=True,
                            policy=POLICY)
    assert (case.status, case.exam.parts_passed) == (Status.APPROVED_FOR_EXAM, {2})
    scored = [e for e in case.collect_events() if isinstance(e, ev.ExamScored)]
    assert [(e.part1_passed, e.part2_passed, e.passed) for e in scored] == [(False, True, False)]


def test_replaying_a_whole_path_rebuilds_the_same_case() -> None:
    case = a_case()
    case.return_incomplete(COORDINATOR, ["transcript"])
    case.receive_information(2, RECEIVED + timedelta(days=1))
    case.pass_completeness(COORDINATOR, POLICY)
    case.request_information(COORDINATOR, ["RSC"])
    case.receive_information(3, RECEIVED + timedelta(days=2))
    case.approve(COORDINATOR, TODAY, "Clinical", date(2026, 12, 15), policy=POLICY)
    rebuilt = replayed(case)
    assert (rebuilt.status, rebuilt.latest_submission, rebuilt.version) == (Status.APPROVED, 3, 7)
    assert (rebuilt.decided_by, rebuilt.designation) == (COORDINATOR, "Clinical")
