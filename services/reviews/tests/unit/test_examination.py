"""Given/when/then for the Examination: registration windows and retakes, accommodations, part results, blind
scoring by two scorers, reconciliation, feedback, and the coordinator's override."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from reviews.domain import Actor, Applicant, CategoryRules, Period, ReviewCase, Reviewer, ReviewPolicy
from reviews.domain.errors import (
    AccommodationsAlreadyRequested,
    AccommodationsNotPending,
    AccommodationsTooLate,
    AlreadyRegistered,
    ExamAlreadyPassed,
    ExamAttemptOpen,
    FeedbackAlreadySent,
    InvalidExamResult,
    InvalidFeedback,
    InvalidResponsesReference,
    InvalidScore,
    NoResultYet,
    NotRegistered,
    PartAlreadyRecorded,
    PartNotInAttempt,
    RegistrationClosed,
    RetakeNoticeTooShort,
    RetakeTooEarly,
    ScoreAlreadySubmitted,
    ScorerAlreadyAssigned,
    ScorerConflicted,
    ScorerNotEligible,
    ScorerSlotsFull,
    ScorersNotDistinct,
    ScoresNotInDispute,
    ScoringAlreadyOpen,
    ScoringAssignmentNotFound,
    ScoringClosed,
    SittingNotHeld,
    UnknownSitting,
    WithdrawalTooLate,
)
from reviews.domain.examination import events as ev
from reviews.domain.examination.aggregate import Examination, ExamStatus, examination_id_for
from reviews.domain.examination.attempt import ScoringStatus, new_candidate_number
from reviews.domain.examination.rules import ExaminationRules, Sitting, add_months

from .personal_data import FINGERPRINT, on_roster, subject

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
OTHER_COORDINATOR = Actor(uuid4(), "Otto Coordinator")
EXAMINEE = Actor(uuid4(), "Ana Applicant")
FIRST_SITTING = date(2027, 3, 13)
RETAKE_TOO_EARLY, RETAKE_SITTING = date(2028, 3, 12), date(2028, 3, 13)  # one year after: the 13th


def scorer(email: str, **changes: Any) -> Reviewer:
    data: dict[str, Any] = {
        "name": email.partition("@")[0].title(),
        "category": "IMHM-C",
        "employer": f"{email.partition('@')[0]} clinic",
        **changes,
    }
    return on_roster(Reviewer(email, **data))


ONE, TWO, THREE = scorer("one@scorers.example"), scorer("two@scorers.example"), scorer("three@scorers.example")
RULES = ExaminationRules(
    sittings=tuple(Sitting(on, on - timedelta(weeks=4)) for on in (FIRST_SITTING, RETAKE_TOO_EARLY, RETAKE_SITTING))
)
POLICY = ReviewPolicy(
    categories={"IFS": CategoryRules(rank=2), "IMHM-C": CategoryRules(rank=4, exam_required=(Period(),))},
    exam=RULES,
)
SCORING: dict[str, Any] = {"policy": POLICY, "fingerprint": FINGERPRINT}
"""What scoring commands take: the rules, and the conflict fingerprints."""
BEFORE_CLOSE, ON_THE_DAY = date(2027, 1, 10), FIRST_SITTING


def an_examination(
    *,
    employer: str | None = "Sunrise Clinic",
    related: tuple[str, ...] = ("rater@example.org",),
    applicant: Applicant | None = None,
) -> Examination:
    case = ReviewCase.open(
        fingerprint=FINGERPRINT,
        tenant="itmhca",
        application_id=uuid4(),
        submission_number=1,
        applicant=applicant or Applicant(EXAMINEE.account_id, "Ana Applicant", "ana@example.org"),
        category="IMHM-C",
        category_name="Mentor - Clinical",
        rule_set_version="v1",
        received_at=datetime(2026, 6, 1, tzinfo=UTC),
        employer=employer,
        related_emails=related,
    )
    case.approve_for_exam(COORDINATOR, POLICY)
    return Examination.for_case(case, COORDINATOR, FINGERPRINT)


def registered(**kwargs: Any) -> Examination:
    exam = an_examination(**kwargs)
    exam.register(EXAMINEE, "applicant", FIRST_SITTING, today=BEFORE_CLOSE, rules=RULES)
    return exam


def scoring(exam: Examination, *scorers: Reviewer, vignettes: int = 2) -> list[Any]:
    """Open the scoring with `scorers` (default: ONE and TWO); their assignments, in slot order."""
    exam.open_scoring(
        COORDINATOR,
        list(scorers or (ONE, TWO)),
        responses_ref="QM-2027-03-RESP-88412",
        vignettes=vignettes,
        today=ON_THE_DAY,
        **SCORING,
    )
    assert exam.current is not None
    return sorted(exam.current.assignments.values(), key=lambda a: a.slot)


def score(exam: Examination, assignment: Any, *verdicts: bool) -> Any:
    who = Actor(uuid4(), assignment.scorer_name)
    return exam.submit_score(
        who, assignment.id, assignment.scorer_subject, verdicts, comments="Clear reasoning", today=ON_THE_DAY,
        rules=RULES,
    )


def names(exam: Examination) -> list[str]:
    return [type(e).__name__ for e in exam.collect_events()]


def test_a_case_approved_for_the_exam_opens_one_examination_with_every_part_outstanding() -> None:
    exam = an_examination()
    assert exam.id == examination_id_for(exam.review_case_id)
    assert (exam.status, exam.outstanding_parts, exam.record.attempts) == (ExamStatus.AWAITING_REGISTRATION, [1, 2], 0)
    assert [s.sitting.on for s in exam.open_sittings(BEFORE_CLOSE, RULES)] == [
        FIRST_SITTING,
        RETAKE_TOO_EARLY,
        RETAKE_SITTING,
    ]


# Registration --------------------------------------------------------------------------------------


def test_a_first_registration_is_open_until_the_sitting_closes_and_covers_both_parts() -> None:
    closes = FIRST_SITTING - timedelta(weeks=4)
    late = an_examination()
    with pytest.raises(RegistrationClosed):
        late.register(EXAMINEE, "applicant", FIRST_SITTING, today=closes + timedelta(days=1), rules=RULES)
    with pytest.raises(UnknownSitting):
        late.register(EXAMINEE, "applicant", FIRST_SITTING + timedelta(days=1), today=closes, rules=RULES)
    assert names(late) == ["Opened"]
    exam = an_examination()
    exam.register(EXAMINEE, "applicant", FIRST_SITTING, today=closes, rules=RULES)
    assert exam.current is not None
    assert (exam.status, exam.current.parts, exam.current.retake) == (ExamStatus.REGISTERED, (1, 2), False)
    assert exam.open_sittings(closes, RULES) == []  # registered: nothing more to register for


def test_registering_twice_is_refused_and_changes_nothing() -> None:
    exam = registered()
    version = exam.version
    with pytest.raises(AlreadyRegistered):
        exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=BEFORE_CLOSE, rules=RULES)
    assert exam.version == version


def test_the_candidate_number_is_random_and_says_nothing_about_the_examinee() -> None:
    first, second = registered(), registered()
    numbers = {e.current.candidate_number for e in (first, second) if e.current}
    assert len(numbers) == 2
    for number in numbers:
        assert re.fullmatch(r"C-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", number or "")
    assert len({new_candidate_number() for _ in range(200)}) == 200


def test_a_registration_is_withdrawn_before_the_sitting_and_counts_no_attempt() -> None:
    exam = registered()
    with pytest.raises(WithdrawalTooLate):
        exam.withdraw_registration(EXAMINEE, "applicant", today=FIRST_SITTING)
    exam.withdraw_registration(EXAMINEE, "applicant", today=FIRST_SITTING - timedelta(days=1), reason="Ill")
    assert (exam.status, exam.current, exam.record.attempts) == (ExamStatus.AWAITING_REGISTRATION, None, 0)
    with pytest.raises(NotRegistered):
        exam.withdraw_registration(EXAMINEE, "applicant", today=BEFORE_CLOSE)
    exam.register(COORDINATOR, "coordinator", RETAKE_SITTING, today=BEFORE_CLOSE, rules=RULES)
    assert exam.current is not None and (exam.current.number, exam.current.retake) == (1, False)


# Accommodations ------------------------------------------------------------------------------------


def test_accommodations_are_requested_at_least_two_weeks_ahead_and_decided_once() -> None:
    exam = registered()
    with pytest.raises(AccommodationsTooLate):
        exam.request_accommodations(
            EXAMINEE, "applicant", "Screen reader", today=FIRST_SITTING - timedelta(days=13), rules=RULES
        )
    with pytest.raises(AccommodationsNotPending):
        exam.decide_accommodations(COORDINATOR, granted=True)
    exam.request_accommodations(
        EXAMINEE, "applicant", " Screen reader ", today=FIRST_SITTING - timedelta(days=14), rules=RULES
    )
    with pytest.raises(AccommodationsAlreadyRequested):
        exam.request_accommodations(EXAMINEE, "applicant", "More time", today=BEFORE_CLOSE, rules=RULES)
    exam.decide_accommodations(COORDINATOR, granted=True, note="Extra 30 minutes approved by the Alliance")
    assert exam.current is not None and exam.current.accommodations is not None
    assert (exam.current.accommodations.details, exam.current.accommodations.status) == ("Screen reader", "granted")
    with pytest.raises(AccommodationsNotPending):
        exam.decide_accommodations(COORDINATOR, granted=False)


def test_accommodations_may_come_with_the_registration() -> None:
    exam = an_examination()
    exam.register(EXAMINEE, "applicant", FIRST_SITTING, today=BEFORE_CLOSE, rules=RULES, accommodations="Large print")
    [registration] = [e for e in exam.collect_events() if isinstance(e, ev.Registered)]
    assert registration.accommodations == "Large print"


# Part 1 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("percent", "passed"), [(80, True), (79, False), (100, True), (0, False)])
def test_part_1_passes_at_80_percent(percent: int, passed: bool) -> None:
    exam = registered()
    exam.record_part1(COORDINATOR, percent, today=ON_THE_DAY, rules=RULES)
    assert exam.current is not None and exam.current.part1_passed is passed
    assert exam.current.pending_parts == [2]  # the attempt waits for part 2


def test_part_1_is_recorded_once_after_the_sitting_as_a_percentage() -> None:
    exam = registered()
    with pytest.raises(SittingNotHeld):
        exam.record_part1(COORDINATOR, 90, today=ON_THE_DAY - timedelta(days=1), rules=RULES)
    with pytest.raises(InvalidExamResult):
        exam.record_part1(COORDINATOR, 101, today=ON_THE_DAY, rules=RULES)
    exam.record_part1(COORDINATOR, 90, today=ON_THE_DAY, rules=RULES)
    with pytest.raises(PartAlreadyRecorded):
        exam.record_part1(COORDINATOR, 95, today=ON_THE_DAY, rules=RULES)
    with pytest.raises(NotRegistered):
        an_examination().record_part1(COORDINATOR, 90, today=ON_THE_DAY, rules=RULES)


# Blind scoring -------------------------------------------------------------------------------------


def test_two_distinct_scorers_score_after_the_sitting() -> None:
    exam = registered()
    with pytest.raises(SittingNotHeld):
        exam.open_scoring(
            COORDINATOR,
            [ONE, TWO],
            responses_ref="R-1",
            vignettes=2,
            today=ON_THE_DAY - timedelta(days=1),
            **SCORING,
        )
    for same in ([ONE, ONE], [ONE, scorer("ONE@Scorers.example")], [ONE]):
        with pytest.raises(ScorersNotDistinct):
            exam.open_scoring(COORDINATOR, same, responses_ref="R-1", vignettes=2, today=ON_THE_DAY, **SCORING)
    with pytest.raises(InvalidScore):
        exam.open_scoring(COORDINATOR, [ONE, TWO], responses_ref="R-1", vignettes=4, today=ON_THE_DAY, **SCORING)
    assert names(exam) == ["Opened", "Registered"]  # nothing half-written
    first, second = scoring(exam)
    assert [(a.scorer_email, a.slot, a.status) for a in (first, second)] == [
        ("one@scorers.example", 1, "assigned"),
        ("two@scorers.example", 2, "assigned"),
    ]
    assert first.due_on == ON_THE_DAY + timedelta(days=RULES.scoring_days)
    with pytest.raises(ScoringAlreadyOpen):
        scoring(exam, THREE, scorer("four@scorers.example"))


@pytest.mark.parametrize(
    ("candidate", "why"),
    [
        (scorer("ana@example.org"), "the examinee"),
        (scorer("rater@example.org"), "a rater"),
        (scorer("x@scorers.example", employer="  sunrise   CLINIC "), "the same employer"),
        (scorer("y@scorers.example", declared_conflicts=frozenset({"Ana@Example.org"})), "a declared conflict"),
    ],
)
def test_a_conflicted_scorer_is_refused(candidate: Reviewer, why: str) -> None:
    exam = registered()
    with pytest.raises(ScorerConflicted):
        exam.open_scoring(
            COORDINATOR, [candidate, TWO], responses_ref="R-1", vignettes=2, today=ON_THE_DAY, **SCORING
        )
    assert names(exam) == ["Opened", "Registered"], why


@pytest.mark.parametrize(
    "candidate",
    [
        scorer("untrained@scorers.example", trained=False),
        scorer("resting@scorers.example", active=False),
        scorer("junior@scorers.example", category="IFS"),
        scorer("unknown@scorers.example", category="XYZ"),
    ],
)
def test_an_ineligible_scorer_is_refused(candidate: Reviewer) -> None:
    exam = registered()
    with pytest.raises(ScorerNotEligible):
        exam.open_scoring(
            COORDINATOR, [ONE, candidate], responses_ref="R-1", vignettes=2, today=ON_THE_DAY, **SCORING
        )


@pytest.mark.parametrize("reference", ["QM ana@example.org", "Applicant-Ana-2027", "{application}", " ", "x" * 201])
def test_the_responses_reference_must_not_identify_the_examinee(reference: str) -> None:
    exam = registered()
    with pytest.raises(InvalidResponsesReference):
        exam.open_scoring(
            COORDINATOR,
            [ONE, TWO],
            responses_ref=reference.format(application=exam.application_id),
            vignettes=2,
            today=ON_THE_DAY,
            **SCORING,
        )
    # names are matched as words: a reference that merely contains the letters is fine
    exam.open_scoring(
        COORDINATOR, [ONE, TWO], responses_ref="QM-BANANA-7", vignettes=2, today=ON_THE_DAY, **SCORING
    )


def test_scorers_who_agree_reconcile_part_2_and_with_part_1_conclude_the_attempt() -> None:
    exam = registered()
    first, second = scoring(exam)
    exam.record_part1(OTHER_COORDINATOR, 85, today=ON_THE_DAY, rules=RULES)
    assert score(exam, first, True, True) is None
    concluded = score(exam, second, True, True)
    assert concluded is not None
    assert (concluded.taken_on, concluded.part1_percent, concluded.part2_passed, concluded.passed) == (
        FIRST_SITTING,
        85,
        True,
        True,
    )
    assert concluded.by == COORDINATOR  # who handed out the vignettes; a scorer is never linked to the examinee
    assert (exam.status, exam.record.parts_passed, exam.current) == (ExamStatus.PASSED, {1, 2}, None)
    [attempt] = exam.attempts
    assert (attempt.reconciled_by, attempt.part2_verdicts, attempt.passed) == ("agreement", (True, True), True)
    assert names(exam)[-3:] == ["ScoreSubmitted", "Part2Reconciled", "AttemptConcluded"]
    with pytest.raises(ExamAlreadyPassed):
        exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=BEFORE_CLOSE, rules=RULES)


def test_each_scorer_scores_every_response_once_and_only_their_own() -> None:
    exam = registered()
    first, second = scoring(exam, vignettes=3)
    with pytest.raises(InvalidScore):
        score(exam, first, True, True)
    with pytest.raises(ScoringAssignmentNotFound):  # someone else's assignment does not exist for them
        exam.submit_score(
            EXAMINEE, first.id, second.scorer_subject, [True] * 3, comments=None, today=ON_THE_DAY, rules=RULES
        )
    score(exam, first, True, False, True)
    version = exam.version
    with pytest.raises(ScoreAlreadySubmitted):
        score(exam, first, True, True, True)
    assert exam.version == version


def test_a_disagreement_escalates_and_the_coordinator_reconciles() -> None:
    exam = registered()
    first, second = scoring(exam)
    with pytest.raises(ScoresNotInDispute):
        exam.reconcile(COORDINATOR, [True, True], note=None, today=ON_THE_DAY, rules=RULES)
    score(exam, first, True, True)
    assert score(exam, second, True, False) is None
    assert exam.status is ExamStatus.ESCALATED
    assert exam.current is not None and exam.current.disputed == (1,)
    exam.record_part1(COORDINATOR, 92, today=ON_THE_DAY, rules=RULES)  # part 2 still open: nothing concludes
    assert exam.current is not None
    concluded = exam.reconcile(
        OTHER_COORDINATOR, [True, False], note="Vignette 2 misses the supervisory frame", today=ON_THE_DAY, rules=RULES
    )
    assert concluded is not None and (concluded.passed, concluded.part2_passed, concluded.by) == (
        False,
        False,
        OTHER_COORDINATOR,
    )
    [attempt] = exam.attempts
    assert (attempt.reconciled_by, attempt.reconciliation_note) == (
        "coordinator",
        "Vignette 2 misses the supervisory frame",
    )
    assert (exam.status, exam.record.parts_passed) == (ExamStatus.AWAITING_REGISTRATION, {1})


def test_a_third_scorer_breaks_the_tie_vignette_by_vignette() -> None:
    exam = registered()
    first, second = scoring(exam, vignettes=3)
    with pytest.raises(ScorerSlotsFull):  # no third scorer while the two agree or have not both scored
        exam.assign_scorer(COORDINATOR, THREE, today=ON_THE_DAY, **SCORING)
    exam.record_part1(COORDINATOR, 81, today=ON_THE_DAY, rules=RULES)
    score(exam, first, True, False, True)
    score(exam, second, False, True, True)
    assert exam.current is not None and exam.current.disputed == (0, 1)
    with pytest.raises(ScorerAlreadyAssigned):
        exam.assign_scorer(COORDINATOR, ONE, today=ON_THE_DAY, **SCORING)
    exam.assign_scorer(COORDINATOR, THREE, today=ON_THE_DAY, **SCORING)
    with pytest.raises(ScorerSlotsFull):
        exam.assign_scorer(COORDINATOR, scorer("four@scorers.example"), today=ON_THE_DAY, **SCORING)
    third = next(a for a in exam.current.assignments.values() if a.slot == 3)
    concluded = score(exam, third, True, True, False)  # 2 of 3 decide each vignette: pass, pass, pass
    assert concluded is not None and concluded.passed
    assert (exam.attempts[0].part2_verdicts, exam.attempts[0].reconciled_by) == ((True, True, True), "third_scorer")


def test_a_third_scorer_still_working_is_released_when_the_coordinator_decides() -> None:
    exam = registered()
    first, second = scoring(exam)
    score(exam, first, True, True)
    score(exam, second, False, True)
    exam.assign_scorer(COORDINATOR, THREE, today=ON_THE_DAY, **SCORING)
    assert exam.current is not None
    third = next(a for a in exam.current.assignments.values() if a.slot == 3)
    exam.reconcile(COORDINATOR, [True, True], note=None, today=ON_THE_DAY, rules=RULES)
    assert third.status is ScoringStatus.CLOSED
    with pytest.raises(ScoringClosed):
        score(exam, third, True, True)


def test_a_withdrawn_scorer_is_replaced_and_sees_their_assignment_no_more() -> None:
    exam = registered()
    first, _ = scoring(exam)
    exam.withdraw_scorer(COORDINATOR, subject(ONE), reason="Unavailable")
    with pytest.raises(ScoringAssignmentNotFound):
        score(exam, first, True, True)
    exam.assign_scorer(COORDINATOR, THREE, today=ON_THE_DAY, **SCORING)
    assert exam.current is not None
    assert sorted((a.slot, a.scorer_email, a.status) for a in exam.current.assignments.values()) == [
        (1, "one@scorers.example", "withdrawn"),
        (1, "three@scorers.example", "assigned"),
        (2, "two@scorers.example", "assigned"),
    ]


# Retakes -------------------------------------------------------------------------------------------


def failed_part_2() -> Examination:
    """Sat the first sitting: part 1 passed, part 2 failed."""
    exam = registered()
    first, second = scoring(exam)
    exam.record_part1(COORDINATOR, 80, today=ON_THE_DAY, rules=RULES)
    score(exam, first, False, True)
    score(exam, second, False, True)
    assert exam.record.retake_eligible_on == add_months(FIRST_SITTING, 12) == RETAKE_SITTING
    return exam


def test_a_failed_part_is_retaken_alone() -> None:
    exam = failed_part_2()
    exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=RETAKE_SITTING - timedelta(weeks=8), rules=RULES)
    assert exam.current is not None
    assert (exam.current.number, exam.current.parts, exam.current.retake) == (2, (2,), True)
    with pytest.raises(PartNotInAttempt):
        exam.record_part1(COORDINATOR, 99, today=RETAKE_SITTING, rules=RULES)
    first, second = [a for a in scoring_on(exam, RETAKE_SITTING)]
    assert first.id not in exam.attempts[0].assignments  # new assignments for the new attempt
    score_on(exam, first, RETAKE_SITTING, True, True)
    concluded = score_on(exam, second, RETAKE_SITTING, True, True)
    assert concluded is not None and (concluded.part1_percent, concluded.part2_passed, concluded.passed) == (
        None,
        True,
        True,
    )
    assert exam.current is None and exam.attempts[1].candidate_number != exam.attempts[0].candidate_number


def scoring_on(exam: Examination, day: date) -> list[Any]:
    exam.open_scoring(COORDINATOR, [ONE, TWO], responses_ref="QM-RETAKE-1", vignettes=2, today=day, **SCORING)
    assert exam.current is not None
    return sorted(exam.current.assignments.values(), key=lambda a: a.slot)


def score_on(exam: Examination, assignment: Any, day: date, *verdicts: bool) -> Any:
    return exam.submit_score(
        Actor(uuid4(), "S"), assignment.id, assignment.scorer_subject, verdicts, comments=None, today=day, rules=RULES
    )


@pytest.mark.parametrize(
    ("today", "refusal"),
    [
        (RETAKE_SITTING - timedelta(weeks=8), None),  # exactly 8 weeks ahead
        (RETAKE_SITTING - timedelta(weeks=8) + timedelta(days=1), RetakeNoticeTooShort),  # one day less
    ],
)
def test_a_retake_is_requested_at_least_8_weeks_before_the_sitting(
    today: date, refusal: type[Exception] | None
) -> None:
    exam = failed_part_2()
    if refusal is None:
        exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=today, rules=RULES)
        assert exam.status is ExamStatus.REGISTERED
    else:
        with pytest.raises(refusal):
            exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=today, rules=RULES)
        assert exam.current is None


@pytest.mark.parametrize(("sitting", "allowed"), [(RETAKE_SITTING, True), (RETAKE_TOO_EARLY, False)])
def test_a_retake_sits_at_least_one_year_after_the_last_attempt(sitting: date, allowed: bool) -> None:
    exam = failed_part_2()
    today = RETAKE_TOO_EARLY - timedelta(weeks=10)
    if allowed:
        exam.register(EXAMINEE, "applicant", sitting, today=today, rules=RULES)
    else:
        with pytest.raises(RetakeTooEarly):
            exam.register(EXAMINEE, "applicant", sitting, today=today, rules=RULES)
    assert [s.sitting.on for s in failed_part_2().open_sittings(today, RULES)] == [RETAKE_SITTING]


def test_a_retake_wait_in_days_from_an_older_review_file_still_counts() -> None:
    leap_year = ExaminationRules(retake_wait_days=365)
    assert leap_year.retake_eligible_on(date(2027, 3, 13)) == date(2028, 3, 12)
    assert ExaminationRules().retake_eligible_on(date(2028, 2, 29)) == date(2029, 2, 28)


# Feedback and the override -------------------------------------------------------------------------


def test_feedback_follows_a_concluded_attempt_once_whatever_its_outcome() -> None:
    exam = registered()
    with pytest.raises(NoResultYet):
        exam.send_feedback(COORDINATOR, "Well done")
    exam = failed_part_2()
    with pytest.raises(InvalidFeedback):
        exam.send_feedback(COORDINATOR, "   ")
    exam.send_feedback(COORDINATOR, "Part 2: tie the vignette to the parent's reflective capacity.")
    assert exam.attempts[0].feedback == "Part 2: tie the vignette to the parent's reflective capacity."
    with pytest.raises(FeedbackAlreadySent):
        exam.send_feedback(COORDINATOR, "Again")


def test_the_coordinators_direct_result_is_an_attempt_of_its_own_but_not_while_one_is_open() -> None:
    exam = registered()
    with pytest.raises(ExamAttemptOpen):
        exam.record_direct_result(
            COORDINATOR, taken_on=ON_THE_DAY, today=ON_THE_DAY, part1_percent=90, part2_passed=True, rules=RULES
        )
    exam = an_examination()
    with pytest.raises(InvalidExamResult):  # every outstanding part, no more, no less
        exam.record_direct_result(
            COORDINATOR, taken_on=ON_THE_DAY, today=ON_THE_DAY, part1_percent=90, part2_passed=None, rules=RULES
        )
    concluded = exam.record_direct_result(
        COORDINATOR, taken_on=ON_THE_DAY, today=ON_THE_DAY, part1_percent=90, part2_passed=False, rules=RULES
    )
    assert (concluded.passed, exam.record.parts_passed, exam.attempts[0].reconciled_by) == (False, {1}, "direct")
    with pytest.raises(RetakeNoticeTooShort):
        exam.register(EXAMINEE, "applicant", RETAKE_SITTING, today=RETAKE_SITTING - timedelta(weeks=7), rules=RULES)


def test_replaying_the_events_rebuilds_the_same_examination() -> None:
    exam = failed_part_2()
    exam.send_feedback(COORDINATOR, "Keep going")
    rebuilt: Any = None
    for event in exam.collect_events():
        rebuilt = event.mutate(rebuilt)
    assert isinstance(rebuilt, Examination)
    assert (rebuilt.status, rebuilt.record, rebuilt.version) == (exam.status, exam.record, exam.version)
    assert rebuilt.attempts == exam.attempts
