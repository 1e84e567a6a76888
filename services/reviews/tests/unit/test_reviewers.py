"""Given/when/then for reviewers: eligibility, conflicts of interest, assignment, recommendations, consensus."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from reviews.domain import (
    Actor,
    Applicant,
    AssignmentStatus,
    CategoryRules,
    Period,
    RecommendationKind,
    ReviewCase,
    Reviewer,
    ReviewPolicy,
    Status,
)
from reviews.domain import case_events as ev
from reviews.domain.errors import (
    AlreadyRecommended,
    AssignmentNotAccepted,
    AssignmentNotPending,
    CaseStatusConflict,
    FirstReviewPending,
    InvalidRecommendation,
    NotAssigned,
    ReviewerAlreadyAssigned,
    ReviewerConflicted,
    ReviewerNotEligible,
    ReviewerSlotsFull,
)

from .personal_data import FINGERPRINT, on_roster, subject

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
RANKS = {"IFA": 1, "IFS": 2, "IFRS": 3, "IMHS": 3, "IMHM-C": 4}
ONE = ReviewPolicy(categories={c: CategoryRules(rank=r) for c, r in RANKS.items()})
TWO = replace(ONE, reviewers_per_case=2, coordinator_decides_directly=False)
PARALLEL = replace(TWO, sequential=False)
MENTOR = on_roster(Reviewer("Mia.Mentor@Example.org", "Mia Mentor", "IMHM-C", employer="Sunrise Clinic"))
SPECIALIST = on_roster(Reviewer("sam@example.org", "Sam Specialist", "IMHS", employer="Valley EI"))


def me(reviewer: Reviewer) -> Actor:
    return Actor(account_id=uuid4(), name=reviewer.name)


def a_case(category: str = "IFS", employer: str | None = "Desert Family Services",
           related: tuple[str, ...] = ("rater.one@example.org", "Supervisor@Example.org")) -> ReviewCase:
    return ReviewCase.open(fingerprint=FINGERPRINT, tenant="itmhca", application_id=uuid4(), submission_number=1,
                           applicant=Applicant(uuid4(), "Ana Applicant", "Ana@Example.org"), category=category,
                           category_name=category, rule_set_version="v1",
                           received_at=datetime(2025, 3, 1, 17, tzinfo=UTC), employer=employer,
                           related_emails=related)


def in_review(policy: ReviewPolicy = ONE, **kwargs: object) -> ReviewCase:
    case = a_case(**kwargs)  # type: ignore[arg-type]
    case.pass_completeness(COORDINATOR, policy)
    return case


def accepted(case: ReviewCase, reviewer: Reviewer, policy: ReviewPolicy = ONE) -> Actor:
    case.assign_reviewer(reviewer, COORDINATOR, policy, FINGERPRINT)
    actor = me(reviewer)
    case.answer_assignment(subject(reviewer), actor, accept=True)
    return actor


# Eligibility and conflicts --------------------------------------------------------------------------


@pytest.mark.parametrize(("reviewer", "category", "why"), [
    (replace(SPECIALIST, active=False), "IFS", "not an active reviewer"),
    (replace(SPECIALIST, trained=False), "IFS", "not completed reviewer training"),
    (replace(SPECIALIST, category="IFS"), "IMHS", "needs that category or higher"),
    (replace(SPECIALIST, category="IFA"), "IFS", "needs that category or higher"),
    (replace(SPECIALIST, category="ECMHS"), "IFS", "needs that category or higher"),  # unranked: never eligible
])
def test_an_ineligible_reviewer_cannot_be_assigned(reviewer: Reviewer, category: str, why: str) -> None:
    case = in_review(category=category)
    with pytest.raises(ReviewerNotEligible, match=why) as refused:
        case.assign_reviewer(reviewer, COORDINATOR, ONE, FINGERPRINT)
    assert refused.value.code == "REVIEWER_NOT_ELIGIBLE"
    assert case.assignments == {}


def test_a_reviewer_at_the_same_rank_or_higher_is_eligible() -> None:
    case = in_review(category="IMHS")
    case.assign_reviewer(replace(SPECIALIST, category="IFRS"), COORDINATOR, ONE, FINGERPRINT)  # IFRS ranks with IMHS
    assert list(case.assignments) == [subject(SPECIALIST)]


@pytest.mark.parametrize(("reviewer", "why"), [
    (replace(MENTOR, email="ana@example.org"), "is the applicant"),
    (replace(MENTOR, email="RATER.ONE@example.org"), "a rater, the reflective-supervision provider or the supervisor"),
    (replace(MENTOR, email="supervisor@example.org"), "a rater, the reflective-supervision provider or the supervisor"),
    (replace(MENTOR, employer="  desert   family SERVICES "), "works for the applicant's employer"),
    (replace(MENTOR, declared_conflicts=frozenset({"ANA@example.org"})), "declared a conflict of interest"),
])
def test_a_conflicted_reviewer_cannot_be_assigned(reviewer: Reviewer, why: str) -> None:
    case = in_review()
    with pytest.raises(ReviewerConflicted, match=why) as refused:
        case.assign_reviewer(reviewer, COORDINATOR, ONE, FINGERPRINT)
    assert refused.value.code == "REVIEWER_CONFLICT_OF_INTEREST"
    assert case.assignments == {}


def test_no_employer_on_either_side_is_no_conflict() -> None:
    case = in_review(employer=None)
    case.assign_reviewer(replace(MENTOR, employer=None), COORDINATOR, ONE, FINGERPRINT)
    assert case.assignments[subject(MENTOR)].status is AssignmentStatus.INVITED


# Assignment ------------------------------------------------------------------------------------------


def test_assignment_needs_a_case_in_review_and_a_free_slot() -> None:
    with pytest.raises(CaseStatusConflict):
        a_case().assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)
    case = in_review()
    case.assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)
    with pytest.raises(ReviewerAlreadyAssigned):
        case.assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)
    with pytest.raises(ReviewerSlotsFull):
        case.assign_reviewer(SPECIALIST, COORDINATOR, ONE, FINGERPRINT)


def test_sequential_review_assigns_the_second_reviewer_after_the_first_recommended() -> None:
    case = in_review(TWO)
    reviewer = accepted(case, MENTOR, TWO)
    with pytest.raises(FirstReviewPending):
        case.assign_reviewer(SPECIALIST, COORDINATOR, TWO, FINGERPRINT)
    case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, TWO)
    assert case.status is Status.IN_REVIEW  # one of two
    case.assign_reviewer(SPECIALIST, COORDINATOR, TWO, FINGERPRINT)
    assert case.assignments[subject(SPECIALIST)].slot == 2


def test_a_declined_or_withdrawn_reviewer_frees_the_slot_for_reassignment() -> None:
    case = in_review()
    case.assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)
    case.answer_assignment(subject(MENTOR), me(MENTOR), accept=False, reason="Travelling")
    with pytest.raises(NotAssigned):
        case.answer_assignment(subject(MENTOR), me(MENTOR), accept=True)
    case.assign_reviewer(SPECIALIST, COORDINATOR, ONE, FINGERPRINT)
    case.withdraw_reviewer(subject(SPECIALIST), COORDINATOR, "Not responding")
    case.assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)  # the one who declined may be asked again
    assert [(a.email, a.status, a.slot) for a in case.assignments.values()] == [
        ("mia.mentor@example.org", AssignmentStatus.INVITED, 1), ("sam@example.org", AssignmentStatus.WITHDRAWN, 1)]
    names = [type(e).__name__ for e in case.collect_events()][2:]
    assert names == ["ReviewerAssigned", "AssignmentAnswered", "ReviewerAssigned", "ReviewerWithdrawn",
                     "ReviewerAssigned"]


def test_answers_and_recommendations_come_only_from_the_assigned_reviewer_in_order() -> None:
    case = in_review()
    with pytest.raises(NotAssigned):
        case.answer_assignment(subject(MENTOR), me(MENTOR), accept=True)
    case.assign_reviewer(MENTOR, COORDINATOR, ONE, FINGERPRINT)
    with pytest.raises(AssignmentNotAccepted):
        case.recommend(subject(MENTOR), me(MENTOR), RecommendationKind.ENDORSE, ONE)
    with pytest.raises(AssignmentNotAccepted):
        case.request_information(me(MENTOR), ["x"], reviewer=subject(MENTOR))
    reviewer = me(MENTOR)
    case.answer_assignment(subject(MENTOR), reviewer, accept=True)
    with pytest.raises(AssignmentNotPending):
        case.answer_assignment(subject(MENTOR), reviewer, accept=False)
    with pytest.raises(NotAssigned):
        case.recommend(subject(SPECIALIST), me(SPECIALIST), RecommendationKind.ENDORSE, ONE)
    case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, ONE, domains_met=["reflection", "thinking"])
    with pytest.raises(CaseStatusConflict):  # the review concluded
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.DEFER, ONE)
    assert case.assignments[subject(MENTOR)].account_id == reviewer.account_id


@pytest.mark.parametrize(("kind", "category", "why"), [
    (RecommendationKind.APPROVE_FOR_EXAM, "IFS", "does not require the exam"),
    (RecommendationKind.ENDORSE, "IMHM-C", "requires the exam"),
    (RecommendationKind.EMERGING, "IFS", "cannot be endorsed as emerging"),
    (RecommendationKind.DENY, "IFS", "does not deny"),
])
def test_a_recommendation_must_be_a_decision_the_rules_allow(kind: RecommendationKind, category: str,
                                                            why: str) -> None:
    policy = replace(ONE, categories={**ONE.categories, "IMHM-C": CategoryRules(rank=4, exam_required=(Period(),))})
    case = in_review(policy, category=category)
    reviewer = accepted(case, MENTOR, policy)
    with pytest.raises(InvalidRecommendation, match=why):
        case.recommend(subject(MENTOR), reviewer, kind, policy)
    with pytest.raises(InvalidRecommendation, match="unknown competency domains: astrology"):
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.DEFER, policy, domains_met=["astrology"])
    assert case.assignments[subject(MENTOR)].recommendation is None


# Consensus, escalation, blindness -------------------------------------------------------------------


def two_reviewed(first: RecommendationKind, second: RecommendationKind) -> ReviewCase:
    case = in_review(PARALLEL)
    mentor, specialist = accepted(case, MENTOR, PARALLEL), accepted(case, SPECIALIST, PARALLEL)
    case.recommend(subject(MENTOR), mentor, first, PARALLEL, comments_for_applicant="Strong RSC", private_notes="ok")
    case.recommend(subject(SPECIALIST), specialist, second, PARALLEL)
    return case


def test_two_agreeing_reviewers_conclude_with_consensus_and_the_coordinator_decides() -> None:
    case = two_reviewed(RecommendationKind.ENDORSE, RecommendationKind.ENDORSE)
    assert (case.status, case.consensus) == (Status.RECOMMENDED, RecommendationKind.ENDORSE)
    concluded = [e for e in case.collect_events() if isinstance(e, ev.ReviewConcluded)]
    assert [(e.conclusion, e.recommendation) for e in concluded] == [("consensus", "endorse")]
    case.approve(COORDINATOR, date(2025, 4, 1), None, date(2026, 12, 15), policy=TWO)
    assert case.status is Status.APPROVED


def test_disagreement_escalates_to_the_coordinator() -> None:
    case = two_reviewed(RecommendationKind.ENDORSE, RecommendationKind.DEFER)
    assert (case.status, case.consensus) == (Status.ESCALATED, None)
    case.defer(COORDINATOR, ["Reviewers disagree on RSC"], [], date(2025, 10, 1), today=date(2025, 4, 1),
               policy=TWO)
    assert case.status is Status.DEFERRED


def test_without_direct_decision_the_coordinator_waits_for_the_review() -> None:
    case = in_review(TWO)
    with pytest.raises(CaseStatusConflict):
        case.approve(COORDINATOR, date(2025, 4, 1), None, date(2026, 12, 15), policy=TWO)


def test_under_a_blind_policy_a_reviewer_sees_others_recommendations_only_after_their_own() -> None:
    blind = replace(PARALLEL, blind=True)
    case = in_review(blind)
    mentor, specialist = accepted(case, MENTOR, blind), accepted(case, SPECIALIST, blind)
    case.recommend(subject(MENTOR), mentor, RecommendationKind.ENDORSE, blind)
    assert [a.email for a in case.visible_assignments(subject(SPECIALIST))] == [SPECIALIST.email]
    assert len(case.visible_assignments(subject(MENTOR))) == 2
    case.recommend(subject(SPECIALIST), specialist, RecommendationKind.ENDORSE, blind)
    assert len(case.visible_assignments(subject(SPECIALIST))) == 2
    with pytest.raises(NotAssigned):
        case.visible_assignments(subject(on_roster(replace(SPECIALIST, email="someone@example.org"))))


def test_a_recommendation_stands_once_submitted() -> None:
    case = in_review(TWO)
    reviewer = accepted(case, MENTOR, TWO)
    case.recommend(subject(MENTOR), reviewer, RecommendationKind.DEFER, TWO)
    with pytest.raises(AlreadyRecommended):
        case.withdraw_reviewer(subject(MENTOR), COORDINATOR)
    with pytest.raises(AlreadyRecommended):
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, TWO)
