"""Whose key seals each value of the reviews v2 twins: every sealed field of the contract has a subject, the
applicant's for their name and what staff wrote to them, the reviewer's (by address: the subject an erasure request
naming that address reaches) for the reviewer's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast
from uuid import uuid4

import pytest
from endorsement_contracts import Person
from endorsement_contracts.events import InformationRequested, ReviewerAssigned, ReviewOpened, reviews_v2
from endorsement_contracts.events.common import SEALED
from pydantic import BaseModel
from reviews.application import Reviews
from reviews.config import PseudonymKeys
from reviews.reviewer_subjects import legacy_reviewer_subject
from reviews.twin_subjects import (
    APPLICANT_TEXT_FIELDS,
    HOLDER_TEXT_FIELDS,
    REVIEWER_FIELDS,
    ReviewsSubjects,
    UnknownSealedField,
)
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

LEGACY_KEY = PseudonymKeys.derived_from(b"reviews unit tests master key...").reviewer_subjects
NO_APP = cast(Reviews, None)  # only a revocation's holder is looked up (the integration tests cover it)


def sealed_fields(model: type[BaseModel]) -> set[str]:
    """The top-level fields of a v2 event that hold a token, directly or inside a model, list or optional."""
    return {name for name, field in model.model_fields.items()
            if any(item is SEALED for item in field.metadata) or "SealedMarker" in repr(field.annotation)
            or "SealedPerson" in repr(field.annotation)}


def test_every_sealed_field_of_the_reviews_contract_has_a_subject() -> None:
    for event in reviews_v2.EVENTS:
        fields = sealed_fields(event)
        known = APPLICANT_TEXT_FIELDS | REVIEWER_FIELDS | (HOLDER_TEXT_FIELDS if event is reviews_v2.EndorsementRevoked
                                                           else frozenset())
        assert fields <= known, (event.__name__, fields - known)
        if fields & APPLICANT_TEXT_FIELDS:
            assert "applicant" in event.model_fields, event.__name__  # the applicant's account names the subject
    assert sealed_fields(reviews_v2.EndorsementRevoked) == {"reason"}
    assert sealed_fields(reviews_v2.ReviewerAssigned) == {"reviewer_email", "reviewer_name"}


def facts() -> dict[str, Any]:
    return {"tenant": "itmhca", "occurred_at": datetime.now(UTC), "review_case_id": uuid4(),
            "application_id": uuid4(), "category": "IFS"}


def test_the_applicant_seals_their_own_values_and_what_staff_wrote_to_them() -> None:
    account = uuid4()
    event = InformationRequested(**facts(), submission_number=1, applicant=Person(account_id=account, name="Ana",
                                 email="ana@example.org"), stage="review", items=["RSC log"], message="Thanks",
                                 requested_by=uuid4(), requested_by_role="coordinator")
    policy = ReviewsSubjects(NO_APP)
    for path in (("applicant", "name"), ("applicant", "email"), ("items", 0), ("message",)):
        assert policy(event, path) == f"account:{account}"


def test_a_reviewer_seals_their_values_under_the_subject_an_erasure_of_their_address_names(reviews: Reviews) -> None:
    policy = ReviewsSubjects(reviews)
    assigned = ReviewerAssigned(**facts(), reviewer_email="Mia.Mentor@itmhca.example", reviewer_name="Mia Mentor",
                                slot=1, assigned_by=uuid4())
    subject = policy(assigned, ("reviewer_email",))
    # the gateway's subject for an erasure request giving that address (servicekit.subjects, RATER_INDEX_KEY)
    expected = rater_subject("itmhca", " mia.mentor@ITMHCA.example", DEVELOPMENT_RATER_INDEX_KEY)
    assert subject == policy(assigned, ("reviewer_name",)) == expected
    assert subject.startswith("rater:itmhca:") and "mia" not in subject.lower()
    assert reviews.address_subject("other", "mia.mentor@itmhca.example") != subject  # one subject per association


def test_the_reviewer_subject_of_before_is_another_keyed_pseudonym_of_the_address() -> None:
    legacy = legacy_reviewer_subject("itmhca", " Mia.Mentor@ITMHCA.example", LEGACY_KEY)
    assert legacy == legacy_reviewer_subject("itmhca", "mia.mentor@itmhca.example", LEGACY_KEY)
    assert legacy.startswith("reviewer:itmhca:") and "mia" not in legacy.lower()
    assert legacy_reviewer_subject("other", "mia.mentor@itmhca.example", LEGACY_KEY) != legacy
    assert legacy_reviewer_subject("itmhca", "mia.mentor@itmhca.example", b"x" * 32) != legacy


def test_a_field_without_a_known_subject_stops_the_relay_rather_than_seal_under_a_guess() -> None:
    opened = ReviewOpened(**facts(), submission_number=1, applicant=Person(account_id=uuid4(), name="Ana",
                          email="ana@example.org"), category_name="Infant Family Specialist",
                          rule_set_version="itmhca-IFS-2025", received_at=datetime.now(UTC))
    with pytest.raises(UnknownSealedField):
        ReviewsSubjects(NO_APP)(opened, ("cycle",))
