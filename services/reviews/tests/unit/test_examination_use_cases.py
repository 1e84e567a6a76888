"""Given/when/then for the exam use cases on the in-memory store and ITMHCA's shipped data: the examination opens
with the approval for the exam, concluded attempts land on the case in the same transaction, and what is published."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import endorsement_contracts.events as contract
import pytest
from reviews.application import Reviews, Submission
from reviews.config import Tenant
from reviews.domain import Actor, ReviewCase, Status
from reviews.domain.errors import (
    AlreadyRegistered,
    CaseStatusConflict,
    ExamAttemptOpen,
    ExaminationNotFound,
    PartAlreadyRecorded,
    ScoreAlreadySubmitted,
    ScorerNotEligible,
    ScorerNotFound,
)
from reviews.domain.examination.aggregate import Examination, ExamStatus, examination_id_for
from reviews.translation import Translator

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
ONE, TWO = "scorer.one@itmhca.example", "scorer.two@itmhca.example"
SITTING = date(2027, 3, 13)
BEFORE = datetime(2027, 1, 10, 18, tzinfo=UTC)
AFTER = datetime(2027, 3, 14, 18, tzinfo=UTC)


@pytest.fixture
def mentor(reviews: Reviews, submission: Submission, itmhca: Tenant) -> ReviewCase:
    """An IMHM-C case approved for the exam."""
    case = reviews.intake.case_for(replace(submission, category="IMHM-C", category_name="Mentor - Clinical"))
    assert case is not None
    reviews.save(case)
    reviews.decisions.approve_for_exam(case.id, tenant=itmhca, by=COORDINATOR, now=datetime.now(UTC))
    return case


def examinee(case: ReviewCase) -> Actor:
    return Actor(case.applicant.account_id, case.applicant.name)


def published(reviews: Reviews) -> list[Any]:
    translate = Translator(reviews)
    events = [reviews.mapper.to_domain_event(n) for n in reviews.process_recorder.select_notifications(1, 1000)]
    return [e for e in (translate(event) for event in events) if e is not None]


def sat(reviews: Reviews, case: ReviewCase, itmhca: Tenant) -> Examination:
    """Registered by the examinee, part 1 recorded at 85%, the vignettes with the two scorers."""
    exam_id = examination_id_for(case.id)
    reviews.examinations.register_for_exam(
        exam_id,
        tenant=itmhca,
        by=examinee(case),
        applicant_id=case.applicant.account_id,
        sitting_on=SITTING,
        accommodations="Screen reader",
        now=BEFORE,
    )
    reviews.examinations.record_part1(exam_id, tenant=itmhca, by=COORDINATOR, percent=85, now=AFTER)
    reviews.examinations.open_scoring(
        exam_id,
        tenant=itmhca,
        by=COORDINATOR,
        scorer_emails=[ONE, TWO.upper()],
        responses_ref="QM-2027-03-0042",
        vignettes=2,
        now=AFTER,
    )
    return reviews.examinations.get_examination(exam_id, itmhca.slug)


def assignment_of(exam: Examination, email: str) -> Any:
    assert exam.current is not None
    return next(a for a in exam.current.assignments.values() if a.scorer_email == email)


def test_approving_for_the_exam_opens_the_examination_in_the_same_transaction(
    reviews: Reviews, mentor: ReviewCase, itmhca: Tenant
) -> None:
    exam = reviews.examinations.get_examination(examination_id_for(mentor.id), itmhca.slug)
    assert (exam.review_case_id, exam.status, exam.applicant) == (
        mentor.id,
        ExamStatus.AWAITING_REGISTRATION,
        mentor.applicant,
    )
    assert next(s.sitting.on for s in exam.open_sittings(date(2027, 1, 10), itmhca.policy.exam)) == SITTING
    with pytest.raises(CaseStatusConflict):  # approving for the exam twice opens nothing twice
        reviews.decisions.approve_for_exam(mentor.id, tenant=itmhca, by=COORDINATOR, now=datetime.now(UTC))
    with pytest.raises(ExaminationNotFound):
        reviews.examinations.get_examination(exam.id, "other-assoc")
    with pytest.raises(ExaminationNotFound):
        reviews.examinations.get_examination(mentor.id, itmhca.slug)  # a case is no examination


def test_an_examinee_acts_on_their_own_examination_only(reviews: Reviews, mentor: ReviewCase, itmhca: Tenant) -> None:
    exam_id = examination_id_for(mentor.id)
    with pytest.raises(ExaminationNotFound):
        reviews.examinations.register_for_exam(
            exam_id, tenant=itmhca, by=COORDINATOR, applicant_id=uuid4(), sitting_on=SITTING, now=BEFORE
        )
    reviews.examinations.register_for_exam(
        exam_id,
        tenant=itmhca,
        by=examinee(mentor),
        applicant_id=mentor.applicant.account_id,
        sitting_on=SITTING,
        now=BEFORE,
    )
    with pytest.raises(AlreadyRegistered):  # a repeated request changes nothing
        reviews.examinations.register_for_exam(
            exam_id, tenant=itmhca, by=COORDINATOR, applicant_id=None, sitting_on=SITTING, now=BEFORE
        )
    assert reviews.examinations.get_examination(exam_id, itmhca.slug).version == 2


def test_the_scorers_agreement_completes_the_attempt_and_makes_the_case_approvable(
    reviews: Reviews, mentor: ReviewCase, itmhca: Tenant
) -> None:
    # given an examinee who sat both parts, part 1 recorded and the vignettes with two scorers
    exam = sat(reviews, mentor, itmhca)
    with pytest.raises(ScorerNotFound):
        reviews.examinations.assign_scorer(exam.id, tenant=itmhca, by=COORDINATOR, scorer_email="nobody@example.org",
                                           now=AFTER)
    with pytest.raises(PartAlreadyRecorded):
        reviews.examinations.record_part1(exam.id, tenant=itmhca, by=COORDINATOR, percent=90, now=AFTER)
    one, two = assignment_of(exam, ONE), assignment_of(exam, TWO)
    # when both scorers pass both vignettes
    reviews.examinations.submit_score(
        exam.id,
        one.id,
        tenant=itmhca,
        by=Actor(uuid4(), "Scorer One"),
        scorer_email=ONE,
        verdicts=[True, True],
        now=AFTER,
    )
    assert reviews.get_case(mentor.id, itmhca.slug).status is Status.APPROVED_FOR_EXAM
    view = reviews.examinations.submit_score(
        exam.id,
        two.id,
        tenant=itmhca,
        by=Actor(uuid4(), "Scorer Two"),
        scorer_email=TWO,
        verdicts=[True, True],
        comments="Thoughtful",
        now=AFTER,
    )
    assert (view.assignment.status, view.attempt.candidate_number) == ("scored", exam.current.candidate_number)
    # then the case records the attempt, by the coordinator who handed out the vignettes, and can be approved
    case = reviews.get_case(mentor.id, itmhca.slug)
    assert (case.status, case.exam.attempts, case.exam.parts_passed) == (Status.EXAM_PASSED, 1, {1, 2})
    history = reviews.case_file(mentor.id, itmhca.slug).history
    assert (history[-1].action, history[-1].by_account_id) == ("exam_scored", COORDINATOR.account_id)
    with pytest.raises(ScoreAlreadySubmitted):  # a repeated submission changes nothing
        reviews.examinations.submit_score(
            exam.id, two.id, tenant=itmhca, by=COORDINATOR, scorer_email=TWO, verdicts=[True, False], now=AFTER
        )
    reviews.decisions.approve(mentor.id, tenant=itmhca, by=COORDINATOR, now=AFTER)
    events = published(reviews)
    assert [type(e).__name__ for e in events] == [
        "ReviewOpened",
        "ApprovedForExam",
        "ExamRegistered",
        "ExamScored",
        "EndorsementGranted",
    ]
    registered, scored = events[2], events[3]
    assert isinstance(registered, contract.ExamRegistered) and isinstance(scored, contract.ExamScored)
    assert (registered.key, registered.sitting, registered.parts, registered.attempt) == (
        str(mentor.application_id),
        SITTING,
        [1, 2],
        1,
    )
    assert (registered.retake, registered.accommodations_requested) == (False, True)
    assert (registered.registered_by_role, registered.registered_by) == ("applicant", None)  # their account is them
    assert "Screen reader" not in registered.model_dump_json()
    assert not {"applicant", "candidate_number"} & set(contract.ExamRegistered.model_fields)
    assert (scored.taken_on, scored.part1_percent, scored.passed, scored.recorded_by) == (
        SITTING,
        85,
        True,
        COORDINATOR.account_id,
    )


def test_the_case_records_a_failed_attempt_and_the_examination_keeps_its_retake_rules(
    reviews: Reviews, mentor: ReviewCase, itmhca: Tenant
) -> None:
    exam = sat(reviews, mentor, itmhca)
    for email, verdicts in ((ONE, [True, False]), (TWO, [True, True])):
        reviews.examinations.submit_score(
            exam.id,
            assignment_of(exam, email).id,
            tenant=itmhca,
            by=COORDINATOR,
            scorer_email=email,
            verdicts=verdicts,
            now=AFTER,
        )
    escalated = reviews.examinations.get_examination(exam.id, itmhca.slug)
    assert escalated.status is ExamStatus.ESCALATED
    assert reviews.get_case(mentor.id, itmhca.slug).exam.attempts == 0  # nothing concluded yet
    reviews.examinations.reconcile_part2(
        exam.id, tenant=itmhca, by=COORDINATOR, verdicts=[True, False], note="Vignette 2", now=AFTER
    )
    case = reviews.get_case(mentor.id, itmhca.slug)
    assert (case.status, case.exam.parts_passed, case.exam.retake_eligible_on) == (
        Status.APPROVED_FOR_EXAM,
        {1},
        date(2028, 3, 13),
    )
    reviews.examinations.send_exam_feedback(exam.id, tenant=itmhca, by=COORDINATOR,
                                            text="Part 1 passed; retake part 2.")
    exam_file = reviews.examinations.examination_file(exam.id, itmhca.slug)
    assert exam_file.examination.attempts[0].feedback == "Part 1 passed; retake part 2."
    assert [h.action for h in exam_file.history] == [
        "exam_opened",
        "exam_registered",
        "exam_part1_recorded",
        "exam_scoring_opened",
        "exam_scorer_assigned",
        "exam_scorer_assigned",
        "exam_scored_by_scorer",
        "exam_scored_by_scorer",
        "exam_scores_disagreed",
        "exam_part2_reconciled",
        "exam_attempt_concluded",
        "exam_feedback_sent",
    ]
    scored = [e for e in published(reviews) if isinstance(e, contract.ExamScored)]
    assert [(e.part1_passed, e.part2_passed, e.passed, e.retake_eligible_on) for e in scored] == [
        (True, False, False, date(2028, 3, 13))
    ]


def test_the_case_exam_results_route_is_the_coordinators_override_kept_by_the_examination(
    reviews: Reviews, mentor: ReviewCase, itmhca: Tenant
) -> None:
    exam_id = examination_id_for(mentor.id)
    # while an attempt is registered the override is refused, and nothing is saved
    reviews.examinations.register_for_exam(exam_id, tenant=itmhca, by=COORDINATOR, applicant_id=None,
                                           sitting_on=SITTING, now=BEFORE)
    with pytest.raises(ExamAttemptOpen):
        reviews.decisions.record_exam_result(
            mentor.id, tenant=itmhca, by=COORDINATOR, taken_on=SITTING, part1_percent=90, part2_passed=True, now=AFTER
        )
    assert reviews.get_case(mentor.id, itmhca.slug).exam.attempts == 0
    reviews.examinations.withdraw_exam_registration(exam_id, tenant=itmhca, by=COORDINATOR, applicant_id=None,
                                                    now=BEFORE)
    # otherwise it records an attempt reconciled outside the service on both
    reviews.decisions.record_exam_result(
        mentor.id, tenant=itmhca, by=COORDINATOR, taken_on=SITTING, part1_percent=90, part2_passed=True, now=AFTER
    )
    exam = reviews.examinations.get_examination(exam_id, itmhca.slug)
    assert (exam.status, exam.attempts[0].reconciled_by) == (ExamStatus.PASSED, "direct")
    assert reviews.get_case(mentor.id, itmhca.slug).status is Status.EXAM_PASSED


def test_a_case_approved_before_examinations_existed_keeps_the_plain_override(
    reviews: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    case = reviews.intake.case_for(replace(submission, category="IMHM-C", category_name="Mentor - Clinical"))
    assert case is not None
    case.approve_for_exam(COORDINATOR, itmhca.policy)
    reviews.save(case)  # as the service did before: no examination
    reviews.decisions.record_exam_result(
        case.id, tenant=itmhca, by=COORDINATOR, taken_on=SITTING, part1_percent=80, part2_passed=True, now=AFTER
    )
    assert reviews.get_case(case.id, itmhca.slug).status is Status.EXAM_PASSED
    assert examination_id_for(case.id) not in reviews.repository


def test_a_scorer_erased_by_address_keeps_their_assignment_and_may_still_score_but_is_named_nowhere(
    reviews: Reviews, mentor: ReviewCase, itmhca: Tenant
) -> None:
    # given the vignettes with two scorers
    exam = sat(reviews, mentor, itmhca)
    one = assignment_of(exam, ONE)
    subject = reviews.address_subject(itmhca.slug, ONE)
    assert (one.scorer_subject, one.scorer_name) == (subject, "ITMHCA Volunteer Exam Scorer (One)")
    # when the subject an erasure of the first scorer's address names is erased
    reviews.save(*reviews.erasure.erase(erasure_id=uuid4(), tenant=itmhca.slug, subject=subject, endorsement_ids=[],
                                today=AFTER.date(), now=AFTER))
    # then the examination still loads with that assignment, under the same subject, without address or name
    exam = reviews.examinations.get_examination(exam.id, itmhca.slug)
    assert exam.current is not None
    erased = exam.current.assignments[one.id]
    assert (erased.scorer_subject, erased.scorer_email, erased.scorer_name) == (subject, None, None)
    assert all("scorer" not in entry.details or entry.details["scorer"] == TWO
               for entry in reviews.examinations.examination_file(exam.id, itmhca.slug).history)
    # and the scorer, found by the subject of their token's address, still scores
    view = reviews.examinations.submit_score(exam.id, one.id, tenant=itmhca, by=Actor(uuid4(), None), scorer_email=ONE,
                                             verdicts=[True, True], now=AFTER)
    assert view.assignment.verdicts == (True, True)
    # but is not assigned anew while still on the roster
    with pytest.raises(ScorerNotEligible, match="erased"):
        reviews.examinations.assign_scorer(exam.id, tenant=itmhca, by=COORDINATOR, scorer_email=ONE, now=AFTER)
