"""Sealed twins (docs/erasure.md, slice 7b): the relay publishes each event of a sealed topic with its v2 twin under
the same `ce_id`, the twin's personal values sealed stably under the subjects the producer names; a consumer reads
the twin back in the v1 shape, and an erased subject's values read as None. Keys on the real PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from endorsement_contracts import (
    APPLICATIONS,
    ApplicationSubmitted,
    Envelope,
    IntegrationEvent,
    Person,
    decode,
)
from endorsement_contracts.events import RequirementOutcome, applications_v2, twin_of
from eventsourcing.domain import Aggregate, event
from servicekit.eventstore import TrackedApplication
from servicekit.outbox import OutboxRelay
from servicekit.sealed_twins import FieldPath, TwinSealer, opened_handlers, opened_twin, sealed_twin
from servicekit.shredding import SubjectKeys, erased_token, subject_of
from servicekit.unseal import sealed_tokens, unsealed

APPLICANT = uuid4()
ACCOUNT = f"account:{APPLICANT}"
NAME, EMAIL, STATEMENT = "Ada Quillfeather", "ada.quillfeather@example.org", "I have worked with infants since 2009"


@pytest.fixture
def keys(database_url: str) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, "twins", os.urandom(32))
    store.setup()
    yield store
    store.close()


def submitted(application_id: UUID) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant="itmhca", occurred_at=datetime(2026, 1, 5, tzinfo=UTC), application_id=application_id,
        submission_number=1, applicant=Person(account_id=APPLICANT, name=NAME, email=EMAIL), category="IFS",
        category_name="Infant Family Specialist", rule_set_version="itmhca-2025",
        details={"statement": STATEMENT, "county": "Pima"},
        requirement_report=[RequirementOutcome(code="RSC_HOURS", met=True, detail="24 of 24 hours")],
    )


def applicant_subject(event: IntegrationEvent, path: FieldPath) -> str:
    assert isinstance(event, ApplicationSubmitted)
    return f"account:{event.applicant.account_id}"


def test_a_twin_seals_exactly_the_fields_its_contract_marks_and_opens_back_to_the_original(keys: SubjectKeys) -> None:
    original = submitted(uuid4())
    twin = TwinSealer(keys, applicant_subject)(original, uuid4())
    assert isinstance(twin, applications_v2.ApplicationSubmitted)
    text = twin.model_dump_json()
    for personal in (NAME, EMAIL, STATEMENT, "Pima", "24 of 24 hours"):
        assert personal not in text
    assert {subject_of(token) for token in sealed_tokens(twin)} == {ACCOUNT}
    assert len(sealed_tokens(twin)) == 5  # name, email, two details, one requirement detail
    assert str(APPLICANT) in text and "RSC_HOURS" in text and "itmhca-2025" in text  # ids and codes stay plain

    back = opened_twin(twin, ApplicationSubmitted, keys.open)
    assert back == original


def test_the_same_event_id_gives_the_same_bytes_and_another_gives_other_tokens(keys: SubjectKeys) -> None:
    original, sealer = submitted(uuid4()), TwinSealer(keys, applicant_subject)
    event_id = uuid4()
    first, again = sealer(original, event_id), sealer(original, event_id)
    assert first is not None and again is not None
    assert first.model_dump_json() == again.model_dump_json()  # republished byte for byte
    other = sealer(original, uuid4())
    assert other is not None and set(sealed_tokens(other)).isdisjoint(sealed_tokens(first))
    assert len(set(sealed_tokens(first))) == 5  # equal values in two fields would still differ (context = path)


def test_an_erased_subjects_values_travel_as_tokens_that_open_to_none(keys: SubjectKeys) -> None:
    original = submitted(uuid4())
    keys.seal(ACCOUNT, "made the key")
    keys.destroy(ACCOUNT)
    twin = TwinSealer(keys, applicant_subject)(original, uuid4())
    assert twin is not None
    assert set(sealed_tokens(twin)) == {erased_token(ACCOUNT)}
    assert keys.open(erased_token(ACCOUNT)) is None
    back = opened_twin(twin, ApplicationSubmitted, keys.open)
    erased: tuple[Any, ...] = (back.applicant.name, back.applicant.email, back.details)
    assert erased == (None, None, {"statement": None, "county": None})
    assert back.applicant.account_id == APPLICANT and back.category == "IFS"


def test_events_without_a_twin_get_none_and_twins_know_each_other() -> None:
    assert twin_of(ApplicationSubmitted) is applications_v2.ApplicationSubmitted
    assert twin_of(applications_v2.ApplicationSubmitted) is ApplicationSubmitted
    from endorsement_contracts import CredentialIssued
    assert twin_of(CredentialIssued) is None
    with pytest.raises(ValueError):
        sealed_twin(submitted(uuid4()), applications_v2.ApplicationSubmitted, lambda path, text: text)  # unsealed


class Draft(Aggregate):
    @event("Submitted")
    def __init__(self, note: str) -> None:
        self.note = note


@dataclasses.dataclass
class Sent:
    def get(self, timeout: float) -> None:
        return None


@dataclasses.dataclass
class FakeProducer:
    records: list[tuple[str, bytes, list[tuple[str, bytes]]]] = dataclasses.field(default_factory=list)

    def send(self, topic: str, *, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> Sent:
        self.records.append((topic, value, headers))
        return Sent()

    def flush(self, timeout: float | None = None) -> None:
        pass


def test_the_relay_publishes_each_event_and_then_its_twin_under_one_id_and_a_consumer_reads_v1(
    keys: SubjectKeys,
) -> None:
    app = TrackedApplication()
    draft = Draft("x")
    app.save(draft)
    producer = FakeProducer()
    relay = OutboxRelay(app, lambda domain_event: submitted(domain_event.originator_id), producer,  # type: ignore[arg-type]
                        source="/test/twins", twin=TwinSealer(keys, applicant_subject))
    assert relay.run_once() == 1
    [(v1_topic, v1_value, v1_headers), (v2_topic, v2_value, v2_headers)] = producer.records
    assert (v1_topic, v2_topic) == (APPLICATIONS.name, applications_v2.ApplicationSubmitted.topic)
    v1, v2 = decode(v1_headers, v1_value), decode(v2_headers, v2_value)
    assert v1.id == v2.id and v2.type == "ApplicationSubmitted.v2"
    assert NAME in v1_value.decode() and NAME not in v2_value.decode()

    seen: list[Envelope] = []

    def handle(envelope: Envelope) -> list[Any]:
        seen.append(envelope)
        return []

    handlers = opened_handlers({ApplicationSubmitted: handle})
    assert list(handlers) == [applications_v2.ApplicationSubmitted]
    with unsealed({token: keys.open(token) for token in sealed_tokens(v2.event)}):
        handlers[applications_v2.ApplicationSubmitted](v2)
    [handled] = seen
    assert isinstance(handled, Envelope) and handled.id == v1.id
    assert handled.event == v1.event
    assert json.loads(v2_value)["applicant"]["account_id"] == str(APPLICANT)


def test_once_consumers_have_moved_the_relay_publishes_the_twin_alone(keys: SubjectKeys) -> None:
    app = TrackedApplication()
    app.save(Draft("x"))
    producer = FakeProducer()
    relay = OutboxRelay(app, lambda domain_event: submitted(domain_event.originator_id), producer,  # type: ignore[arg-type]
                        source="/test/twins", twin=TwinSealer(keys, applicant_subject), twin_only=True)
    assert relay.run_once() == 1
    [(topic, value, _)] = producer.records
    assert topic == applications_v2.ApplicationSubmitted.topic and NAME not in value.decode()


async def test_a_local_unsealer_refuses_a_token_sealed_elsewhere_as_the_producer_would(keys: SubjectKeys,
                                                                                   database_url: str) -> None:
    from servicekit.sealed_twins import LocalUnsealer
    from servicekit.unseal import ProducerUnavailable, UnsealRefused

    elsewhere = SubjectKeys(database_url, "twins_elsewhere", os.urandom(32))
    elsewhere.setup()
    try:
        foreign = elsewhere.seal(ACCOUNT + "-elsewhere", "sealed by another service")
    finally:
        elsewhere.close()
    unsealer = LocalUnsealer({"applications": keys})
    own = keys.seal(ACCOUNT, NAME)
    assert await unsealer.open_many("applications", [own, own]) == {own: NAME}
    with pytest.raises(UnsealRefused):  # dead-lettered, never retried for ever
        await unsealer.open_many("applications", [own, foreign])
    with pytest.raises(ProducerUnavailable):
        await unsealer.open_many("reviews", [own])
