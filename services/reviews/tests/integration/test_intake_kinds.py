"""On PostgreSQL: every kind of submission opens its case once, however often it is delivered or republished;
an application's resubmission (ApplicationResubmitted) resumes the paused case; a renewal or reinstatement about an
endorsement this association does not hold is refused with nothing saved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, Envelope, IntegrationEvent, Person, decode, encode
from endorsement_contracts.events.applications import (
    ApplicationResubmitted,
    ReinstatementSubmitted,
    RenewalSubmitted,
    RequirementOutcome,
)
from reviews.application import Reviews
from reviews.config import TenantCatalog, load_tenants
from reviews.domain import Actor, CaseKind, review_case_id
from reviews.entrypoints.consumer import handlers
from servicekit.consumer import IdempotentConsumer, RejectedMessage

NO_HOLDINGS = lambda tenant, account_id: []  # noqa: E731 (no test here holds an endorsement)
TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"
HOLDER = Person(account_id=uuid4(), name="Hana Holder", email="hana@example.org")
COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
REPORT = [RequirementOutcome(code="RENEWAL_HOURS", met=True, detail="15 of 15 hours")]


def envelope_of(event: IntegrationEvent) -> Envelope:
    record = encode(event, event_id=uuid4(), source="/services/applications")
    return decode(record.headers, record.value)


def common(application_id: UUID, number: int = 1) -> dict[str, Any]:
    return {"tenant": "itmhca", "occurred_at": datetime.now(UTC) - timedelta(hours=1) + timedelta(minutes=number),
            "application_id": application_id, "submission_number": number, "applicant": HOLDER, "category": "IFS",
            "category_name": "Infant Family Specialist", "rule_set_version": "itmhca/IFS/2025-01-01"}


@pytest.fixture
def reviews(open_store: Callable[[], Reviews]) -> Iterator[Reviews]:
    app = open_store()
    yield app
    app.close()


@pytest.fixture
def tenants() -> TenantCatalog:
    return load_tenants(TENANTS_DIR)


def granted_endorsement(reviews: Reviews, tenants: TenantCatalog, consumer: IdempotentConsumer) -> UUID:
    application_id = uuid4()
    consumer.process(envelope_of(ApplicationSubmitted(**common(application_id))),
                     consumer.tracking_for(APPLICATIONS.name, 5, 100))
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    case = reviews.decisions.approve(review_case_id(application_id, 1), tenant=itmhca, by=COORDINATOR,
                                     now=datetime.now(UTC))
    assert case.case.endorsement_id is not None
    return case.case.endorsement_id


def test_every_submission_kind_opens_one_case_however_often_delivered(reviews: Reviews,
                                                                      tenants: TenantCatalog) -> None:
    consumer = IdempotentConsumer(reviews, group_id="reviews",
                                  handlers=handlers(reviews, tenants, holdings=NO_HOLDINGS))
    endorsement_id = granted_endorsement(reviews, tenants, consumer)
    application, renewal, reinstatement = uuid4(), uuid4(), uuid4()
    submissions: list[tuple[IntegrationEvent, CaseKind]] = [
        (ApplicationSubmitted(**common(application)), CaseKind.INITIAL),
        (RenewalSubmitted(**common(renewal), endorsement_id=endorsement_id, renewal_year=date.today().year,
                          requirement_report=REPORT), CaseKind.RENEWAL),
        (ReinstatementSubmitted(**common(reinstatement), endorsement_id=endorsement_id, requirement_report=REPORT),
         CaseKind.REINSTATEMENT),
    ]
    for offset, (event, kind) in enumerate(submissions):
        envelope = envelope_of(event)
        tracking = consumer.tracking_for(APPLICATIONS.name, 1, offset)
        # when each is delivered, redelivered at the same offset, and republished at a later one
        outcomes = [consumer.process(envelope, tracking), consumer.process(envelope, tracking),
                    consumer.process(envelope, consumer.tracking_for(APPLICATIONS.name, 2, 50 + offset))]
        # then it opened one case of its kind, with one event
        assert outcomes == ["processed", "duplicate", "duplicate"], kind
        case_id = review_case_id(event.application_id, 1)  # type: ignore[attr-defined]
        assert [type(e).__name__ for e in reviews.events.get(case_id)] == ["Opened"]
        case = reviews.get_case(case_id, "itmhca")
        assert case.kind is kind
        assert case.endorsement_id == (None if kind is CaseKind.INITIAL else endorsement_id)
        assert (case.cycle is None) == (kind is CaseKind.RENEWAL)  # ITMHCA reviews applications by quarter
    assert consumer.stats.by_type == {"ApplicationSubmitted.v1": 2, "RenewalSubmitted.v1": 1,
                                      "ReinstatementSubmitted.v1": 1}


def test_a_resubmission_resumes_the_paused_case_once(reviews: Reviews, tenants: TenantCatalog) -> None:
    consumer = IdempotentConsumer(reviews, group_id="reviews",
                                  handlers=handlers(reviews, tenants, holdings=NO_HOLDINGS))
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    application = uuid4()
    consumer.process(envelope_of(ApplicationSubmitted(**common(application))),
                     consumer.tracking_for(APPLICATIONS.name, 0, 1))
    case_id = review_case_id(application, 1)
    reviews.intake.return_incomplete(case_id, tenant=itmhca, by=COORDINATOR, items=["Transcript"])
    resubmitted = envelope_of(ApplicationResubmitted(**common(application, 2), in_response_to="information_request"))
    outcomes = [consumer.process(resubmitted, consumer.tracking_for(APPLICATIONS.name, 0, 2)),
                consumer.process(resubmitted, consumer.tracking_for(APPLICATIONS.name, 0, 3))]
    assert outcomes == ["processed", "duplicate"]
    assert [type(e).__name__ for e in reviews.events.get(case_id)] == [
        "Opened", "ReturnedIncomplete", "InformationReceived"]
    assert review_case_id(application, 2) not in reviews.repository
    assert reviews.get_case(case_id, "itmhca").latest_submission == 2


def test_a_renewal_about_an_unknown_or_different_endorsement_is_refused(reviews: Reviews,
                                                                        tenants: TenantCatalog) -> None:
    consumer = IdempotentConsumer(reviews, group_id="reviews",
                                  handlers=handlers(reviews, tenants, holdings=NO_HOLDINGS))
    endorsement_id = granted_endorsement(reviews, tenants, consumer)
    handle = consumer.handlers[RenewalSubmitted]
    unknown = RenewalSubmitted(**common(uuid4()), endorsement_id=uuid4(), renewal_year=2026,
                               requirement_report=REPORT)
    other_category = ReinstatementSubmitted(**{**common(uuid4()), "category": "IMHS",
                                               "category_name": "Infant Mental Health Specialist"},
                                            endorsement_id=endorsement_id, requirement_report=REPORT)
    with pytest.raises(RejectedMessage, match="has no endorsement"):
        handle(envelope_of(unknown))
    with pytest.raises(RejectedMessage, match="is in IFS, not IMHS"):
        consumer.handlers[ReinstatementSubmitted](envelope_of(other_category))
    for event in (unknown, other_category):
        assert review_case_id(event.application_id, 1) not in reviews.repository
