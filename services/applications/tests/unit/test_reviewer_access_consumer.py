"""The reviewer-access handlers under the idempotent consumer, on the in-memory event store: each assignment and
release applies once, late ones change nothing, records about unknown applications are refused with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import Applicant, Application, CategoryOffer
from applications.entrypoints import consumer as handlers_of
from applications.rulesets import load_rule_book
from applications.use_cases.holdings import HoldingCases
from endorsement_contracts import Envelope, IntegrationEvent
from endorsement_contracts.events import ReviewerAssigned, ReviewerReleased
from rule_builders import context, fill, satisfying, shipped
from servicekit.consumer import IdempotentConsumer, RejectedMessage

CONFIG = Path(__file__).resolve().parents[4] / "config"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFA = shipped("IFA", TODAY)
CASE = uuid4()
MIA = "mia.mentor@itmhca.example"


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    tenants = load_tenants(CONFIG / "tenants")
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    rules, competencies = load_rule_book(CONFIG / "rulesets", {"itmhca": itmhca.categories.keys()})
    app = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


@pytest.fixture
def consumer(service: ApplicationsService) -> IdempotentConsumer:
    return IdempotentConsumer(service, group_id="applications", handlers=handlers_of.reviewer_access_handlers(service))


def a_submitted(service: ApplicationsService) -> Application:
    offer = CategoryOffer({"IFA": "Infant Family Associate"})
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", offer)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    service.save(application)
    return application


def assigned(application: Application, **changes: Any) -> ReviewerAssigned:
    fields: dict[str, Any] = {
        "tenant": "itmhca",
        "occurred_at": NOW + timedelta(days=1),
        "review_case_id": CASE,
        "application_id": application.id,
        "category": "IFA",
        "reviewer_email": MIA,
        "reviewer_name": "Mia Mentor",
        "slot": 1,
        "assigned_by": uuid4(),
    }
    return ReviewerAssigned(**{**fields, **changes})


def released(application: Application, **changes: Any) -> ReviewerReleased:
    fields: dict[str, Any] = {
        "tenant": "itmhca",
        "occurred_at": NOW + timedelta(days=2),
        "review_case_id": CASE,
        "application_id": application.id,
        "reviewer_email": MIA,
        "reason": "declined",
    }
    return ReviewerReleased(**{**fields, **changes})


def envelope(event: IntegrationEvent) -> Envelope:
    return Envelope(
        id=str(uuid4()), source="/services/reviews", type=event.type_name(), time=event.occurred_at, event=event
    )


class Offsets:
    def __init__(self, consumer: IdempotentConsumer) -> None:
        self.consumer, self.next = consumer, 0

    def __call__(self) -> Any:
        self.next += 1
        return self.consumer.tracking_for("endorsement.reviews.v1", 0, self.next)


def test_an_assignment_and_its_release_each_apply_once(
    service: ApplicationsService, consumer: IdempotentConsumer
) -> None:
    # given a submitted application
    application = a_submitted(service)
    offset = Offsets(consumer)
    grant, end = envelope(assigned(application)), envelope(released(application))
    # when the assignment is delivered, redelivered at its offset and republished at a later one
    first = offset()
    assert consumer.process(grant, first) == "processed"
    assert consumer.process(grant, first) == "duplicate"
    assert consumer.process(grant, offset()) == "duplicate"
    # then the reviewer may read it, from one stored grant
    stored = service.outcome_target("itmhca", application.id)
    assert stored.reviewer_may_read(service.rater_subject("itmhca", MIA))
    assert stored.version == application.version + 1
    # and when the release arrives, twice, followed by a republished copy of the assignment
    assert consumer.process(end, offset()) == "processed"
    assert consumer.process(end, offset()) == "duplicate"
    assert consumer.process(grant, offset()) == "duplicate"
    # then access ended once and stays ended
    stored = service.outcome_target("itmhca", application.id)
    assert not stored.reviewer_may_read(service.rater_subject("itmhca", MIA))
    assert stored.version == application.version + 2


def test_a_withdrawn_application_takes_no_late_assignment_and_still_records_a_release(
    service: ApplicationsService, consumer: IdempotentConsumer
) -> None:
    application = a_submitted(service)
    offset = Offsets(consumer)
    consumer.process(envelope(assigned(application)), offset())
    stored = service.outcome_target("itmhca", application.id)
    stored.withdraw("Moving abroad")
    service.save(stored)

    assert consumer.process(envelope(assigned(application, reviewer_email="late@itmhca.example")), offset()) == (
        "duplicate"
    )
    assert consumer.process(envelope(released(application, reason="case_closed")), offset()) == "processed"
    assert service.outcome_target("itmhca", application.id).reviewers_with_access == frozenset()


@pytest.mark.parametrize("event", [assigned, released])
def test_records_about_unknown_applications_or_associations_are_refused(
    service: ApplicationsService, consumer: IdempotentConsumer, event: Any
) -> None:
    application = a_submitted(service)
    offset = Offsets(consumer)
    unknown = uuid4()

    with pytest.raises(RejectedMessage, match=f"application {unknown}, which this service does not hold"):
        consumer.process(envelope(event(application, application_id=unknown)), offset())
    with pytest.raises(RejectedMessage, match="unknown tenant 'nowhere-aimh'"):
        consumer.process(envelope(event(application, tenant="nowhere-aimh")), offset())
    assert service.outcome_target("itmhca", application.id).reviewer_grants == {}


def test_the_handlers_join_the_consumers_table_without_a_clash(service: ApplicationsService) -> None:
    merged = handlers_of.merge_handlers(
        handlers_of.outcome_handlers(service, on_granted=[handlers_of.grant_hook(HoldingCases(service))]),
        handlers_of.holding_handlers(HoldingCases(service)),
        handlers_of.reviewer_access_handlers(service),
    )
    assert {ReviewerAssigned, ReviewerReleased} <= merged.keys()
