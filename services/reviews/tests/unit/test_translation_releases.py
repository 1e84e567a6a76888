"""Given/when/then for `ReviewerReleased`: every stored event that ends reviewers' assignments is published as one
release per ended assignment, keyed by the application; decisions published under the application id carry none."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import endorsement_contracts.events as contract
from endorsement_contracts import REVIEWS, decode, encode
from reviews.application import Reviews
from reviews.config import EVENT_SOURCE
from reviews.domain import Actor, Applicant, CategoryRules, ReviewCase, Reviewer, ReviewPolicy
from reviews.domain.case_kinds import CaseKind
from reviews.translation import Translator

from .personal_data import FINGERPRINT, on_roster, subject

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
APPLICANT = Applicant(uuid4(), "Ana Applicant", "ana@example.org")
TWO_PARALLEL = ReviewPolicy(
    reviewers_per_case=2,
    sequential=False,
    categories={"IFS": CategoryRules(rank=2), "IMHM-C": CategoryRules(rank=4)},
)
MIA = on_roster(Reviewer("mia@example.org", "Mia Mentor", "IMHM-C"))
SAM = on_roster(Reviewer("sam@example.org", "Sam Specialist", "IMHM-C"))


def in_review(kind: CaseKind = CaseKind.INITIAL) -> ReviewCase:
    """A case past its completeness check, with two reviewers invited (Mia, then Sam)."""
    case = ReviewCase.open(
        fingerprint=FINGERPRINT,
        tenant="itmhca",
        application_id=uuid4(),
        submission_number=1,
        applicant=APPLICANT,
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="v1",
        received_at=datetime(2025, 3, 1, 17, tzinfo=UTC),
        kind=kind,
        endorsement_id=None if kind is CaseKind.INITIAL else uuid4(),
    )
    case.pass_completeness(COORDINATOR, TWO_PARALLEL)
    case.assign_reviewer(MIA, COORDINATOR, TWO_PARALLEL, FINGERPRINT)
    case.assign_reviewer(SAM, COORDINATOR, TWO_PARALLEL, FINGERPRINT)
    return case


def published(reviews: Reviews, case: ReviewCase) -> list[Any]:
    """The case's stored events, saved, then translated; each translation flattened, the private ones dropped."""
    reviews.save(case)
    translate = Translator(reviews)
    out: list[Any] = []
    for notification in reviews.process_recorder.select_notifications(1, 1000):
        translated = translate(reviews.mapper.to_domain_event(notification))
        out.extend(translated if isinstance(translated, list) else [] if translated is None else [translated])
    return out


def releases(events: list[Any]) -> list[tuple[str, str]]:
    return [(e.reviewer_email, e.reason) for e in events if isinstance(e, contract.ReviewerReleased)]


def test_a_decline_and_a_coordinators_withdrawal_each_release_their_reviewer(reviews: Reviews) -> None:
    # given a case in review with two reviewers
    case = in_review()
    # when Mia declines, Sam accepts and the coordinator then withdraws Sam
    case.answer_assignment(subject(MIA), Actor(uuid4(), MIA.name), accept=False, reason="Travelling")
    case.answer_assignment(subject(SAM), Actor(uuid4(), SAM.name), accept=True)
    case.withdraw_reviewer(subject(SAM), COORDINATOR, "Not responding")
    events = published(reviews, case)
    # then the acceptance stays private, and each ended assignment is one release with its reason
    assert [type(e).__name__ for e in events] == [
        "ReviewOpened",
        "ReviewerAssigned",
        "ReviewerAssigned",
        "ReviewerReleased",
        "ReviewerReleased",
    ]
    assert releases(events) == [(MIA.email, "declined"), (SAM.email, "withdrawn")]
    declined = events[3]
    assert isinstance(declined, contract.ReviewerReleased)
    assert (declined.review_case_id, declined.application_id, declined.tenant) == (
        case.id,
        case.application_id,
        "itmhca",
    )
    assert declined.key == str(case.application_id)
    # and it travels as a CloudEvent on the reviews topic
    record = encode(declined, event_id=uuid4(), source=EVENT_SOURCE)
    assert record.topic == REVIEWS.name
    assert dict(record.headers)["ce_type"] == b"ReviewerReleased.v1"
    assert decode(record.headers, record.value).event == declined


def test_the_applicants_withdrawal_releases_every_live_reviewer_once(reviews: Reviews) -> None:
    # given a case in review: Mia accepted, Sam still invited
    case = in_review()
    case.answer_assignment(subject(MIA), Actor(uuid4(), MIA.name), accept=True)
    # when the applicant withdraws the application
    assert case.close_as_withdrawn(Actor(APPLICANT.account_id, APPLICANT.name), 1, "Moving")
    events = published(reviews, case)
    # then both live assignments are released as the case closes; the withdrawal itself stays private
    assert [type(e).__name__ for e in events] == [
        "ReviewOpened",
        "ReviewerAssigned",
        "ReviewerAssigned",
        "ReviewerReleased",
        "ReviewerReleased",
    ]
    assert releases(events) == [(MIA.email, "case_closed"), (SAM.email, "case_closed")]
    assert all(e.occurred_at == events[-1].occurred_at for e in events[-2:])


def test_a_withdrawal_without_live_reviewers_publishes_nothing(reviews: Reviews) -> None:
    case = in_review()
    case.answer_assignment(subject(MIA), Actor(uuid4(), MIA.name), accept=False)
    case.withdraw_reviewer(subject(SAM), COORDINATOR)
    case.close_as_withdrawn(Actor(APPLICANT.account_id, APPLICANT.name), 1, "Moving")
    reviews.save(case)
    translate = Translator(reviews)
    [*_, last] = [reviews.mapper.to_domain_event(n) for n in reviews.process_recorder.select_notifications(1, 100)]
    assert type(last).__name__ == "Withdrawn"
    assert translate(last) is None


def test_an_approved_reinstatement_releases_its_reviewers_and_decisions_under_the_application_do_not(
    reviews: Reviews,
) -> None:
    # given a reinstatement case in review with two reviewers who accepted
    reinstatement = in_review(CaseKind.REINSTATEMENT)
    for reviewer in (MIA, SAM):
        reinstatement.answer_assignment(subject(reviewer), Actor(uuid4(), reviewer.name), accept=True)
    # when the coordinator approves it (no application decision is published for it)
    assert reinstatement.endorsement_id is not None
    reinstatement.confirm_reinstatement(
        COORDINATOR,
        endorsement_id=reinstatement.endorsement_id,
        reinstatement_id=uuid4(),
        effective_date=date(2025, 4, 1),
        renewal_date=date(2026, 12, 15),
        policy=TWO_PARALLEL,
        now=datetime(2025, 4, 1, tzinfo=UTC),
    )
    # then each reviewer is released as the case closes
    assert releases(published(reviews, reinstatement)) == [(MIA.email, "case_closed"), (SAM.email, "case_closed")]
    # and an application's denial (EndorsementDenied under the application id) releases nobody itself
    denied = in_review()
    denied.deny(COORDINATOR, ["Not a resident"], ReviewPolicy(denial_allowed=True))
    events = [e for e in published(reviews, denied) if getattr(e, "application_id", None) == denied.application_id]
    assert [type(e).__name__ for e in events] == [
        "ReviewOpened",
        "ReviewerAssigned",
        "ReviewerAssigned",
        "EndorsementDenied",
    ]
