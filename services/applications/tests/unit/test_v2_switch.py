"""The v2 switch in this service's own terms, without engines: whose subject seals each field of an applications
twin (`translation/subjects.py`), and a consumer table that takes every reviews event it follows from v2 only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.entrypoints.consumer import handlers, review_handlers
from applications.rulesets import load_rule_book
from applications.translation.subjects import TwinSubjects
from endorsement_contracts import REVIEWS_V2, Person
from endorsement_contracts.events import twin_of
from endorsement_contracts.events.applications import (
    Rater,
    ReferenceCompleted,
    ReferenceDeclined,
    ReferenceRequested,
    ReferenceVoided,
)
from endorsement_contracts.events.erasures import PersonErased

CONFIG = Path(__file__).resolve().parents[4] / "config"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
APPLICANT, APPLICATION, REFERENCE = uuid4(), uuid4(), uuid4()
RATER_SUBJECT = "rater:itmhca:stored"
RATER = Rater(name="Rae Rater", email="rae@example.org", role="supervisor", language="en")


class Store:
    """Loads one application whose reference `REFERENCE` names a rater with `subject`; counts the loads."""

    def __init__(self, subject: str | None = RATER_SUBJECT) -> None:
        reference = SimpleNamespace(rater=SimpleNamespace(subject=subject))
        self.application = SimpleNamespace(references={REFERENCE: reference},
                                           applicant=SimpleNamespace(subject=f"account:{APPLICANT}"))
        self.loads = 0

    def load(self, application_id: UUID) -> Any:
        assert application_id == APPLICATION
        self.loads += 1
        return self.application


def computed(tenant: str, email: str) -> str:
    return f"rater:{tenant}:computed-from:{email}"


def common() -> dict[str, Any]:
    return {"tenant": "itmhca", "occurred_at": NOW, "application_id": APPLICATION, "reference_id": REFERENCE,
            "slot": 1, "category": "IFS"}


def requested() -> ReferenceRequested:
    return ReferenceRequested(**common(), request_number=1, category_name="Infant Family Specialist",
                              applicant=Person(account_id=APPLICANT, name="Ada Applicant", email="ada@example.org"),
                              rater=RATER, form_url="https://endorse.example/r/secret", expires_at=NOW)


def test_a_raters_identity_and_link_go_under_the_stored_rater_and_the_rest_under_the_applicant() -> None:
    store = Store()
    policy = TwinSubjects(store.load, computed)  # type: ignore[arg-type]  # a stand-in for the store's load
    event = requested()

    assert [policy(event, path) for path in (("rater", "name"), ("rater", "email"), ("form_url",))] == [
        RATER_SUBJECT] * 3
    assert [policy(event, path) for path in (("applicant", "name"), ("applicant", "email"))] == [
        f"account:{APPLICANT}"] * 2
    declined = ReferenceDeclined(**common(), category_name="Infant Family Specialist", applicant=event.applicant,
                                 rater=RATER, waived=False, reason="I hardly know her work.")
    assert policy(declined, ("reason",)) == f"account:{APPLICANT}"  # the reference's content is the applicant's
    completed = ReferenceCompleted(**common(), rater=RATER, completed_on=date(2026, 2, 1),
                                   valid_until=date(2027, 2, 1), waived=True, not_enough_information=0)
    assert policy(completed, ("rater", "name")) == RATER_SUBJECT
    assert store.loads == 1  # a reference's rater never changes: read once


def test_a_void_detail_goes_under_the_applicant_the_event_does_not_name() -> None:
    store = Store()
    policy = TwinSubjects(store.load, computed)  # type: ignore[arg-type]
    voided = ReferenceVoided(**common(), reason="withdrawn", detail="The applicant withdrew it.")

    assert policy(voided, ("detail",)) == f"account:{APPLICANT}"
    assert policy(voided, ("detail",)) == f"account:{APPLICANT}"
    assert store.loads == 1


def test_a_rater_named_before_sealing_goes_under_the_subject_of_their_address() -> None:
    policy = TwinSubjects(Store(subject=None).load, computed)  # type: ignore[arg-type]

    assert policy(requested(), ("rater", "email")) == "rater:itmhca:computed-from:rae@example.org"


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    itmhca = load_tenants(CONFIG / "tenants")
    rules, competencies = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in itmhca})
    app = ApplicationsService(itmhca, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


def test_the_consumer_takes_every_reviews_event_it_follows_from_v2_and_the_erasures_from_v1(
    service: ApplicationsService,
) -> None:
    followed = review_handlers(service)
    table = handlers(service)

    assert set(table) == {twin_of(event) for event in followed} | {PersonErased}
    assert {event.topic for event in table} == {REVIEWS_V2.name, PersonErased.topic}
