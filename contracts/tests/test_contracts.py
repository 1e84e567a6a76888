"""The exported schemas and AsyncAPI document match the code; the CloudEvents binding round-trips and refuses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from endorsement_contracts import (
    ALL_EVENTS,
    ApplicationSubmitted,
    EndorsementGranted,
    Person,
    UndeliverableMessage,
    decode,
    encode,
)
from endorsement_contracts.export import message_id, rendered


def submitted() -> ApplicationSubmitted:
    return ApplicationSubmitted(
        tenant="itmhca",
        occurred_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        application_id=uuid4(),
        submission_number=1,
        applicant=Person(account_id=uuid4(), name="Zoë Núñez 山田", email="zoe@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="itmhca/IFS/skeleton-1",
    )


def test_exported_files_match_the_models() -> None:
    """Given the models, when the files are rendered, then the committed files are identical (no drift)."""
    for path, content in rendered().items():
        assert path.exists(), f"{path.name} is missing: run `python -m endorsement_contracts.export`"
        assert path.read_text(encoding="utf-8") == content, f"{path.name} drifted: run the export"


def test_asyncapi_names_every_event_and_topic() -> None:
    document = json.loads(next(c for p, c in rendered().items() if p.name == "asyncapi.json"))
    assert document["asyncapi"].startswith("3.")
    assert set(document["components"]["messages"]) == {message_id(e) for e in ALL_EVENTS}
    for event in ALL_EVENTS:
        assert message_id(event) in document["channels"][event.topic]["messages"]


def test_binary_mode_record_round_trips() -> None:
    event = submitted()
    record = encode(event, event_id="e-1", source="/services/applications")
    headers = dict(record.headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"ApplicationSubmitted.v1"
    assert headers["ce_id"] == b"e-1"
    assert headers["content-type"] == b"application/json"
    assert record.key == str(event.application_id).encode()
    assert record.topic == "endorsement.applications.v1"
    envelope = decode(record.headers, record.value)
    assert envelope.event == event
    assert envelope.id == "e-1"
    assert "山田" in record.value.decode()


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, v: ([x for x in h if x[0] != "ce_type"], v), "missing CloudEvents headers: ce_type"),
        (lambda h, v: ([*h[:3], ("ce_type", b"Nope.v1"), *h[4:]], v), "unknown ce_type"),
        (lambda h, v: (h, b"{not json"), "not JSON"),
        (lambda h, v: (h, b'{"tenant": "itmhca"}'), "failed validation"),
        (lambda h, v: ([("ce_specversion", b"0.3"), *h[1:]], v), "unsupported ce_specversion"),
        (lambda h, v: ([*h[:4], ("ce_time", b"yesterday"), *h[5:]], v), "ce_time"),
    ],
)
def test_undeliverable_records_name_the_reason(mutate, reason) -> None:  # type: ignore[no-untyped-def]
    record = encode(submitted(), event_id="e-2", source="/s")
    headers, value = mutate(list(record.headers), record.value)
    with pytest.raises(UndeliverableMessage) as caught:
        decode(headers, value)
    assert reason in caught.value.reason


def test_events_refuse_unknown_fields_and_bad_tenants() -> None:
    data = json.loads(submitted().model_dump_json())
    with pytest.raises(ValueError, match="extra"):
        ApplicationSubmitted.model_validate({**data, "surprise": 1})
    with pytest.raises(ValueError, match="tenant"):
        ApplicationSubmitted.model_validate({**data, "tenant": "Not A Slug"})


def test_granted_is_keyed_by_endorsement() -> None:
    granted = EndorsementGranted(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        endorsement_id=uuid4(),
        review_case_id=uuid4(),
        application_id=uuid4(),
        applicant=Person(account_id=uuid4(), name="A", email="a@example.org"),
        category="IMHM-R/F",
        category_name="Infant Mental Health Mentor - Research/Faculty",
        effective_date=date(2026, 11, 25),
        renewal_date=date(2027, 12, 15),
        granted_by=uuid4(),
    )
    assert encode(granted, event_id="x", source="/s").key == str(granted.endorsement_id).encode()
