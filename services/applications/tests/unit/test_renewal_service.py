"""The holdings, renewal and reinstatement use cases on the in-memory event store, driven by the reviews service's
endorsement events through the consumer's handlers, and what the outbox publishes for a renewal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import Actor, Applicant, Application, Status
from applications.domain.holdings import Holding, HoldingStatus
from applications.domain.renewal_errors import (
    ApplicationAlreadyOpen,
    CategoryAlreadyHeld,
    EndorsementNotActive,
    EndorsementNotHeld,
    NotARenewal,
    RenewalAlreadyOpen,
    RenewalNotOpen,
)
from applications.domain.renewals import ApplicationKind
from applications.entrypoints import consumer as handlers_of
from applications.rulesets import load_rule_book
from applications.translation import Translator
from applications.use_cases.holdings import HoldingCases
from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events.applications import ApplicationStarted, ReinstatementSubmitted, RenewalSubmitted
from renewal_journeys import (
    complete_reinstatement,
    complete_renewal,
    envelope,
    granted,
    lapsed,
    renewal_approved,
)
from rule_builders import RULESETS
from servicekit.consumer import IdempotentConsumer, RejectedMessage

TENANTS = RULESETS.parent / "tenants"
NOV_2_2026 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)  # 11:00 in Arizona: the 2026 renewal window is open


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOV_2_2026)


@pytest.fixture
def service(clock: Clock) -> Iterator[ApplicationsService]:
    tenants = load_tenants(TENANTS)
    rules, competencies = load_rule_book(RULESETS, {t.slug: t.categories.keys() for t in tenants})
    app = ApplicationsService(
        tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock
    )
    yield app
    app.close()


@pytest.fixture
def consumer(service: ApplicationsService) -> IdempotentConsumer:
    """As the composition root wires it: the grant's holding is a hook of the review-outcome handler."""
    holdings = HoldingCases(service)
    handlers = handlers_of.merge_handlers(
        handlers_of.outcome_handlers(service, on_granted=[handlers_of.grant_hook(holdings)]),
        handlers_of.holding_handlers(holdings),
    )
    return IdempotentConsumer(service, group_id="tests", handlers=handlers)


class Offsets:
    def __init__(self) -> None:
        self.next = 0

    def deliver(self, consumer: IdempotentConsumer, event: IntegrationEvent) -> str:
        self.next += 1
        return consumer.process(envelope(event), consumer.tracking_for("endorsement.reviews.v1", 0, self.next))


def holder() -> tuple[Actor, Applicant]:
    account = uuid4()
    return Actor(account, "itmhca", frozenset({"applicant"})), Applicant(account, "Dana Reyes", "dana@example.org")


def held(service: ApplicationsService, actor: Actor, **fields: Any) -> Holding:
    """The holding a grant creates (as the grant hook saves it with the endorsed application)."""
    event = granted(actor, **fields)
    service.save(*handlers_of.on_endorsement_granted(HoldingCases(service), event))
    return HoldingCases(service).get_holding(actor, event.endorsement_id)


def published(service: ApplicationsService, application: Application) -> list[IntegrationEvent]:
    """What the outbox relay would publish for the application's stored events."""
    translate = Translator(service.load_version, service.reference_links)
    found = []
    for notification in service.recorder.select_notifications(1, 10_000):
        event = service.mapper.to_domain_event(notification)
        if event.originator_id == application.id and (integration := translate(event)) is not None:
            found.append(integration)
    return found


def test_a_grant_creates_the_holding_once(service: ApplicationsService) -> None:
    actor, _ = holder()
    event = granted(actor)

    first = handlers_of.on_endorsement_granted(HoldingCases(service), event)
    service.save(*first)
    again = handlers_of.on_endorsement_granted(HoldingCases(service), event)

    assert [type(a).__name__ for a in first] == ["Holding", "Portfolio"]
    assert again == []
    holding = HoldingCases(service).get_holding(actor, event.endorsement_id)
    assert (holding.category, holding.status, holding.renewal_date, holding.removal_date) == (
        "IFS",
        HoldingStatus.ACTIVE,
        date(2026, 12, 15),
        date(2027, 2, 1),
    )


def test_a_holder_renews_in_the_window_and_the_outbox_publishes_renewal_submitted(service: ApplicationsService) -> None:
    actor, applicant = holder()
    holding = held(service, actor)

    renewal = HoldingCases(service).start_renewal(actor, applicant, holding.id)
    complete_renewal(service, actor, renewal.id)
    submitted = service.submit(renewal.id, actor)

    assert (submitted.kind, submitted.endorsement_id, submitted.renewal_year) == (
        ApplicationKind.RENEWAL,
        holding.id,
        2026,
    )
    assert (submitted.status, submitted.exam_required) == (Status.SUBMITTED, False)
    started, renewal_submitted = published(service, submitted)
    assert isinstance(started, ApplicationStarted)
    assert (started.kind, started.endorsement_id) == ("renewal", holding.id)
    assert isinstance(renewal_submitted, RenewalSubmitted)
    assert (renewal_submitted.endorsement_id, renewal_submitted.renewal_year, renewal_submitted.category) == (
        holding.id,
        2026,
        "IFS",
    )
    assert renewal_submitted.rule_set_version == "itmhca/IFS/2025-01-01"
    assert renewal_submitted.details["provides_rsc"] == "true"
    assert {o.code for o in renewal_submitted.requirement_report} >= {
        "RENEWAL_TRAINING_HOURS",
        "RENEWAL_DEI_HOURS",
        "RENEWAL_RSC_PROVISION_HOURS",
        "RENEWAL_RSC_HOURS",
        "FEE_RENEWAL",
    }
    assert [s.application_id for s in HoldingCases(service).get_holding(actor, holding.id).started] == [renewal.id]


def test_a_second_renewal_of_the_same_year_waits_for_the_first_to_be_withdrawn(service: ApplicationsService) -> None:
    actor, applicant = holder()
    holding = held(service, actor)
    first = HoldingCases(service).start_renewal(actor, applicant, holding.id)

    with pytest.raises(RenewalAlreadyOpen):
        HoldingCases(service).start_renewal(actor, applicant, holding.id)
    service.withdraw(first.id, actor, "started it twice by mistake")

    assert HoldingCases(service).start_renewal(actor, applicant, holding.id).kind is ApplicationKind.RENEWAL


def test_the_window_closes_on_the_removal_date(service: ApplicationsService, clock: Clock) -> None:
    actor, applicant = holder()
    holding = held(service, actor)
    clock.now = datetime(2027, 2, 2, 7, 0, tzinfo=UTC)  # 2027-02-02 00:00 in Arizona

    with pytest.raises(RenewalNotOpen, match="until 2027-02-01"):
        HoldingCases(service).start_renewal(actor, applicant, holding.id)


def test_only_the_holder_can_renew(service: ApplicationsService) -> None:
    actor, _ = holder()
    holding = held(service, actor)
    other, other_applicant = holder()

    with pytest.raises(EndorsementNotHeld):
        HoldingCases(service).start_renewal(other, other_applicant, holding.id)
    with pytest.raises(EndorsementNotHeld):
        HoldingCases(service).get_holding(other, holding.id)
    coordinator = Actor(uuid4(), "itmhca", frozenset({"coordinator"}))
    assert HoldingCases(service).get_holding(coordinator, holding.id).id == holding.id


def test_a_held_category_is_refused_and_a_second_category_is_allowed(service: ApplicationsService) -> None:
    actor, applicant = holder()
    held(service, actor, category="IFS")

    with pytest.raises(CategoryAlreadyHeld):
        service.start(actor, applicant, "IFS")
    second = service.start(actor, applicant, "IMHS")

    assert (second.kind, second.category) == (ApplicationKind.INITIAL, "IMHS")


def test_an_open_application_in_a_category_refuses_another_until_withdrawn(service: ApplicationsService) -> None:
    actor, applicant = holder()
    first = service.start(actor, applicant, "IFA")

    with pytest.raises(ApplicationAlreadyOpen):
        service.start(actor, applicant, "IFA")
    service.withdraw(first.id, actor, "wrong category")

    assert service.start(actor, applicant, "IFA").id != first.id


def test_a_lapse_event_opens_the_way_to_a_reinstatement_only(
    service: ApplicationsService, consumer: IdempotentConsumer, clock: Clock
) -> None:
    actor, applicant = holder()
    holding = held(service, actor)
    offsets = Offsets()
    clock.now = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)

    assert offsets.deliver(consumer, lapsed(holding.id)) == "processed"
    assert offsets.deliver(consumer, lapsed(holding.id)) == "duplicate"  # a republished copy changes nothing

    with pytest.raises(EndorsementNotActive):
        HoldingCases(service).start_renewal(actor, applicant, holding.id)
    reinstatement = HoldingCases(service).start_reinstatement(actor, applicant, holding.id)
    complete_reinstatement(service, actor, reinstatement.id)
    submitted = service.submit(reinstatement.id, actor)

    assert (submitted.kind, submitted.lapsed_on, submitted.exam_required) == (
        ApplicationKind.REINSTATEMENT,
        date(2027, 2, 2),
        False,
    )
    assert isinstance(published(service, submitted)[-1], ReinstatementSubmitted)
    assert HoldingCases(service).get_holding(actor, holding.id).status is HoldingStatus.LAPSED


def test_a_renewal_approval_moves_the_renewal_date_once(
    service: ApplicationsService, consumer: IdempotentConsumer
) -> None:
    actor, _ = holder()
    holding = held(service, actor)
    offsets, renewal_id = Offsets(), uuid4()

    assert offsets.deliver(consumer, renewal_approved(holding.id, renewal_id)) == "processed"
    assert offsets.deliver(consumer, renewal_approved(holding.id, renewal_id)) == "duplicate"

    after = HoldingCases(service).get_holding(actor, holding.id)
    assert (after.renewal_date, after.removal_date, after.version) == (date(2027, 12, 15), date(2028, 2, 1), 2)


def test_an_event_about_an_unknown_endorsement_is_refused_for_the_dead_letter_topic(
    service: ApplicationsService, consumer: IdempotentConsumer
) -> None:
    with pytest.raises(RejectedMessage, match="no endorsement"):
        Offsets().deliver(consumer, lapsed(uuid4()))


def test_inactive_status_is_recorded_on_the_holders_request(service: ApplicationsService) -> None:
    actor, _ = holder()
    holding = held(service, actor)

    inactive = HoldingCases(service).request_inactive(actor, holding.id, "family leave")

    assert (inactive.status, inactive.inactive_reason, inactive.history[-1].on) == (
        HoldingStatus.INACTIVE,
        "family leave",
        date(2026, 11, 2),
    )


def test_an_initial_application_declares_no_rsc_provision(service: ApplicationsService) -> None:
    actor, applicant = holder()
    application = service.start(actor, applicant, "IFS")

    with pytest.raises(NotARenewal):
        HoldingCases(service).declare_rsc_provision(application.id, actor, True)


def test_an_association_that_endorses_one_category_at_a_time_says_so_in_its_tenant_file(
    tmp_path: Path, clock: Clock
) -> None:
    text = (TENANTS / "itmhca.yaml").read_text(encoding="utf-8")
    (tmp_path / "itmhca.yaml").write_text(
        text.replace("one_category_at_a_time: false", "one_category_at_a_time: true"), encoding="utf-8"
    )
    tenants = load_tenants(tmp_path)
    rules, competencies = load_rule_book(RULESETS, {t.slug: t.categories.keys() for t in tenants})
    app = ApplicationsService(
        tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock
    )
    try:
        actor, applicant = holder()
        first = app.start(actor, applicant, "IFA")

        with pytest.raises(ApplicationAlreadyOpen, match="one category at a time"):
            app.start(actor, applicant, "IFS")
        app.withdraw(first.id, actor, "changed my mind")

        assert app.start(actor, applicant, "IFS").category == "IFS"
    finally:
        app.close()


def test_an_erased_holders_endorsement_still_lapses_and_is_revoked_keeping_no_reason(
        service: ApplicationsService) -> None:
    """Nothing can be sealed for a holder erased here, yet the reviews service may still lapse or revoke."""
    actor, _ = holder()
    endorsement_id = held(service, actor).id
    service.keys.destroy(f"account:{actor.account_id}")
    holdings = HoldingCases(service)

    service.save(*holdings.holding_lapsed("itmhca", endorsement_id, date(2027, 2, 2), "not renewed"))
    service.save(*holdings.holding_revoked("itmhca", endorsement_id, date(2027, 3, 1), "misconduct"))

    holding = service.find(Holding, endorsement_id)
    assert holding is not None and holding.status is HoldingStatus.REVOKED
    assert [(change.what, change.detail) for change in holding.history[1:]] == [("lapsed", ""), ("revoked", "")]
