"""Events stored while the aggregates recorded them through `@event` mutator methods still load now that each event
class applies itself (docs/service-skeleton.md, "Stored events: one idiom"): each topic resolves to its event class,
an event object as the store decodes it (`object.__new__` and its state, as `eventsourcing.persistence.Mapper` does)
changes the aggregate as the mutator did, and the states `RECORDED` (stored by that code; values that are not sealed)
decode and replay, and are what the code stores now. Older shapes (fields absent, plaintext values) are covered by
`test_legacy_events.py`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import (
    AgeBand,
    Applicant,
    Application,
    Attestation,
    AttestationKind,
    CategoryOffer,
    FeeKind,
    FeePayment,
    Membership,
    Status,
    Tab,
    WorkActivity,
    WorkEntry,
)
from applications.domain.entries import PersonalEntry, PersonalRecord
from applications.domain.holdings import Holding, HoldingStatus
from applications.domain.portfolio import Portfolio
from applications.domain.reference_drafts import ReferenceDraft
from applications.domain.renewals import ApplicationKind
from applications.domain.values import PersonalText, Profile
from applications.rulesets import load_rule_book
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

TOPICS = {
    "applications.domain.model:Application.DetailsUpdated": "DetailsUpdated",
    "applications.domain.model:Application.MembershipRecorded": "MembershipRecorded",
    "applications.domain.model:Application.EntryAdded": "EntryAdded",
    "applications.domain.model:Application.EntryReplaced": "EntryReplaced",
    "applications.domain.model:Application.EntryRemoved": "EntryRemoved",
    "applications.domain.model:Application.Attested": "Attested",
    "applications.domain.model:Application.AttestationWithdrawn": "AttestationWithdrawn",
    "applications.domain.model:Application.FeeRecorded": "FeeRecorded",
    "applications.domain.model:Application.Submitted": "Submitted",
    "applications.domain.model:Application.Withdrawn": "Withdrawn",
    "applications.domain.holdings:Holding.Renewed": "Renewed",
    "applications.domain.holdings:Holding.Lapsed": "Lapsed",
    "applications.domain.holdings:Holding.Reinstated": "Reinstated",
    "applications.domain.holdings:Holding.Revoked": "Revoked",
    "applications.domain.holdings:Holding.MadeInactive": "MadeInactive",
    "applications.domain.holdings:Holding.RenewalStarted": "RenewalStarted",
    "applications.domain.holdings:Holding.ReinstatementStarted": "ReinstatementStarted",
    "applications.domain.portfolio:Portfolio.ApplicationAdded": "ApplicationAdded",
    "applications.domain.portfolio:Portfolio.EndorsementAdded": "EndorsementAdded",
    "applications.domain.reference_drafts:ReferenceDraft.Saved": "Saved",
}
AGGREGATES: dict[str, type[Aggregate]] = {"model": Application, "holdings": Holding, "portfolio": Portfolio,
                                          "reference_drafts": ReferenceDraft}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
TENANT = "itmhca"
JOB = WorkEntry("Early Head Start", "Home visitor", date(2020, 1, 6), None, paid=True, supervised=True,
                families_served=14, age_band=AgeBand.INFANT_TODDLER, activities=(WorkActivity.DIRECT_SERVICE,))


@pytest.mark.parametrize(("topic", "name"), TOPICS.items())
def test_each_stored_topic_resolves_to_the_aggregates_event_class(topic: str, name: str) -> None:
    module = topic.split(":", 1)[0].rsplit(".", 1)[-1]
    cls = resolve_topic(topic)

    assert cls is getattr(AGGREGATES[module], name)
    assert get_topic(cls) == topic


def replay(aggregate: Aggregate, topic: str, **state: Any) -> None:
    """Decode a stored event the way the store's mapper does, then apply it."""
    event = object.__new__(resolve_topic(topic))
    event.__dict__.update(originator_id=aggregate.id, originator_version=aggregate.version + 1,
                          timestamp=NOW, **state)
    event.mutate(aggregate)


def app_topic(name: str) -> str:
    return f"applications.domain.model:Application.{name}"


def test_an_application_replays_every_stored_change() -> None:
    applicant = Applicant(uuid4(), "Dana Reyes", "dana@example.org")
    application = Application.start(TENANT, applicant, "IFA", CategoryOffer({"IFA": "Infant Family Associate"}))
    subject = applicant.subject
    entry_id = uuid4()
    membership = Membership("itmhca", date(2027, 1, 1), "M-1")
    fee = FeePayment(FeeKind.PROCESSING, 5000, "R-1", TODAY)
    shorter = WorkEntry("Early Head Start", "Home visitor", date(2021, 1, 6), None, paid=True, supervised=True,
                        families_served=9, age_band=AgeBand.INFANT_TODDLER, activities=(WorkActivity.DIRECT_SERVICE,))

    replay(application, app_topic("DetailsUpdated"), tenant=TENANT,
           profile=Profile(subject, "555-0100", "Pima", "My statement"), ethics_attested=False)
    replay(application, app_topic("MembershipRecorded"), tenant=TENANT,
           membership=PersonalRecord(subject, membership))
    replay(application, app_topic("EntryAdded"), tenant=TENANT, tab="work", entry_id=entry_id,
           entry=PersonalEntry(subject, JOB))
    replay(application, app_topic("EntryReplaced"), tenant=TENANT, tab="work", entry_id=entry_id,
           entry=PersonalEntry(subject, shorter))
    for kind in (AttestationKind.CODE_OF_ETHICS, AttestationKind.ENDORSEMENT_AGREEMENT):
        replay(application, app_topic("Attested"), tenant=TENANT, attestation=Attestation(kind, NOW))
    replay(application, app_topic("FeeRecorded"), tenant=TENANT, fee=PersonalRecord(subject, fee))

    assert application.details.phone == "555-0100" and application.details.statement == "My statement"
    assert application.details.ethics_attested  # both attestations signed: the checkbox follows
    assert application.membership == membership and application.fees == {FeeKind.PROCESSING: fee}
    assert dict(application.entries(Tab.WORK)) == {entry_id: shorter}

    replay(application, app_topic("AttestationWithdrawn"), tenant=TENANT, kind=AttestationKind.CODE_OF_ETHICS.value)
    replay(application, app_topic("EntryRemoved"), tenant=TENANT, tab="work", entry_id=entry_id)

    assert not application.details.ethics_attested
    assert list(application.attestations) == [AttestationKind.ENDORSEMENT_AGREEMENT]
    assert dict(application.entries(Tab.WORK)) == {}

    replay(application, app_topic("Submitted"), tenant=TENANT, submission_number=1, rule_set_version="IFA@2026",
           submitted_at=NOW, requirement_report=[{"code": "WORK", "tab": "work", "met": True,
                                                  "detail": PersonalText(subject, "2 years")}],
           exam_required=True, in_response_to=None)

    assert application.status is Status.SUBMITTED and application.submission_number == 1
    assert application.rule_set_version == "IFA@2026" and application.submitted_at == NOW
    assert application.requirement_report == [{"code": "WORK", "tab": "work", "met": True, "detail": "2 years"}]
    assert application.exam_required is True and application.in_response_to is None

    replay(application, app_topic("Withdrawn"), tenant=TENANT, why=PersonalText(subject, "Changed jobs"),
           erasure=False)

    assert application.status is Status.WITHDRAWN and application.withdrawal_reason == "Changed jobs"
    assert application.version == 12


def test_a_submission_stored_before_reports_and_exams_replays_without_them() -> None:
    application = Application.start(TENANT, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA",
                                    CategoryOffer({"IFA": "Infant Family Associate"}))

    replay(application, app_topic("Submitted"), tenant=TENANT, submission_number=1, rule_set_version="IFA@2024",
           submitted_at=NOW)

    assert application.status is Status.SUBMITTED and application.requirement_report == []
    assert application.exam_required is None and application.in_response_to is None


def test_a_withdrawal_on_erasure_replays_as_erasure() -> None:
    application = Application.start(TENANT, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA",
                                    CategoryOffer({"IFA": "Infant Family Associate"}))

    replay(application, app_topic("Withdrawn"), tenant=TENANT, why=PersonalText(None, None), erasure=True)

    assert application.status is Status.WITHDRAWN and application.withdrawal_reason == "erasure"


def a_holding() -> Holding:
    return Holding.grant(uuid4(), TENANT, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA",
                         "Infant Family Associate", uuid4(), date(2024, 3, 1), date(2025, 3, 1), date(2025, 6, 1))


def holding_topic(name: str) -> str:
    return f"applications.domain.holdings:Holding.{name}"


def test_a_holding_replays_every_stored_change() -> None:
    holding = a_holding()
    subject = holding.holder.subject
    renewal_id, reinstatement_id, renewal_application, reinstatement_application = uuid4(), uuid4(), uuid4(), uuid4()

    replay(holding, holding_topic("RenewalStarted"), tenant=TENANT, application_id=renewal_application,
           renewal_year=2025, started_on=date(2025, 1, 10))
    replay(holding, holding_topic("Renewed"), tenant=TENANT, renewal_id=renewal_id, renewed_on=date(2025, 2, 1),
           renewal_date=date(2026, 3, 1), removal_date=date(2026, 6, 1))

    assert holding.status is HoldingStatus.ACTIVE and renewal_id in holding.applied
    assert (holding.renewal_date, holding.removal_date) == (date(2026, 3, 1), date(2026, 6, 1))
    assert [(s.application_id, s.kind, s.renewal_year) for s in holding.started] == [
        (renewal_application, ApplicationKind.RENEWAL, 2025)]

    replay(holding, holding_topic("MadeInactive"), tenant=TENANT, requested_on=date(2026, 1, 5),
           why=PersonalText(subject, "Parental leave"))

    assert holding.status is HoldingStatus.INACTIVE and holding.inactive_reason == "Parental leave"

    replay(holding, holding_topic("Lapsed"), tenant=TENANT, lapsed_on=date(2026, 6, 2),
           why=PersonalText(subject, "not renewed"))

    assert holding.status is HoldingStatus.LAPSED and holding.lapsed_on == date(2026, 6, 2) and holding.lapses == 1

    replay(holding, holding_topic("ReinstatementStarted"), tenant=TENANT, application_id=reinstatement_application,
           lapse_number=1, started_on=date(2026, 7, 1))
    replay(holding, holding_topic("Reinstated"), tenant=TENANT, reinstatement_id=reinstatement_id,
           reinstated_on=date(2026, 8, 1), renewal_date=date(2027, 3, 1), removal_date=None)

    assert holding.status is HoldingStatus.ACTIVE and reinstatement_id in holding.applied
    assert (holding.renewal_date, holding.removal_date) == (date(2027, 3, 1), None)
    assert holding.started[-1].kind is ApplicationKind.REINSTATEMENT and holding.started[-1].lapse_number == 1

    replay(holding, holding_topic("Revoked"), tenant=TENANT, revoked_on=date(2026, 9, 1),
           why=PersonalText(subject, "ethics"))

    assert holding.status is HoldingStatus.REVOKED
    assert [(c.on, c.what, c.status, c.detail) for c in holding.history] == [
        (date(2024, 3, 1), "granted", HoldingStatus.ACTIVE, "IFA endorsement granted"),
        (date(2025, 1, 10), "renewal_started", HoldingStatus.ACTIVE,
         f"2025 renewal: application {renewal_application}"),
        (date(2025, 2, 1), "renewed", HoldingStatus.ACTIVE, "next renewal due 2026-03-01"),
        (date(2026, 1, 5), "inactive", HoldingStatus.INACTIVE, "Parental leave"),
        (date(2026, 6, 2), "lapsed", HoldingStatus.LAPSED, "not renewed"),
        (date(2026, 7, 1), "reinstatement_started", HoldingStatus.LAPSED, f"application {reinstatement_application}"),
        (date(2026, 8, 1), "reinstated", HoldingStatus.ACTIVE, "next renewal due 2027-03-01"),
        (date(2026, 9, 1), "revoked", HoldingStatus.REVOKED, "ethics"),
    ]


def test_an_erased_holders_reasons_replay_as_none() -> None:
    holding = a_holding()

    replay(holding, holding_topic("MadeInactive"), tenant=TENANT, requested_on=date(2024, 5, 1),
           why=PersonalText(None, None))

    assert holding.inactive_reason is None and holding.history[-1].detail == ""


def test_a_portfolio_replays_its_applications_and_endorsements() -> None:
    portfolio = Portfolio.open(TENANT, uuid4())
    application_id, endorsement_id = uuid4(), uuid4()

    replay(portfolio, "applications.domain.portfolio:Portfolio.ApplicationAdded", tenant=TENANT,
           application_id=application_id, category="IFA", kind="renewal")
    replay(portfolio, "applications.domain.portfolio:Portfolio.EndorsementAdded", tenant=TENANT,
           endorsement_id=endorsement_id, category="IFA", application_id=application_id)

    assert portfolio.applications[application_id].category == "IFA"
    assert portfolio.applications[application_id].kind is ApplicationKind.RENEWAL
    assert portfolio.endorsements[endorsement_id].application_id == application_id


def test_a_reference_draft_replays_what_the_rater_saved() -> None:
    draft = ReferenceDraft.start(TENANT, uuid4(), uuid4())
    at = NOW + timedelta(minutes=5)

    replay(draft, "applications.domain.reference_drafts:ReferenceDraft.Saved", ratings={"c1": "strong"},
           comments=PersonalText("account:x", "Very good"), at=at)

    assert draft.ratings == {"c1": "strong"} and draft.comments == "Very good" and draft.saved_at == at


def test_new_events_still_record_under_the_same_topics() -> None:
    application = Application.start(TENANT, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA",
                                    CategoryOffer({"IFA": "Infant Family Associate"}))
    application.withdraw("Changed jobs")
    holding = a_holding()
    holding.make_inactive("Parental leave", date(2024, 5, 1))
    draft = ReferenceDraft.start(TENANT, uuid4(), uuid4())
    draft.save({"c1": "strong"}, None, "account:x", NOW)

    recorded = [get_topic(type(e)) for a in (application, holding, draft) for e in a.collect_events()]

    assert recorded == [
        "applications.domain.model:Application.Started", app_topic("Withdrawn"),
        "applications.domain.holdings:Holding.Granted", holding_topic("MadeInactive"),
        "applications.domain.reference_drafts:ReferenceDraft.Started",
        "applications.domain.reference_drafts:ReferenceDraft.Saved",
    ]


CONFIG = Path(__file__).resolve().parents[4] / "config"


def at(iso: str) -> dict[str, str]:
    return {"_type_": "datetime_iso", "_data_": iso}


def day(iso: str) -> dict[str, str]:
    return {"_type_": "date_iso", "_data_": iso}


def uid(value: int) -> dict[str, str]:
    return {"_type_": "uuid_hex", "_data_": f"{value:032x}"}


RECORDED: list[tuple[str, dict[str, Any]]] = [  # after each aggregate's created event
    ("applications.domain.portfolio:Portfolio.ApplicationAdded",
     {"timestamp": at("2026-12-08T00:40:21.708690+00:00"), "tenant": "itmhca", "application_id": uid(2),
      "category": "IFA", "kind": "renewal"}),
    ("applications.domain.portfolio:Portfolio.EndorsementAdded",
     {"timestamp": at("2026-12-08T00:40:21.708787+00:00"), "tenant": "itmhca", "endorsement_id": uid(3),
      "category": "IFA", "application_id": uid(2)}),
    ("applications.domain.holdings:Holding.Renewed",
     {"timestamp": at("2026-12-08T00:40:21.709093+00:00"), "tenant": "itmhca", "renewal_id": uid(5),
      "renewed_on": day("2025-02-01"), "renewal_date": day("2026-03-01"), "removal_date": day("2026-06-01")}),
    ("applications.domain.holdings:Holding.Reinstated",
     {"timestamp": at("2026-12-08T00:40:21.709204+00:00"), "tenant": "itmhca", "reinstatement_id": uid(6),
      "reinstated_on": day("2026-08-01"), "renewal_date": day("2027-03-01"), "removal_date": None}),
    ("applications.domain.model:Application.Attested",
     {"timestamp": at("2026-12-08T00:40:21.709624+00:00"), "tenant": "itmhca",
      "attestation": {"_type_": "attestation",
                      "_data_": {"kind": "code_of_ethics", "attested_at": at("2026-03-01T12:00:00+00:00")}}}),
    ("applications.domain.model:Application.AttestationWithdrawn",
     {"timestamp": at("2026-12-08T00:40:21.709732+00:00"), "tenant": "itmhca", "kind": "code_of_ethics"}),
]
"""What the @event mutators stored for: a portfolio's application 2 (a renewal) and endorsement 3; holding 4
renewed (renewal 5) and reinstated (reinstatement 6); an application's Code of Ethics signed and withdrawn."""


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    tenants = load_tenants(CONFIG / "tenants")
    rules, competencies = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in tenants})
    app = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


def recorded_aggregates() -> tuple[Portfolio, Holding, Application]:
    holder = Applicant(UUID(int=1), "Dana Reyes", "dana@example.org")
    return (Portfolio.open(TENANT, UUID(int=1)),
            Holding.grant(UUID(int=4), TENANT, holder, "IFA", "Infant Family Associate", UUID(int=2),
                          date(2024, 3, 1), date(2025, 3, 1), date(2025, 6, 1)),
            Application.start(TENANT, holder, "IFA", CategoryOffer({"IFA": "Infant Family Associate"})))


def test_states_the_mutators_stored_decode_and_replay(service: ApplicationsService) -> None:
    portfolio, holding, application = recorded_aggregates()
    by_class = {"Portfolio": portfolio, "Holding": holding, "Application": application}

    for topic, state in RECORDED:
        aggregate = by_class[topic.split(":", 1)[1].split(".", 1)[0]]
        stored = StoredEvent(originator_id=aggregate.id, originator_version=aggregate.version + 1, topic=topic,
                             state=json.dumps(state).encode())
        service.mapper.to_domain_event(stored).mutate(aggregate)

    assert portfolio.applications[UUID(int=2)].kind is ApplicationKind.RENEWAL
    assert portfolio.endorsements[UUID(int=3)].application_id == UUID(int=2)
    assert holding.applied == {UUID(int=5), UUID(int=6)} and holding.status is HoldingStatus.ACTIVE
    assert (holding.renewal_date, holding.removal_date) == (date(2027, 3, 1), None)
    assert [c.what for c in holding.history] == ["granted", "renewed", "reinstated"]
    assert application.attestations == {} and application.version == 3


def test_the_commands_store_what_the_mutators_stored(service: ApplicationsService) -> None:
    portfolio, holding, application = recorded_aggregates()
    portfolio.add_application(UUID(int=2), "IFA", ApplicationKind.RENEWAL)
    portfolio.add_endorsement(UUID(int=3), "IFA", UUID(int=2))
    holding.renew(UUID(int=5), date(2025, 2, 1), date(2026, 3, 1), date(2026, 6, 1))
    holding.reinstate(UUID(int=6), date(2026, 8, 1), date(2027, 3, 1), None)
    application.attest(AttestationKind.CODE_OF_ETHICS, NOW)
    application.withdraw_attestation(AttestationKind.CODE_OF_ETHICS)

    service.save(portfolio, holding, application)

    stored = [(s.topic, json.loads(s.state)) for a in (portfolio, holding, application)
              for s in service.recorder.select_events(a.id) if s.originator_version > 1]
    assert [(topic, list(state)) for topic, state in stored] == [(topic, list(state)) for topic, state in RECORDED]
    assert [(topic, {**state, "timestamp": None}) for topic, state in stored] == [
        (topic, {**state, "timestamp": None}) for topic, state in RECORDED]
