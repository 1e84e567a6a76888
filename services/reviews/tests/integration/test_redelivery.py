"""On real PostgreSQL: a record's effects are saved once, however often and wherever it is delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, Envelope, Person, decode, encode
from reviews.application import Reviews
from reviews.config import TenantCatalog, load_tenants
from reviews.domain import Actor, Relations, review_case_id
from reviews.entrypoints.consumer import handlers
from servicekit.consumer import Handler, IdempotentConsumer, RejectedMessage

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"


def on_application_submitted(reviews: Reviews, tenants: TenantCatalog) -> Handler:
    """`ApplicationSubmitted`'s handler as the consumer has it (behind the refusal of unknown tenants)."""
    return handlers(reviews, tenants, holdings=lambda tenant, account_id: [])[ApplicationSubmitted]


def envelope_of(*, tenant: str = "itmhca", category: str = "IFS") -> Envelope:
    event = ApplicationSubmitted(
        tenant=tenant, occurred_at=datetime.now(UTC), application_id=uuid4(), submission_number=1,
        applicant=Person(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"),
        category=category, category_name="Some Category", rule_set_version="v1",
    )
    record = encode(event, event_id=uuid4(), source="/services/applications")
    return decode(record.headers, record.value)


def test_a_redelivered_or_republished_submission_opens_its_case_once(open_store: Callable[[], Reviews]) -> None:
    reviews = open_store()
    tenants: TenantCatalog = load_tenants(TENANTS_DIR)
    consumer = IdempotentConsumer(reviews, group_id="reviews",
                                  handlers={ApplicationSubmitted: on_application_submitted(reviews, tenants)})
    envelope = envelope_of()
    event = envelope.event
    assert isinstance(event, ApplicationSubmitted)
    at_offset_7 = consumer.tracking_for(APPLICATIONS.name, 2, 7)
    # when the record is delivered, redelivered at the same offset, and republished at a new one
    outcomes = [consumer.process(envelope, at_offset_7), consumer.process(envelope, at_offset_7),
                consumer.process(envelope, consumer.tracking_for(APPLICATIONS.name, 2, 9))]
    # then it is processed once, and one case exists with one event
    assert outcomes == ["processed", "duplicate", "duplicate"]
    case_id = review_case_id(event.application_id, 1)
    assert [type(e).__name__ for e in reviews.events.get(case_id)] == ["Opened"]
    assert reviews.get_case(case_id, "itmhca").applicant.email == "ana@example.org"
    assert reviews.position(f"reviews/{APPLICATIONS.name}/2") == 10
    reviews.close()


@pytest.mark.parametrize(("tenant", "category", "reason"), [
    ("nowhere", "IFS", "unknown tenant 'nowhere'"),
    ("itmhca", "ECMHS", "tenant 'itmhca' does not award category 'ECMHS'"),
])
def test_a_submission_this_service_cannot_accept_is_rejected_with_nothing_saved(
    open_store: Callable[[], Reviews], tenant: str, category: str, reason: str
) -> None:
    reviews = open_store()
    handle = on_application_submitted(reviews, load_tenants(TENANTS_DIR))
    with pytest.raises(RejectedMessage) as rejected:
        handle(envelope_of(tenant=tenant, category=category))
    assert rejected.value.reason == reason
    assert reviews.process_recorder.select_notifications(start=1, limit=10) == []
    reviews.close()


def test_a_redelivered_or_republished_resubmission_resumes_its_case_once(open_store: Callable[[], Reviews]) -> None:
    reviews = open_store()
    tenants = load_tenants(TENANTS_DIR)
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    consumer = IdempotentConsumer(reviews, group_id="reviews",
                                  handlers={ApplicationSubmitted: on_application_submitted(reviews, tenants)})
    first = envelope_of()
    event = first.event
    assert isinstance(event, ApplicationSubmitted)
    assert consumer.process(first, consumer.tracking_for(APPLICATIONS.name, 0, 1)) == "processed"
    case_id = review_case_id(event.application_id, 1)
    reviews.intake.return_incomplete(case_id, tenant=itmhca, by=Actor(uuid4(), "Cora"), items=["Transcript"])
    # when the resubmission is delivered, redelivered, and republished at a later offset
    resubmitted = event.model_copy(update={"submission_number": 2})
    record = encode(resubmitted, event_id=uuid4(), source="/services/applications")
    second = decode(record.headers, record.value)
    outcomes = [consumer.process(second, consumer.tracking_for(APPLICATIONS.name, 0, 2)),
                consumer.process(second, consumer.tracking_for(APPLICATIONS.name, 0, 2)),
                consumer.process(second, consumer.tracking_for(APPLICATIONS.name, 0, 5))]
    # then the case resumed once, and no case was opened for submission 2
    assert outcomes == ["processed", "duplicate", "duplicate"]
    assert [type(e).__name__ for e in reviews.events.get(case_id)] == ["Opened", "ReturnedIncomplete",
                                                                      "InformationReceived"]
    assert review_case_id(event.application_id, 2) not in reviews.repository
    reviews.close()


def test_a_submission_names_the_people_who_may_not_review_it(open_store: Callable[[], Reviews]) -> None:
    reviews = open_store()
    handle = on_application_submitted(reviews, load_tenants(TENANTS_DIR))
    envelope = envelope_of()
    event = envelope.event
    assert isinstance(event, ApplicationSubmitted)
    details = {"employer": " Sunrise  Clinic ", "supervisor_email": "Boss@Example.org",
               "rsc_provider_email": "rsc@example.org", "rater_emails": "a@example.org; B@example.org, not-an-email"}
    record = encode(event.model_copy(update={"details": details}), event_id=uuid4(), source="/s")
    [case] = handle(decode(record.headers, record.value))
    expected = Relations.of(reviews.fingerprint, "ana@example.org", "sunrise clinic",
                            ["boss@example.org", "rsc@example.org", "a@example.org", "b@example.org"])
    assert case.relations == expected  # fingerprints only: no address or employer is stored
    reviews.close()
