"""The use cases on the in-memory event store: entries survive storage with their exact types, and the rules
in force are chosen by the association's own calendar date (ITMHCA: America/Phoenix, UTC-7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import Actor, Applicant, Application, Tab
from applications.rulesets import load_rule_book
from reference_builders import complete_references
from rule_builders import satisfying, shipped

CONFIG = Path(__file__).resolve().parents[4] / "config"
PHOENIX_NEW_YEARS_EVE = datetime(2025, 1, 1, 6, 30, tzinfo=UTC)  # 2024-12-31 23:30 in Arizona
PHOENIX_NEW_YEAR = datetime(2025, 1, 1, 7, 0, tzinfo=UTC)  # 2025-01-01 00:00 in Arizona


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(PHOENIX_NEW_YEARS_EVE)


@pytest.fixture
def service(clock: Clock) -> Iterator[ApplicationsService]:
    tenants = load_tenants(CONFIG / "tenants")
    rules, competencies = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in tenants})
    app = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                              clock=clock)
    yield app
    app.close()


def started(service: ApplicationsService, category: str) -> tuple[Actor, Application]:
    account = uuid4()
    actor = Actor(account, "itmhca", frozenset({"applicant"}))
    return actor, service.start(actor, Applicant(account, "Dana Reyes", "dana@example.org"), category)


def enter(service: ApplicationsService, actor: Actor, application: Application, category: str) -> None:
    on = service.local_date("itmhca")
    evidence = satisfying(shipped(category, on), on)
    for entry in (*evidence.education, *evidence.work, *evidence.training, *evidence.rsc):
        service.add_entry(application.id, actor, entry)
    assert evidence.membership is not None
    service.record_membership(application.id, actor, evidence.membership)
    for kind in evidence.attestations:
        service.attest(application.id, actor, kind)
    for fee in evidence.fees.values():
        service.record_fee(application.id, actor, fee)
    complete_references(service, actor, application.id)
    service.register(application.id, actor)  # ITMHCA's rules require registration, accepted by a coordinator
    service.accept_registration(application.id, Actor(uuid4(), "itmhca", frozenset({"coordinator"})))


def test_every_kind_of_entry_reads_back_exactly_as_entered(service: ApplicationsService) -> None:
    actor, application = started(service, "IMHM-C")
    enter(service, actor, application, "IMHM-C")
    entered = service.get(application.id, actor)

    reloaded = service.repository.get(application.id)  # rebuilt from the stored (JSON-encoded) events

    assert reloaded is not entered

    assert reloaded.version == entered.version
    for tab in Tab:
        assert dict(reloaded.entries(tab)) == dict(entered.entries(tab))
    assert (reloaded.membership, reloaded.attestations, reloaded.fees) == (
        entered.membership, entered.attestations, entered.fees)
    training = next(iter(reloaded.entries(Tab.TRAINING).values()))
    assert type(training.hours).__name__ == "Decimal" and isinstance(training.competencies, tuple)


def test_the_associations_date_picks_the_rules_in_force(service: ApplicationsService, clock: Clock) -> None:
    actor, application = started(service, "IMHS")

    on_new_years_eve = service.requirements(service.get(application.id, actor))
    clock.now = PHOENIX_NEW_YEAR
    on_new_year = service.requirements(service.get(application.id, actor))

    assert (on_new_years_eve.on.isoformat(), on_new_years_eve.rule_set_version, on_new_years_eve.exam_required) == (
        "2024-12-31", "itmhca/IMHS/2023-01-01", True)
    assert (on_new_year.on.isoformat(), on_new_year.rule_set_version, on_new_year.exam_required) == (
        "2025-01-01", "itmhca/IMHS/2025-01-01", False)


def test_a_submission_records_the_version_in_force_on_the_associations_date(service: ApplicationsService) -> None:
    actor, application = started(service, "IMHS")
    enter(service, actor, application, "IMHS")

    submitted = service.submit(application.id, actor)

    assert (submitted.rule_set_version, submitted.exam_required) == ("itmhca/IMHS/2023-01-01", True)
    assert submitted.submitted_at == PHOENIX_NEW_YEARS_EVE
    report = service.requirements(submitted)  # a submitted application is judged on its submission date
    assert (report.on.isoformat(), report.all_met) == ("2024-12-31", True)
