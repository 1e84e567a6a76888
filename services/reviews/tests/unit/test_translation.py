"""Given/when/then for translating stored events into integration events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from endorsement_contracts import REVIEWS, EndorsementGranted, decode, encode
from reviews.application import Reviews, Submission
from reviews.config import EVENT_SOURCE, Tenant
from reviews.domain import Actor, ReviewCase, endorsement_id_for
from reviews.translation import Translator

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")


def stored_events(reviews: Reviews) -> list[object]:
    return [reviews.mapper.to_domain_event(n) for n in reviews.process_recorder.select_notifications(1, 100)]


def test_an_approval_becomes_endorsement_granted_and_an_opening_becomes_nothing(
    reviews: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given an approved case
    case = reviews.case_for(submission)
    assert case is not None
    reviews.save(case)
    reviews.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 2, 3), designation="Clinical",
                    now=datetime(2025, 3, 1, tzinfo=UTC))
    opened, approved = stored_events(reviews)
    translate = Translator(reviews)
    # when its stored events are translated
    # then the opening is private, and the approval is EndorsementGranted with every fact of the decision
    assert translate(opened) is None  # type: ignore[arg-type]
    granted = translate(approved)  # type: ignore[arg-type]
    assert isinstance(granted, EndorsementGranted)
    assert isinstance(approved, ReviewCase.Approved)
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
    assert granted.emerging is False
    assert granted.effective_date == date(2025, 2, 3)
    assert granted.renewal_date == date(2026, 12, 15)
    assert granted.granted_by == COORDINATOR.account_id
    assert granted.occurred_at == approved.timestamp
    # and it travels as a CloudEvent on the reviews topic
    record = encode(granted, event_id=uuid4(), source=EVENT_SOURCE)
    assert record.topic == REVIEWS.name
    assert decode(record.headers, record.value).event == granted
