"""Personal data in the event store (docs/erasure.md): sealed under its subject, readable until the subject is
erased, and events stored before sealing still load. Conflicts of interest are found by fingerprint, before and
after erasure. `PersonErased`'s use case surrenders the holder's endorsement and records the erasure once. A
reviewer is sealed under the subject of their address, which an erasure request naming that address reaches.

The store here is in memory with `MemoryKeys`; tests/integration/test_erasure.py runs the same on the engines.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import endorsement_contracts.events as contract
import pytest
from eventsourcing.persistence import StoredEvent
from reviews.application import Reviews, Submission
from reviews.bootstrap import open_reviews
from reviews.config import MissingRaterIndexKeyError, ReviewsSettings, Tenant
from reviews.domain import (
    Actor,
    EndorsementStatus,
    RecommendationKind,
    ReviewCase,
    conflict_of,
    endorsement_id_for,
)
from reviews.domain.erasure import Erasure
from reviews.domain.errors import ReviewerConflicted, ReviewerNotEligible
from reviews.translation import Translator
from servicekit.settings import MissingMasterKey
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject
from servicekit.testing_keys import MemoryKeys

from .personal_data import FINGERPRINT

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
MENTOR = "reviewer.mentor@itmhca.example"
SPECIALIST = "reviewer.specialist@itmhca.example"
MENTORS_EMPLOYER = "Example Infant Mental Health Clinic"
MENTORS_NAME = "ITMHCA Volunteer Reviewer (Mentor)"
MENTORS_SUBJECT = rater_subject("itmhca", MENTOR, DEVELOPMENT_RATER_INDEX_KEY)
"""What the gateway files for an erasure request giving the mentor's address (the development RATER_INDEX_KEY)."""
NOW = datetime(2025, 3, 3, 18, tzinfo=UTC)


@pytest.fixture
def keys(reviews: Reviews) -> MemoryKeys:
    assert isinstance(reviews.keys, MemoryKeys)
    return reviews.keys


def marked(submission: Submission) -> Submission:
    """A submission whose personal values are unique markers, with the specialist among the related people."""
    applicant = replace(submission.applicant, name="Zelda Quixmarker", email="zq-quixmarker@example.org")
    return replace(submission, applicant=applicant, employer="Quixmarker Family Services",
                   related_emails=("quixrater@example.org", SPECIALIST))


def reviewed(reviews: Reviews, submission: Submission, itmhca: Tenant) -> ReviewCase:
    """Opened, in review with the mentor, who recommended with comments and notes."""
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=MENTOR, now=NOW)
    mentor = Actor(uuid4(), "Mia Mentor")
    reviews.reviewing.answer_assignment(case.id, tenant=itmhca, by=mentor, reviewer_email=MENTOR, accept=True)
    return reviews.reviewing.recommend(case.id, tenant=itmhca, by=mentor, reviewer_email=MENTOR,
                                       recommendation=RecommendationKind.ENDORSE,
                                       comments_for_applicant="Quixmarker comment", private_notes="Quixmarker note")


def deferred(reviews: Reviews, case: ReviewCase, itmhca: Tenant) -> None:
    reviews.decisions.defer(case.id, tenant=itmhca, by=COORDINATOR, reasons=["Quixmarker reason"],
                            recommendations=["Quixmarker training"], earliest_rereview_on=date(2026, 1, 5), now=NOW)


def states(reviews: Reviews, case: ReviewCase) -> list[str]:
    return [s.state.decode() for s in reviews.recorder.select_events(case.id)]


def test_stored_events_hold_the_applicant_and_the_comments_sealed(reviews: Reviews, submission: Submission,
                                                                   itmhca: Tenant) -> None:
    # given a case reviewed with comments, and deferred with reasons
    case = reviewed(reviews, marked(submission), itmhca)
    deferred(reviews, case, itmhca)
    # then no stored event holds a marker (name, address, employer, related people, texts), nor the specialist's
    # address (a related person): only tokens and fingerprints
    stored = "\n".join(states(reviews, case)).casefold()
    assert "quixmarker" not in stored and "quixrater" not in stored and SPECIALIST not in stored
    assert MENTOR not in stored and MENTORS_NAME.casefold() not in stored  # the reviewer's address and name neither
    assert '"sealed":"pd1.' in stored.replace(" ", "")
    # and the case reads them back while the applicant is not erased
    loaded = reviews.get_case(case.id, "itmhca")
    [assignment] = loaded.assignments.values()
    assert (loaded.applicant.name, loaded.applicant.email) == ("Zelda Quixmarker", "zq-quixmarker@example.org")
    assert (assignment.subject, assignment.email, assignment.name) == (MENTORS_SUBJECT, MENTOR, MENTORS_NAME)
    assert assignment.recommendation is not None
    assert assignment.recommendation.comments_for_applicant == "Quixmarker comment"
    assert (loaded.decision_reasons, loaded.recommendations) == (["Quixmarker reason"], ["Quixmarker training"])


def test_conflicts_are_found_by_fingerprint_before_and_after_the_applicant_is_erased(
    reviews: Reviews, keys: MemoryKeys, submission: Submission, itmhca: Tenant
) -> None:
    # given a case whose applicant works with the mentor and names the specialist
    case = reviews.intake.case_for(replace(marked(submission), employer=f"  {MENTORS_EMPLOYER.upper()} "))
    assert case is not None
    reviews.save(case)
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    for erased in (False, True):
        if erased:  # when the applicant is erased
            keys.destroy(case.applicant.subject)
            assert reviews.get_case(case.id, "itmhca").applicant.erased
        # then neither may review it, and neither is suggested
        for email in (MENTOR, SPECIALIST):
            with pytest.raises(ReviewerConflicted):
                reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=email, now=NOW)
        assert reviews.reviewing.suggested_reviewers(case.id, tenant=itmhca) == []


def as_stored_before_sealing(stored: StoredEvent, event: Any) -> StoredEvent:
    """The record as the service wrote it before sealing: plain applicant and actor, plain comments and reasons,
    the employer and related people's addresses, and the reviewer's plain address and name (ReviewCase.Opened
    version 3, ReviewerAssigned version 1, AssignmentAnswered version 2, RecommendationSubmitted version 2,
    Deferred version 1)."""
    state = json.loads(stored.state)

    def uuid(value: Any) -> dict[str, str]:
        return {"_type_": "uuid_hex", "_data_": value.hex}

    if "by" in state:
        state["by"] = {"_type_": "reviews_actor", "_data_": {"account_id": uuid(event.by.account_id),
                                                              "name": event.by.name}}
    if stored.topic.endswith("ReviewCase.Opened"):
        applicant = event.applicant
        state["applicant"] = {"_type_": "reviews_applicant", "_data_": {
            "account_id": uuid(applicant.account_id), "name": applicant.name, "email": applicant.email}}
        del state["relations"]
        state.update(employer="Sunrise Clinic", related_emails=[SPECIALIST], class_version=3)
    if stored.topic.endswith("Deferred"):
        del state["why"], state["advice"]
        state.update(reasons=["Plain reason"], recommendations=[], class_version=1)
    if stored.topic.endswith("RecommendationSubmitted"):
        del state["comments"]
        state.update(comments_for_applicant="Plain comment", private_notes="Plain note", class_version=2)
    if stored.topic.endswith("ReviewerAssigned"):
        del state["reviewer"]
        state.update(reviewer_email=MENTOR, reviewer_name="Plain Mentor", class_version=1)
    if stored.topic.endswith(("RecommendationSubmitted", "AssignmentAnswered")):
        del state["reviewer"]
        state.update(reviewer_email=MENTOR, class_version=2)
    return replace(stored, state=json.dumps(state).encode())


@pytest.fixture
def old_store(reviews: Reviews) -> Iterator[Reviews]:
    app = Reviews(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, keys=reviews.keys, fingerprint=FINGERPRINT)
    yield app
    app.close()


def test_events_stored_before_sealing_still_load_with_their_plain_values(
    reviews: Reviews, old_store: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given a case's events as they were stored before sealing
    case = reviewed(reviews, submission, itmhca)
    deferred(reviews, case, itmhca)
    records = reviews.recorder.select_events(case.id)
    events = [reviews.mapper.to_domain_event(r) for r in records]
    old_store.recorder.insert_events([as_stored_before_sealing(r, e) for r, e in zip(records, events, strict=True)])
    assert "Plain comment" in "".join(r.state.decode() for r in old_store.recorder.select_events(case.id))
    # when the store loads it, then every value reads as it was written
    loaded = old_store.get_case(case.id, "itmhca")
    [assignment] = loaded.assignments.values()
    assert loaded.applicant == submission.applicant
    assert assignment.recommendation is not None
    assert (assignment.recommendation.comments_for_applicant, assignment.recommendation.private_notes) == (
        "Plain comment", "Plain note")
    assert (loaded.decision_reasons, loaded.recommendations) == (["Plain reason"], [])
    assert old_store.case_file(case.id, "itmhca").history[1].by_name == "Cora Coordinator"
    # and the reviewer's plain address comes back under the subject of that address, as new events seal it
    assert (assignment.subject, assignment.email, assignment.name) == (MENTORS_SUBJECT, MENTOR, "Plain Mentor")
    assert assignment.status.value == "accepted"
    # and its plain relations are compared as fingerprints: the specialist it named is conflicted
    assert not loaded.relations.fingerprinted
    assert conflict_of(itmhca.reviewers[SPECIALIST], loaded.relations, FINGERPRINT) is not None
    assert conflict_of(itmhca.reviewers[MENTOR], loaded.relations, FINGERPRINT) is None


def test_an_erasure_surrenders_the_holders_endorsement_and_is_recorded_once(
    reviews: Reviews, keys: MemoryKeys, submission: Submission, itmhca: Tenant
) -> None:
    # given an approved case, so an endorsement in the register
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=NOW)
    endorsement_id = endorsement_id_for(case.id)
    erasure_id, subject = uuid4(), submission.applicant.subject

    # when the applicant is erased, and the request comes again
    def erase() -> list[Any]:
        return reviews.erasure.erase(erasure_id=erasure_id, tenant="itmhca", subject=subject,
                             endorsement_ids=[endorsement_id], today=NOW.date(), now=NOW)

    effects = erase()
    reviews.save(*effects)
    assert erase() == []

    # then the key is gone, the endorsement was surrendered, and the erasure recorded once
    assert keys.is_erased(subject)
    endorsement = reviews.get_endorsement(endorsement_id, "itmhca")
    assert endorsement.status is EndorsementStatus.REVOKED
    assert (endorsement.holder.name, endorsement.holder.email) == (None, None)
    history = reviews.endorsement_file(endorsement_id, "itmhca").history
    assert (history[-1].action, history[-1].by_role, history[-1].details) == ("revoked", "applicant",
                                                                             {"reason": "erasure"})
    [record] = [e for e in effects if isinstance(e, Erasure)]
    assert record.endorsements_surrendered == [endorsement_id]

    # and the relay answers it, publishes the revocation, and no longer publishes what named the applicant
    translate = Translator(reviews)
    notifications = reviews.recorder.select_notifications(start=1, limit=100)
    published = [translate(reviews.mapper.to_domain_event(n)) for n in notifications]
    assert [type(p).__name__ for p in published if p is not None] == ["EndorsementRevoked", "ErasureCompleted"]
    answer = published[-1]
    assert isinstance(answer, contract.ErasureCompleted)
    assert (answer.erasure_id, answer.subject, answer.service) == (erasure_id, subject, "reviews")


def test_the_service_does_not_start_without_its_master_key_outside_development() -> None:
    settings = ReviewsSettings(database_url="postgresql://nowhere.invalid/reviews", kafka_bootstrap_servers="x:9092",
                               gateway_public_key="unused")  # ENVIRONMENT production, no PERSONAL_DATA_MASTER_KEY
    with pytest.raises(MissingMasterKey):
        open_reviews(settings)  # before touching the database


def test_a_reviewers_address_subject_erased_hides_them_and_the_case_still_replays(
    reviews: Reviews, keys: MemoryKeys, submission: Submission, itmhca: Tenant
) -> None:
    # given a case reviewed by the mentor
    case = reviewed(reviews, submission, itmhca)
    # when the subject an erasure of the mentor's address names is erased
    effects = reviews.erasure.erase(erasure_id=uuid4(), tenant="itmhca", subject=MENTORS_SUBJECT, endorsement_ids=[],
                            today=NOW.date(), now=NOW)
    reviews.save(*effects)
    # then the case still loads, with the assignment and its recommendation, but no address or name
    loaded = reviews.get_case(case.id, "itmhca")
    [assignment] = loaded.assignments.values()
    assert (assignment.subject, assignment.email, assignment.name) == (MENTORS_SUBJECT, None, None)
    assert assignment.recommendation is not None and assignment.recommendation.kind is RecommendationKind.ENDORSE
    assert loaded.status.value == "recommended"
    assert all("reviewer" not in entry.details for entry in reviews.case_file(case.id, "itmhca").history)
    # and nothing naming them is published again, and they cannot be assigned anew while on the roster
    translate = Translator(reviews)
    assigned = [e for e in map(reviews.mapper.to_domain_event, reviews.recorder.select_events(case.id))
                if type(e).__name__ == "ReviewerAssigned"]
    assert [translate(e) for e in assigned] == [None]
    with pytest.raises(ReviewerNotEligible, match="erased"):
        reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=MENTOR, now=NOW)


def test_the_service_does_not_start_without_the_rater_index_key_outside_development() -> None:
    settings = ReviewsSettings(database_url="postgresql://nowhere.invalid/reviews", kafka_bootstrap_servers="x:9092",
                               gateway_public_key="unused", personal_data_master_key=_b64(bytes(32)),
                               fingerprint_key=_b64(bytes(32)), reviewer_subject_key=_b64(bytes(32)))
    with pytest.raises(MissingRaterIndexKeyError):
        open_reviews(settings)  # before touching the database


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()
