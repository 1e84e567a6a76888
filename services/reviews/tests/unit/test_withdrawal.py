"""Given/when/then for a withdrawn application (`ApplicationWithdrawn`): its undecided case closes as `withdrawn`, the
reviewers' assignments end, an examination in progress is cancelled; a decided case stays decided; once only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from endorsement_contracts import APPLICATIONS, Envelope, Person, decode, encode
from endorsement_contracts.events.applications import ApplicationWithdrawn
from reviews.application import Reviews, Submission
from reviews.config import Tenant, TenantCatalog
from reviews.domain import (
    CLOSED,
    Actor,
    Applicant,
    AssignmentStatus,
    CategoryRules,
    ReviewCase,
    Reviewer,
    ReviewPolicy,
    Status,
    review_case_id,
)
from reviews.domain import case_events as ev
from reviews.domain.errors import CaseNotOpen, ExamCancelled, NotAssigned, ScoringAssignmentNotFound
from reviews.domain.examination.aggregate import Examination, ExamStatus, examination_id_for
from reviews.domain.examination.attempt import ScoringStatus
from reviews.domain.lifecycle import ALLOWED, Action
from reviews.entrypoints.consumer import handlers
from reviews.translation import Translator
from servicekit.consumer import IdempotentConsumer, RejectedMessage

from .personal_data import FINGERPRINT, NO_HOLDINGS, on_roster, subject

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
APPLICANT = Applicant(uuid4(), "Ana Applicant", "ana@example.org")
ANA = Actor(APPLICANT.account_id, APPLICANT.name)
TWO_PARALLEL = ReviewPolicy(
    reviewers_per_case=2,
    sequential=False,
    coordinator_decides_directly=False,
    categories={"IFS": CategoryRules(rank=2), "IMHS": CategoryRules(rank=3), "IMHM-C": CategoryRules(rank=4)},
)
MIA = on_roster(Reviewer("mia@example.org", "Mia Mentor", "IMHM-C"))
SAM = on_roster(Reviewer("sam@example.org", "Sam Specialist", "IMHS"))
SITTING = date(2027, 3, 13)
BEFORE = datetime(2027, 1, 10, 18, tzinfo=UTC)
AFTER = datetime(2027, 3, 14, 18, tzinfo=UTC)


def a_case() -> ReviewCase:
    return ReviewCase.open(
        fingerprint=FINGERPRINT,
        tenant="itmhca",
        application_id=uuid4(),
        submission_number=1,
        applicant=APPLICANT,
        category="IFS",
        category_name="IFS",
        rule_set_version="v1",
        received_at=datetime(2025, 3, 1, 17, tzinfo=UTC),
    )


def new_event_names(case: ReviewCase) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


def withdrawn_event(application_id: UUID, submission_number: int = 1, *, tenant: str = "itmhca") -> Envelope:
    event = ApplicationWithdrawn(
        tenant=tenant,
        occurred_at=datetime.now(UTC),
        application_id=application_id,
        applicant=Person(account_id=APPLICANT.account_id, name=APPLICANT.name, email=APPLICANT.email),
        category="IFS",
        reason="Moving out of state",
        submission_number=submission_number,
    )
    record = encode(event, event_id=uuid4(), source="/services/applications")
    return decode(record.headers, record.value)


# The transition table ------------------------------------------------------------------------------


def test_withdrawn_is_terminal_and_every_undecided_status_may_close_as_withdrawn() -> None:
    assert Status.WITHDRAWN in CLOSED
    assert not any(Status.WITHDRAWN in statuses for statuses in ALLOWED.values())
    assert ALLOWED[Action.CLOSE_AS_WITHDRAWN] == set(Status) - {
        Status.APPROVED,
        Status.DEFERRED,
        Status.DENIED,
        Status.WITHDRAWN,
    }


# The case --------------------------------------------------------------------------------------------


def test_an_open_case_closes_as_withdrawn_with_the_applicants_reason_in_its_history() -> None:
    # given an open case
    case = a_case()
    case.collect_events()
    # when the applicant withdraws the application
    assert case.close_as_withdrawn(ANA, 1, "  Moving out of state ")
    # then the case is withdrawn, not decided, and admits nothing more
    assert (case.status, case.is_open, case.decided_by) == (Status.WITHDRAWN, False, None)
    assert case.withdrawal_reason == "Moving out of state"
    [withdrawn] = case.collect_events()
    assert isinstance(withdrawn, ev.Withdrawn)
    described = withdrawn.describe()
    assert (described.action, described.role, described.by) == ("withdrawn", "applicant", ANA)
    assert described.details == {"submission_number": "1", "reason": "Moving out of state"}
    with pytest.raises(CaseNotOpen):
        case.pass_completeness(COORDINATOR, TWO_PARALLEL)
    with pytest.raises(CaseNotOpen):
        case.approve(COORDINATOR, date(2025, 4, 1), None, date(2026, 12, 15))


def test_a_case_in_review_ends_its_reviewers_assignments_and_leaves_their_queues() -> None:
    # given a case in review with one reviewer who accepted and one still invited
    case = a_case()
    case.pass_completeness(COORDINATOR, TWO_PARALLEL)
    case.assign_reviewer(MIA, COORDINATOR, TWO_PARALLEL, FINGERPRINT)
    case.assign_reviewer(SAM, COORDINATOR, TWO_PARALLEL, FINGERPRINT)
    mia = Actor(uuid4(), MIA.name)
    case.answer_assignment(subject(MIA), mia, accept=True)
    case.collect_events()
    # when the application is withdrawn
    assert case.close_as_withdrawn(ANA, 1, "No longer in the field")
    # then both assignments end, and neither reviewer can act on (or see) the case any more
    [withdrawn] = case.collect_events()
    assert isinstance(withdrawn, ev.Withdrawn)
    assert sorted(r.email or "" for r in withdrawn.reviewers) == [MIA.email, SAM.email]
    assert withdrawn.describe().details["reviewers"] == "mia@example.org, sam@example.org"
    assert {e: a.status for e, a in case.assignments.items()} == {
        subject(MIA): AssignmentStatus.CLOSED,
        subject(SAM): AssignmentStatus.CLOSED,
    }
    assert case.live_assignments == []
    with pytest.raises(NotAssigned):
        case.assignment_of(subject(MIA))
    with pytest.raises(CaseNotOpen):
        case.answer_assignment(subject(SAM), Actor(uuid4(), SAM.name), accept=True)


def test_a_declined_assignment_stays_declined_and_is_not_listed_as_ended() -> None:
    case = a_case()
    case.pass_completeness(COORDINATOR, TWO_PARALLEL)
    case.assign_reviewer(MIA, COORDINATOR, TWO_PARALLEL, FINGERPRINT)
    case.answer_assignment(subject(MIA), Actor(uuid4(), MIA.name), accept=False)
    case.collect_events()
    assert case.close_as_withdrawn(ANA, 1, None)
    [withdrawn] = case.collect_events()
    assert isinstance(withdrawn, ev.Withdrawn)
    assert (withdrawn.reviewers, withdrawn.reason) == ([], None)
    assert case.assignments[subject(MIA)].status is AssignmentStatus.DECLINED


@pytest.mark.parametrize("decide", ["approve", "defer"])
def test_a_decided_case_stays_decided(decide: str) -> None:
    # given a decided case
    case = a_case()
    if decide == "approve":
        case.approve(COORDINATOR, date(2025, 4, 1), None, date(2026, 12, 15))
    else:
        case.defer(COORDINATOR, ["RSC short"], [], date(2025, 9, 1), today=date(2025, 4, 1), policy=ReviewPolicy())
    decided = case.status
    case.collect_events()
    # when the withdrawal arrives, then nothing is recorded and the decision stands
    assert not case.close_as_withdrawn(ANA, 1, "Too late")
    assert (case.status, new_event_names(case)) == (decided, [])


def test_a_repeated_withdrawal_records_nothing() -> None:
    case = a_case()
    assert case.close_as_withdrawn(ANA, 1, "Moving")
    case.collect_events()
    assert not case.close_as_withdrawn(ANA, 1, "Moving")
    assert new_event_names(case) == []


def test_a_case_waiting_for_the_applicant_closes_and_forgets_where_it_would_resume() -> None:
    case = a_case()
    case.return_incomplete(COORDINATOR, ["Transcript"])
    assert case.close_as_withdrawn(ANA, 1, None)
    assert (case.status, case.resume_status, case.is_waiting_for_applicant) == (Status.WITHDRAWN, None, False)


# The consumer's handler on the use cases --------------------------------------------------------------


@pytest.fixture
def consumer(reviews: Reviews, tenants: TenantCatalog) -> IdempotentConsumer:
    return IdempotentConsumer(reviews, group_id="reviews", handlers=handlers(reviews, tenants, holdings=NO_HOLDINGS))


def opened(reviews: Reviews, submission: Submission) -> ReviewCase:
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    return case


def process(consumer: IdempotentConsumer, envelope: Envelope, offset: int) -> str:
    return consumer.process(envelope, consumer.tracking_for(APPLICATIONS.name, 0, offset))


def test_a_withdrawal_delivered_twice_and_republished_closes_the_case_once(
    reviews: Reviews, consumer: IdempotentConsumer, submission: Submission
) -> None:
    # given an open case
    case = opened(reviews, submission)
    envelope = withdrawn_event(submission.application_id)
    # when the withdrawal is delivered, redelivered at the same offset and republished at a later one
    outcomes = [process(consumer, envelope, 3), process(consumer, envelope, 3), process(consumer, envelope, 8)]
    # then the case closed once, and every position is recorded
    assert outcomes == ["processed", "duplicate", "duplicate"]
    assert [type(e).__name__ for e in reviews.events.get(case.id)] == ["Opened", "Withdrawn"]
    assert reviews.get_case(case.id, "itmhca").status is Status.WITHDRAWN
    assert reviews.position(f"reviews/{APPLICATIONS.name}/0") == 9
    # and the withdrawal stays private: nothing new is published
    translate = Translator(reviews)
    stored = [reviews.mapper.to_domain_event(n) for n in reviews.process_recorder.select_notifications(1, 100)]
    assert [type(translate(e)).__name__ for e in stored] == ["ReviewOpened", "NoneType"]
    history = reviews.case_file(case.id, "itmhca").history
    assert [(h.action, h.by_role, h.details.get("reason")) for h in history] == [
        ("opened", "applicant", None),
        ("withdrawn", "applicant", "Moving out of state"),
    ]


@pytest.mark.parametrize("submission_number", [0, 1, 2])
def test_without_a_case_a_withdrawal_only_records_its_position(
    reviews: Reviews, consumer: IdempotentConsumer, submission_number: int
) -> None:
    # given no case for the application (withdrawn before submission, or the submission never arrived here)
    # when the withdrawal arrives, then nothing is saved but the position
    assert process(consumer, withdrawn_event(uuid4(), submission_number), 4) == "duplicate"
    assert reviews.process_recorder.select_notifications(start=1, limit=10) == []
    assert reviews.position(f"reviews/{APPLICATIONS.name}/0") == 5


def test_the_latest_case_of_the_application_is_the_one_withdrawn(
    reviews: Reviews, consumer: IdempotentConsumer, submission: Submission, itmhca: Tenant
) -> None:
    # given a deferred first case and the case of the resubmission after the deferral, in review
    first = opened(reviews, submission)
    reviews.decisions.defer(
        first.id,
        tenant=itmhca,
        by=COORDINATOR,
        reasons=["RSC short"],
        recommendations=[],
        earliest_rereview_on=date(2025, 6, 1),
        now=datetime(2025, 1, 10, 18, tzinfo=UTC),
    )
    second = opened(reviews, replace(submission, submission_number=2))
    reviews.intake.pass_completeness(second.id, tenant=itmhca, by=COORDINATOR)
    # when the application is withdrawn (a third submission, never sent to review, is what it names)
    assert process(consumer, withdrawn_event(submission.application_id, 3), 1) == "processed"
    # then the resubmission's case closes; the deferral stands
    assert reviews.get_case(second.id, "itmhca").status is Status.WITHDRAWN
    assert reviews.get_case(first.id, "itmhca").status is Status.DEFERRED
    assert second.id == review_case_id(submission.application_id, 2)


def test_a_withdrawal_of_another_associations_application_changes_nothing_and_unknown_tenants_are_refused(
    reviews: Reviews, tenants: TenantCatalog, submission: Submission
) -> None:
    case = opened(reviews, submission)
    handle = handlers(reviews, tenants, holdings=NO_HOLDINGS)[ApplicationWithdrawn]
    with pytest.raises(RejectedMessage, match="unknown tenant 'nowhere'"):
        handle(withdrawn_event(submission.application_id, tenant="nowhere"))
    assert reviews.get_case(case.id, "itmhca").status is Status.OPEN


# The examination -----------------------------------------------------------------------------------


@pytest.fixture
def mentor(reviews: Reviews, submission: Submission, itmhca: Tenant) -> ReviewCase:
    """An IMHM-C case approved for the exam, its examinee registered for the March sitting, part 1 recorded and
    the vignettes with two scorers."""
    case = opened(
        reviews, replace(submission, applicant=APPLICANT, category="IMHM-C", category_name="Mentor - Clinical")
    )
    reviews.decisions.approve_for_exam(case.id, tenant=itmhca, by=COORDINATOR, now=datetime.now(UTC))
    exam_id = examination_id_for(case.id)
    reviews.examinations.register_for_exam(
        exam_id, tenant=itmhca, by=ANA, applicant_id=APPLICANT.account_id, sitting_on=SITTING, now=BEFORE
    )
    reviews.examinations.record_part1(exam_id, tenant=itmhca, by=COORDINATOR, percent=85, now=AFTER)
    reviews.examinations.open_scoring(
        exam_id,
        tenant=itmhca,
        by=COORDINATOR,
        scorer_emails=["scorer.one@itmhca.example", "scorer.two@itmhca.example"],
        responses_ref="QM-2027-03-0042",
        vignettes=2,
        now=AFTER,
    )
    return case


def test_an_examination_in_progress_is_cancelled_with_the_case(
    reviews: Reviews, consumer: IdempotentConsumer, mentor: ReviewCase, itmhca: Tenant
) -> None:
    exam_id = examination_id_for(mentor.id)
    before = reviews.examinations.get_examination(exam_id, "itmhca")
    assert before.current is not None
    [assignment_id, _] = before.current.assignments
    # when the application is withdrawn while its vignettes are with the scorers
    assert process(consumer, withdrawn_event(mentor.application_id), 1) == "processed"
    # then the case is withdrawn and its examination cancelled in the same save, with the registration ended
    assert reviews.get_case(mentor.id, "itmhca").status is Status.WITHDRAWN
    exam = reviews.examinations.get_examination(exam_id, "itmhca")
    assert (exam.status, exam.current, exam.record.attempts) == (ExamStatus.CANCELLED, None, 0)
    assert {a.status for a in exam.withdrawn[-1].assignments.values()} == {ScoringStatus.CLOSED}
    assert exam.open_sittings(date(2027, 1, 1), itmhca.policy.exam) == []
    assert [e.action for e in reviews.examinations.examination_file(exam_id, "itmhca").history][-1] == "exam_cancelled"
    # and it admits nothing more: not the examinee, not the coordinator, not the scorers
    with pytest.raises(ExamCancelled):
        reviews.examinations.register_for_exam(
            exam_id, tenant=itmhca, by=ANA, applicant_id=APPLICANT.account_id, sitting_on=SITTING, now=BEFORE
        )
    with pytest.raises(ExamCancelled):
        reviews.examinations.reconcile_part2(exam_id, tenant=itmhca, by=COORDINATOR, verdicts=[True, True], now=AFTER)
    with pytest.raises(ExamCancelled):
        reviews.examinations.send_exam_feedback(exam_id, tenant=itmhca, by=COORDINATOR, text="Well done")
    with pytest.raises(ScoringAssignmentNotFound):
        reviews.examinations.submit_score(
            exam_id,
            assignment_id,
            tenant=itmhca,
            by=Actor(uuid4(), "One"),
            scorer_email="scorer.one@itmhca.example",
            verdicts=[True, True],
            now=AFTER,
        )
    with pytest.raises(CaseNotOpen):
        reviews.decisions.record_exam_result(
            mentor.id, tenant=itmhca, by=COORDINATOR, taken_on=SITTING, part1_percent=85, part2_passed=True, now=AFTER
        )


def test_a_passed_examination_is_not_cancelled() -> None:
    # given an examination every part of which was passed
    case = a_case()
    exam: Any = Examination.for_case(case, COORDINATOR, FINGERPRINT)
    exam.record.parts_passed = {1, 2}
    # when the application is withdrawn, then there is nothing to cancel
    assert not exam.cancel(ANA)
    assert exam.status is ExamStatus.PASSED
    assert [type(e).__name__ for e in exam.collect_events()] == ["Opened"]
