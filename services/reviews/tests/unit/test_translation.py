"""Given/when/then for translating stored events into integration events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import endorsement_contracts.events as contract
import pytest
from endorsement_contracts import REVIEWS, EndorsementGranted, decode, encode
from reviews.application import Reviews, Submission
from reviews.config import EVENT_SOURCE, Tenant
from reviews.domain import Actor, Endorsement, RecommendationKind, ReviewCase, endorsement_id_for, renewal_id_for
from reviews.translation import Translator

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
REVIEWER = Actor(account_id=uuid4(), name="Rex Reviewer")
MENTOR = "reviewer.mentor@itmhca.example"


def stored_events(reviews: Reviews) -> list[Any]:
    return [reviews.mapper.to_domain_event(n) for n in reviews.process_recorder.select_notifications(1, 1000)]


def published(reviews: Reviews) -> list[Any]:
    """Every stored event's integration event, in order; None for the private ones."""
    translate = Translator(reviews)
    return [translate(e) for e in stored_events(reviews)]


def opened(reviews: Reviews, submission: Submission) -> ReviewCase:
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    return case


def test_an_opening_becomes_review_opened_and_an_approval_endorsement_granted(
    reviews: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given an approved case
    case = opened(reviews, submission)
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 2, 3),
                              designation="Clinical", now=datetime(2025, 3, 1, tzinfo=UTC))
    events = stored_events(reviews)
    [approved] = [e for e in events if isinstance(e, ReviewCase.Approved)]
    # when its stored events are translated
    review_opened, granted, endorsement_created = published(reviews)
    # then the opening is ReviewOpened, keyed by the application
    assert isinstance(review_opened, contract.ReviewOpened)
    assert review_opened.key == str(submission.application_id)
    assert (review_opened.review_case_id, review_opened.submission_number) == (case.id, 1)
    assert review_opened.applicant.email == submission.applicant.email
    assert review_opened.received_at == submission.received_at
    # and the approval is EndorsementGranted with every fact of the decision; the register entry stays private
    assert endorsement_created is None
    assert isinstance(granted, EndorsementGranted)
    assert granted.endorsement_id == endorsement_id_for(case.id)
    assert granted.key == str(granted.endorsement_id)
    assert granted.review_case_id == case.id
    assert granted.application_id == submission.application_id
    assert granted.tenant == "itmhca"
    assert granted.applicant.account_id == submission.applicant.account_id
    assert granted.applicant.name == submission.applicant.name
    assert granted.applicant.email == submission.applicant.email
    assert (granted.category, granted.category_name) == ("IFS", "Infant Family Specialist")
    assert granted.designation == "Clinical"
    assert (granted.emerging, granted.emerging_until) == (False, None)
    assert granted.effective_date == date(2025, 2, 3)
    assert granted.renewal_date == date(2026, 12, 15)
    assert granted.granted_by == COORDINATOR.account_id
    assert granted.occurred_at == approved.timestamp
    # and it travels as a CloudEvent on the reviews topic
    record = encode(granted, event_id=uuid4(), source=EVENT_SOURCE)
    assert record.topic == REVIEWS.name
    assert decode(record.headers, record.value).event == granted


def test_an_emerging_approval_is_granted_with_its_deadline(reviews: Reviews, submission: Submission,
                                                         itmhca: Tenant) -> None:
    case = opened(reviews, replace(submission, category="IFRS", category_name="Infant Family Reflective Supervisor"))
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 2, 3), emerging=True,
                              now=datetime(2025, 3, 1, tzinfo=UTC))
    granted = published(reviews)[1]
    assert isinstance(granted, EndorsementGranted)
    assert (granted.emerging, granted.emerging_until) == (True, date(2027, 2, 3))


def test_every_decision_and_request_is_published_and_the_reviewers_work_stays_private(
    reviews: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given a case returned as incomplete, resubmitted, reviewed, put on hold, resubmitted and deferred
    now = datetime(2025, 3, 1, tzinfo=UTC)
    case = opened(reviews, submission)
    reviews.intake.return_incomplete(case.id, tenant=itmhca, by=COORDINATOR, items=["Transcript"], message="Please add")
    resumed = reviews.intake.case_for(replace(submission, submission_number=2))
    assert resumed is not None
    reviews.save(resumed)
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=MENTOR,
                                      now=datetime.now(UTC))
    reviews.reviewing.answer_assignment(case.id, tenant=itmhca, by=REVIEWER, reviewer_email=MENTOR, accept=True)
    reviews.intake.request_information(case.id, tenant=itmhca, by=REVIEWER, items=["RSC log"], reviewer_email=MENTOR)
    resumed = reviews.intake.case_for(replace(submission, submission_number=3))
    assert resumed is not None
    reviews.save(resumed)
    reviews.reviewing.recommend(case.id, tenant=itmhca, by=REVIEWER, reviewer_email=MENTOR,
                                recommendation=RecommendationKind.DEFER, private_notes="thin on RSC")
    reviews.decisions.defer(case.id, tenant=itmhca, by=COORDINATOR, reasons=["RSC hours short"],
                            recommendations=["12 more hours of RSC"], earliest_rereview_on=date(2025, 9, 1), now=now)
    # when translated
    events = [e for p in published(reviews) if p is not None for e in (p if isinstance(p, list) else [p])]
    # then: opened, returned (completeness), assigned, information requested (review), deferred, and the deferral
    # (which closes the case) releases the reviewer
    assert [type(e).__name__ for e in events] == ["ReviewOpened", "InformationRequested", "ReviewerAssigned",
                                                  "InformationRequested", "ApplicationDeferred", "ReviewerReleased"]
    returned, assigned, on_hold, deferred, released = events[1:]
    assert isinstance(released, contract.ReviewerReleased)
    assert (released.reviewer_email, released.reason, released.review_case_id) == (MENTOR, "case_closed", case.id)
    assert isinstance(returned, contract.InformationRequested)
    assert (returned.stage, returned.items, returned.message) == ("completeness", ["Transcript"], "Please add")
    assert (returned.requested_by, returned.requested_by_role, returned.submission_number) == (
        COORDINATOR.account_id, "coordinator", 1)
    assert isinstance(assigned, contract.ReviewerAssigned)
    assert (assigned.reviewer_email, assigned.slot, assigned.assigned_by) == (MENTOR, 1, COORDINATOR.account_id)
    assert isinstance(on_hold, contract.InformationRequested)
    assert (on_hold.stage, on_hold.requested_by_role, on_hold.submission_number) == ("review", "reviewer", 2)
    assert isinstance(deferred, contract.ApplicationDeferred)
    assert deferred.reasons == ["RSC hours short"]
    assert deferred.recommendations == ["12 more hours of RSC"]
    assert deferred.earliest_rereview_on == date(2025, 9, 1)
    assert all(e.key == str(submission.application_id) for e in events)


def test_the_exam_path_and_a_denial_are_published(reviews: Reviews, submission: Submission, itmhca: Tenant) -> None:
    lenient = replace(itmhca, policy=replace(itmhca.policy, denial_allowed=True))
    mentor = opened(reviews, replace(submission, category="IMHM-C", category_name="Mentor - Clinical"))
    reviews.decisions.approve_for_exam(mentor.id, tenant=itmhca, by=COORDINATOR, now=datetime.now(UTC))
    reviews.decisions.record_exam_result(mentor.id, tenant=itmhca, by=COORDINATOR, taken_on=date(2025, 3, 1),
                                         part1_percent=85, part2_passed=True, now=datetime(2025, 3, 2, 18, tzinfo=UTC))
    denied = opened(reviews, replace(submission, application_id=uuid4()))
    reviews.decisions.deny(denied.id, tenant=lenient, by=COORDINATOR, reasons=["Not a resident of Arizona"],
                           now=datetime.now(UTC))
    events = [e for e in published(reviews) if e is not None]
    assert [type(e).__name__ for e in events] == ["ReviewOpened", "ApprovedForExam", "ExamScored", "ReviewOpened",
                                                  "EndorsementDenied"]
    scored = events[2]
    assert isinstance(scored, contract.ExamScored)
    assert (scored.attempt, scored.part1_percent, scored.part1_passed, scored.part2_passed, scored.passed) == (
        1, 85, True, True, True)
    assert "applicant" not in contract.ExamScored.model_fields  # scored blind: no identity travels with it
    assert isinstance(events[4], contract.EndorsementDenied)
    assert events[4].reasons == ["Not a resident of Arizona"]


@pytest.mark.parametrize("when", ["renew", "lapse", "revoke"])
def test_register_changes_are_published(reviews: Reviews, submission: Submission, itmhca: Tenant, when: str) -> None:
    case = opened(reviews, submission)
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 2, 3),
                              now=datetime(2025, 3, 1, tzinfo=UTC))
    endorsement_id = endorsement_id_for(case.id)
    if when == "renew":
        reviews.endorsements.approve_renewal(endorsement_id, tenant=itmhca, by=COORDINATOR,
                                             now=datetime(2026, 11, 1, 18, tzinfo=UTC))
    elif when == "lapse":
        assert reviews.endorsements.lapse_if_due(endorsement_id, tenant=itmhca, now=datetime(2027, 2, 3, tzinfo=UTC))
        reviews.endorsements.reinstate(endorsement_id, tenant=itmhca, by=COORDINATOR,
                                       now=datetime(2027, 5, 1, 18, tzinfo=UTC))
    else:
        reviews.endorsements.revoke(endorsement_id, tenant=itmhca, by=COORDINATOR, reason="Misrepresented hours",
                                    now=datetime.now(UTC))
    events = [e for e in published(reviews)[3:] if e is not None]
    assert all(e.key == str(endorsement_id) and e.category == "IFS" for e in events)
    if when == "renew":
        [renewed] = events
        assert isinstance(renewed, contract.RenewalApproved)
        assert renewed.renewal_id == renewal_id_for(endorsement_id, 2026)
        assert (renewed.renewed_on, renewed.renewal_date) == (date(2026, 11, 1), date(2027, 12, 15))
    elif when == "lapse":
        lapsed, reinstated = events
        assert isinstance(lapsed, contract.EndorsementLapsed)
        assert lapsed.lapsed_on == date(2027, 2, 2)
        assert isinstance(reinstated, contract.EndorsementReinstated)
        assert (reinstated.reinstated_on, reinstated.renewal_date) == (date(2027, 5, 1), date(2028, 12, 15))
    else:
        [revoked] = events
        assert isinstance(revoked, contract.EndorsementRevoked)
        assert (revoked.reason, revoked.revoked_by) == ("Misrepresented hours", COORDINATOR.account_id)
    assert isinstance(reviews.repository.get(endorsement_id), Endorsement)
