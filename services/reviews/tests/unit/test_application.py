"""Given/when/then for the use cases, on in-memory persistence (the same code runs on PostgreSQL in integration)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from reviews.application import Reviews, Submission
from reviews.config import Tenant
from reviews.domain import (
    Actor,
    CaseNotFound,
    CaseNotOpen,
    EndorsementNotFound,
    EndorsementStatus,
    InvalidEffectiveDate,
    Relations,
    ReviewCase,
    ReviewerNotFound,
    Status,
    endorsement_id_for,
)
from reviews.domain.errors import (
    CaseStatusConflict,
    ConcurrentChange,
    DomainError,
    ExamRequired,
    InvalidRequest,
    NotFound,
    StateConflict,
)
from reviews.entrypoints.api import REFUSALS, domain_problem
from reviews.store import ON_CONFLICT
from servicekit.refusals import subclasses

from .personal_data import FINGERPRINT

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")


def opened(reviews: Reviews, submission: Submission) -> ReviewCase:
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    return case


def test_a_submission_opens_one_case_and_a_repeat_opens_none(reviews: Reviews, submission: Submission) -> None:
    # given a submission whose case was opened
    case = opened(reviews, submission)
    # when the same submission arrives again
    again = reviews.intake.case_for(submission)
    # then there is nothing to open; a resubmission opens its own case
    assert again is None
    resubmitted = reviews.intake.case_for(replace(submission, submission_number=2))
    assert resubmitted is not None
    assert resubmitted.id != case.id


def test_a_case_is_invisible_to_other_tenants(reviews: Reviews, submission: Submission) -> None:
    case = opened(reviews, submission)
    assert reviews.get_case(case.id, "itmhca").id == case.id
    with pytest.raises(CaseNotFound):
        reviews.get_case(case.id, "other-assoc")
    with pytest.raises(CaseNotFound):
        reviews.get_case(uuid4(), "itmhca")


def test_approval_defaults_to_today_on_the_associations_clock(reviews: Reviews, submission: Submission,
                                                              itmhca: Tenant) -> None:
    # given an open case, and a moment that is already 2025 in UTC but still 2024 in Phoenix
    case = opened(reviews, submission)
    now = datetime(2025, 1, 1, 5, 0, tzinfo=UTC)
    # when the coordinator approves without an effective date
    case_file = reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=now)
    # then it takes effect on Phoenix's date, and the first renewal is next year's Dec 15
    approved = case_file.case
    assert approved.status is Status.APPROVED
    assert approved.effective_date == date(2024, 12, 31)
    assert approved.renewal_date == date(2025, 12, 15)
    assert [e.action for e in case_file.history] == ["opened", "approved"]
    assert reviews.get_case(case.id, "itmhca").status is Status.APPROVED


def test_approval_with_a_date_uses_it_for_the_renewal(reviews: Reviews, submission: Submission,
                                                      itmhca: Tenant) -> None:
    case = opened(reviews, submission)
    case_file = reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 1, 2),
                                          designation="Clinical", now=datetime(2025, 3, 1, tzinfo=UTC))
    assert case_file.case.effective_date == date(2025, 1, 2)
    assert case_file.case.renewal_date == date(2026, 12, 15)
    assert case_file.case.designation == "Clinical"


def test_refused_approvals_change_nothing(reviews: Reviews, submission: Submission, itmhca: Tenant) -> None:
    # given an open case
    case = opened(reviews, submission)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    # when approved with a future date, then refused and still open
    with pytest.raises(InvalidEffectiveDate):
        reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 3, 2), now=now)
    assert reviews.get_case(case.id, "itmhca").version == 1
    # when approved twice, then the second is refused and the first decision stands
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=now)
    with pytest.raises(CaseNotOpen):
        reviews.decisions.approve(case.id, tenant=itmhca, by=Actor(uuid4(), "Someone Else"), now=now)
    stored = reviews.get_case(case.id, "itmhca")
    assert stored.version == 2
    assert stored.decided_by == COORDINATOR


def test_the_case_file_lists_who_did_what_and_when(reviews: Reviews, submission: Submission,
                                                   itmhca: Tenant) -> None:
    case = opened(reviews, submission)
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, designation="Clinical",
                              now=datetime(2025, 3, 1, tzinfo=UTC))
    history = reviews.case_file(case.id, "itmhca").history
    opened_entry, approved_entry = history
    assert (opened_entry.version, opened_entry.action, opened_entry.by_role) == (1, "opened", "applicant")
    assert opened_entry.by_account_id == submission.applicant.account_id
    assert opened_entry.details["submission_number"] == "1"
    assert (approved_entry.version, approved_entry.action, approved_entry.by_role) == (2, "approved", "coordinator")
    assert approved_entry.by_account_id == COORDINATOR.account_id
    assert approved_entry.by_name == COORDINATOR.name
    assert approved_entry.details["designation"] == "Clinical"
    assert approved_entry.details["renewal_date"] == "2026-12-15"
    assert opened_entry.at <= approved_entry.at


def test_a_resubmission_resumes_the_paused_case_once(reviews: Reviews, submission: Submission,
                                                     itmhca: Tenant) -> None:
    # given a case returned as incomplete
    case = opened(reviews, submission)
    reviews.intake.return_incomplete(case.id, tenant=itmhca, by=COORDINATOR, items=["Transcript"])
    # when the applicant resubmits, then the same case resumes (no second case), and a repeat does nothing
    second = replace(submission, submission_number=2)
    resumed = reviews.intake.case_for(second)
    assert resumed is not None and resumed.id == case.id
    reviews.save(resumed)
    assert reviews.intake.case_for(second) is None
    assert reviews.get_case(case.id, "itmhca").status is Status.OPEN
    # and once decided, a later submission opens a case of its own
    reviews.decisions.defer(case.id, tenant=itmhca, by=COORDINATOR, reasons=["RSC short"], recommendations=[],
                            earliest_rereview_on=date(2026, 1, 1), now=datetime(2025, 3, 1, tzinfo=UTC))
    third = reviews.intake.case_for(replace(submission, submission_number=3))
    assert third is not None and third.id != case.id
    reviews.save(third)
    assert reviews.intake.case_for(replace(submission, submission_number=2)) is None  # an old redelivery: still nothing
    assert [type(e).__name__ for e in reviews.events.get(case.id)] == ["Opened", "ReturnedIncomplete",
                                                                      "InformationReceived", "Deferred"]


def test_an_approval_saves_the_endorsement_with_it(reviews: Reviews, submission: Submission, itmhca: Tenant) -> None:
    case = opened(reviews, submission)
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=datetime(2025, 3, 1, 18, tzinfo=UTC))
    endorsement = reviews.get_endorsement(endorsement_id_for(case.id), "itmhca")
    assert (endorsement.status, endorsement.renewal_date, endorsement.removal_date) == (
        EndorsementStatus.ACTIVE, date(2026, 12, 15), date(2027, 2, 1))
    with pytest.raises(EndorsementNotFound):
        reviews.get_endorsement(endorsement.id, "other-assoc")
    with pytest.raises(EndorsementNotFound):
        reviews.get_endorsement(case.id, "itmhca")  # a case is no endorsement
    # the lapse sweep's use case lapses only what is due, once
    lapse_if_due = reviews.endorsements.lapse_if_due
    assert not lapse_if_due(endorsement.id, tenant=itmhca, now=datetime(2027, 2, 1, 18, tzinfo=UTC))
    assert lapse_if_due(endorsement.id, tenant=itmhca, now=datetime(2027, 2, 2, 18, tzinfo=UTC))
    assert not lapse_if_due(endorsement.id, tenant=itmhca, now=datetime(2027, 2, 3, 18, tzinfo=UTC))
    history = reviews.endorsement_file(endorsement.id, "itmhca").history
    assert [(h.action, h.by_role) for h in history] == [("granted", "coordinator"), ("lapsed", "system")]


def test_a_refused_approval_saves_neither_the_decision_nor_an_endorsement(reviews: Reviews, submission: Submission,
                                                                          itmhca: Tenant) -> None:
    case = opened(reviews, replace(submission, category="IMHM-C", category_name="Mentor - Clinical"))
    with pytest.raises(ExamRequired):
        reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=datetime(2025, 3, 1, tzinfo=UTC))
    assert endorsement_id_for(case.id) not in reviews.repository
    assert reviews.get_case(case.id, "itmhca").version == 1


def test_only_an_assigned_reviewer_sees_or_acts_on_a_case(reviews: Reviews, submission: Submission,
                                                          itmhca: Tenant) -> None:
    case = opened(reviews, submission)
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    mentor, specialist = "reviewer.mentor@itmhca.example", "reviewer.specialist@itmhca.example"
    assert [r.email for r in reviews.reviewing.suggested_reviewers(case.id, tenant=itmhca)] == [mentor, specialist]
    reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=mentor.upper(),
                                      now=datetime.now(UTC))
    assert [r.email for r in reviews.reviewing.suggested_reviewers(case.id, tenant=itmhca)] == [specialist]
    with pytest.raises(ReviewerNotFound):
        reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email="nobody@example.org",
                                          now=datetime.now(UTC))
    for act in (lambda: reviews.reviewing.reviewer_case(case.id, tenant=itmhca, reviewer_email=specialist),
                lambda: reviews.intake.request_information(case.id, tenant=itmhca, by=COORDINATOR, items=["x"],
                                                           reviewer_email=specialist)):
        with pytest.raises(CaseNotFound):
            act()
    assert reviews.reviewing.reviewer_case(case.id, tenant=itmhca, reviewer_email=mentor).id == case.id


def test_a_version_1_opening_is_read_with_no_employer_and_no_related_people(reviews: Reviews,
                                                                           submission: Submission) -> None:
    # given an Opened event stored before it knew employers (class version 1)
    case = opened(reviews, submission)
    stored = reviews.mapper.to_stored_event(next(iter(reviews.events.get(case.id))))
    state = reviews.mapper.transcoder.decode(stored.state)
    for key in ("relations", "kind", "endorsement_id", "renewal_year", "cycle", "cycle_opens_at", "cycle_deadline",
                "class_version"):
        state.pop(key, None)
    old = replace(stored, state=reviews.mapper.transcoder.encode(state))
    # when it is read, then it is upcast: no employer, nobody related, the applicant's address still compared
    event = reviews.mapper.to_domain_event(old)
    assert isinstance(event, ReviewCase.Opened)
    assert (event.relations.employer, event.relations.related) == (None, frozenset())
    rebuilt = event.mutate(None)
    assert isinstance(rebuilt, ReviewCase)
    assert rebuilt.relations.fingerprinted_with(FINGERPRINT) == Relations.of(FINGERPRINT, submission.applicant.email)


def test_a_command_that_met_another_writer_decides_again_on_the_state_it_left(
        reviews: Reviews, submission: Submission, itmhca: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a coordinator who read the case before another passed its completeness check
    case = opened(reviews, submission)
    read_before = case.version
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    fresh_case = reviews.get_case
    reads = iter([reviews.repository.get(case.id, version=read_before)])
    monkeypatch.setattr(reviews, "get_case", lambda case_id, tenant: next(reads, None) or fresh_case(case_id, tenant))

    # when they pass it too, then their save meets the other and the command runs again, refused by the case itself
    with pytest.raises(CaseStatusConflict):
        reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    assert reviews.repository.get(case.id).version == read_before + 1


def test_a_command_that_meets_another_writer_every_time_is_refused_with_409(
        reviews: Reviews, submission: Submission, itmhca: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    case = opened(reviews, submission)
    read_before = case.version
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    loads: list[int] = []

    def stale(case_id: UUID, tenant: str) -> ReviewCase:
        loads.append(read_before)
        old: ReviewCase = reviews.repository.get(case_id, version=read_before)
        return old

    monkeypatch.setattr(reviews, "get_case", stale)
    with pytest.raises(ConcurrentChange) as refused:
        reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)

    assert (len(loads), refused.value.code) == (ON_CONFLICT.attempts, "CONCURRENT_CHANGE")
    assert reviews.repository.get(case.id).version == read_before + 1
    problem = domain_problem(refused.value)
    assert (problem.status, problem.code) == (409, "CONCURRENT_CHANGE")


def test_every_refusal_has_a_family_so_none_gets_the_default() -> None:
    declared = subclasses(DomainError)

    assert {NotFound, StateConflict, InvalidRequest, ConcurrentChange, CaseNotFound} <= set(declared)
    assert REFUSALS.unmapped(declared) == []
