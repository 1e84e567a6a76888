"""The review-outcome handlers under the idempotent consumer, on the in-memory event store: effects once,
refusals with a reason, and the `on_granted` seam for other modules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import TenantCatalog, load_tenants
from applications.domain import Applicant, Application, CategoryOffer, Status
from applications.entrypoints.consumer import merge_handlers
from applications.entrypoints.consumer import outcome_handlers as handlers
from applications.rulesets import load_rule_book
from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent, Person
from endorsement_contracts.events import ApplicationDeferred, EndorsementDenied, InformationRequested
from eventsourcing.persistence import Tracking
from rule_builders import context, fill, satisfying, shipped
from servicekit.consumer import IdempotentConsumer, RejectedMessage

CONFIG = Path(__file__).resolve().parents[4] / "config"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFA = shipped("IFA", TODAY)
CASE = uuid4()
REVIEWER = uuid4()


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    """ITMHCA with its rules, and a second association (no applications needed there)."""
    itmhca = load_tenants(CONFIG / "tenants").get("itmhca")
    assert itmhca is not None
    tenants = TenantCatalog({"itmhca": itmhca, "lakes-aimh": replace(itmhca, slug="lakes-aimh")})
    rules, competencies = load_rule_book(CONFIG / "rulesets", {"itmhca": itmhca.categories.keys()})
    app = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


def a_submitted(service: ApplicationsService) -> Application:
    offer = CategoryOffer({"IFA": "Infant Family Associate"})
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", offer)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    service.save(application)
    return application


def person(application: Application) -> Person:
    a = application.applicant
    return Person(account_id=a.account_id, name=a.name, email=a.email)


def information_requested(application: Application, **changes: Any) -> InformationRequested:
    fields: dict[str, Any] = {
        "tenant": "itmhca",
        "occurred_at": NOW + timedelta(days=1),
        "review_case_id": CASE,
        "application_id": application.id,
        "submission_number": 1,
        "applicant": person(application),
        "category": "IFA",
        "stage": "review",
        "items": ["Upload the RSC log"],
        "message": None,
        "requested_by": REVIEWER,
        "requested_by_role": "reviewer",
    }
    return InformationRequested(**{**fields, **changes})


def granted(application: Application) -> EndorsementGranted:
    return EndorsementGranted(
        tenant="itmhca",
        occurred_at=NOW + timedelta(days=5),
        endorsement_id=uuid4(),
        review_case_id=CASE,
        application_id=application.id,
        applicant=person(application),
        category="IFA",
        category_name="Infant Family Associate",
        effective_date=date(2026, 3, 6),
        renewal_date=date(2027, 1, 15),
        granted_by=REVIEWER,
    )


def envelope(event: IntegrationEvent) -> Envelope:
    return Envelope(
        id=str(uuid4()), source="/services/reviews", type=event.type_name(), time=event.occurred_at, event=event
    )


class Offsets:
    def __init__(self) -> None:
        self.next = 0

    def __call__(self, consumer: IdempotentConsumer) -> Tracking:
        self.next += 1
        return consumer.tracking_for("endorsement.reviews.v1", 0, self.next)


@pytest.fixture
def offset() -> Offsets:
    return Offsets()


def test_an_information_request_returns_the_application_once(service: ApplicationsService, offset: Offsets) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))
    record = envelope(information_requested(application))
    first = offset(consumer)

    assert consumer.process(record, first) == "processed"
    assert consumer.process(record, first) == "duplicate"  # redelivered: recognised by its position
    assert consumer.process(record, offset(consumer)) == "duplicate"  # republished: recognised by its content

    stored = service.outcome_target("itmhca", application.id)
    assert stored.status is Status.RETURNED
    assert stored.version == application.version + 1
    assert stored.information_request is not None
    assert stored.information_request.items == ("Upload the RSC log",)
    assert stored.information_request.requested_at == NOW + timedelta(days=1)


def test_a_deferral_keeps_its_earliest_rereview_date(service: ApplicationsService, offset: Offsets) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))
    deferral = ApplicationDeferred(
        tenant="itmhca",
        occurred_at=NOW + timedelta(days=2),
        review_case_id=CASE,
        application_id=application.id,
        applicant=person(application),
        category="IFA",
        reasons=["More RSC hours"],
        recommendations=["12 hours of RSC"],
        earliest_rereview_on=date(2026, 9, 1),
        deferred_by=REVIEWER,
    )

    assert consumer.process(envelope(deferral), offset(consumer)) == "processed"

    stored = service.outcome_target("itmhca", application.id)
    assert stored.status is Status.DEFERRED
    assert stored.deferral is not None and stored.deferral.earliest_rereview_on == date(2026, 9, 1)


def test_an_outcome_for_an_unknown_tenant_is_rejected(service: ApplicationsService, offset: Offsets) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))

    with pytest.raises(RejectedMessage, match="unknown tenant 'nowhere-aimh'"):
        consumer.process(envelope(information_requested(application, tenant="nowhere-aimh")), offset(consumer))


def test_an_outcome_for_an_application_this_service_does_not_hold_is_rejected(
    service: ApplicationsService, offset: Offsets
) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))
    unknown = uuid4()

    with pytest.raises(RejectedMessage, match=f"application {unknown}, which this service does not hold"):
        consumer.process(envelope(information_requested(application, application_id=unknown)), offset(consumer))


def test_an_outcome_naming_another_associations_tenant_is_rejected(
    service: ApplicationsService, offset: Offsets
) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))

    with pytest.raises(RejectedMessage, match="does not hold for association 'lakes-aimh'"):
        consumer.process(envelope(information_requested(application, tenant="lakes-aimh")), offset(consumer))

    assert service.outcome_target("itmhca", application.id).status is Status.SUBMITTED


def test_an_outcome_that_does_not_fit_the_status_is_rejected_with_the_reason(
    service: ApplicationsService, offset: Offsets
) -> None:
    application = a_submitted(service)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))

    with pytest.raises(RejectedMessage, match="cannot take the outcome returned about submission 3"):
        consumer.process(envelope(information_requested(application, submission_number=3)), offset(consumer))

    assert service.outcome_target("itmhca", application.id).status is Status.SUBMITTED


def test_an_outcome_after_the_withdrawal_is_taken_without_effect(service: ApplicationsService, offset: Offsets) -> None:
    application = a_submitted(service)
    application.withdraw("Moving abroad")
    service.save(application)
    consumer = IdempotentConsumer(service, group_id="applications", handlers=handlers(service))
    denial = EndorsementDenied(
        tenant="itmhca",
        occurred_at=NOW,
        review_case_id=CASE,
        application_id=application.id,
        applicant=person(application),
        category="IFA",
        reasons=["Out of state"],
        denied_by=REVIEWER,
    )
    tracking = offset(consumer)

    assert consumer.process(envelope(denial), tracking) == "duplicate"

    assert service.has_processed(tracking)
    assert service.outcome_target("itmhca", application.id).status is Status.WITHDRAWN


def test_other_effects_of_a_grant_are_saved_with_the_endorsement(service: ApplicationsService, offset: Offsets) -> None:
    application = a_submitted(service)
    seen: list[tuple[UUID, Status]] = []
    made: list[Application] = []

    def start_a_holder_record(event: EndorsementGranted, endorsed: Application) -> list[Application]:
        seen.append((event.endorsement_id, endorsed.status))
        if made:
            return []  # already done: a hook is idempotent too
        record = Application.start("itmhca", endorsed.applicant, "IFA", CategoryOffer({"IFA": "IFA"}))
        made.append(record)
        return [record]

    consumer = IdempotentConsumer(
        service, group_id="applications", handlers=handlers(service, on_granted=[start_a_holder_record])
    )
    grant = envelope(granted(application))

    assert consumer.process(grant, offset(consumer)) == "processed"
    assert consumer.process(grant, offset(consumer)) == "duplicate"

    endorsed = service.outcome_target("itmhca", application.id)
    assert endorsed.status is Status.ENDORSED
    assert endorsed.endorsement is not None
    assert endorsed.endorsement.endorsement_id == grant.event.endorsement_id  # type: ignore[attr-defined]
    assert service.outcome_target("itmhca", made[0].id).status is Status.DRAFT
    assert [status for _, status in seen] == [Status.ENDORSED, Status.ENDORSED]


def test_two_modules_cannot_both_handle_one_event_type(service: ApplicationsService) -> None:
    outcomes = handlers(service)

    with pytest.raises(ValueError, match=r"two handlers for EndorsementGranted\.v1"):
        merge_handlers(outcomes, {EndorsementGranted: outcomes[EndorsementGranted]})
