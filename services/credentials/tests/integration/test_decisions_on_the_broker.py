"""The reviews service's decisions, on the real broker, become credential changes on the partner topic;
a decision delivered again changes nothing; replay gives partners the same history."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from credentials.bootstrap import partner_events
from credentials.domain.credential import credential_id_for
from credentials.replay import ordered_producer, replay
from endorsement_contracts import CREDENTIALS, DEAD_LETTER, IntegrationEvent, decode, partition_counts
from endorsement_contracts.events import (
    CredentialRevoked,
    CredentialSuspended,
    EndorsementGranted,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    RenewalApproved,
)
from servicekit.topics import ensure_topics

from .conftest import TENANT, Running, grant, headers_of

TODAY = datetime.now(ZoneInfo("America/Phoenix")).date()  # the association's date, as the service reads dates
ISSUED_HERE: set[uuid.UUID] = set()
"""Credentials whose grants this module published: other modules' services on the shared broker may also
publish records under the same keys (for the grants they consume), so replay is compared on these only."""


def decisions(granted: EndorsementGranted) -> list[IntegrationEvent]:
    """Renewal, lapse, reinstatement and revocation of the granted endorsement, in that order."""
    common: dict[str, Any] = {"tenant": TENANT, "endorsement_id": granted.endorsement_id, "category": granted.category}
    return [
        RenewalApproved(**common, occurred_at=datetime.now(UTC), renewal_id=uuid.uuid4(),
                        renewed_on=TODAY - timedelta(days=1),
                        renewal_date=granted.renewal_date + timedelta(days=365), approved_by=uuid.uuid4()),
        EndorsementLapsed(**common, occurred_at=datetime.now(UTC), lapsed_on=TODAY, reason="hours not reported"),
        EndorsementReinstated(**common, occurred_at=datetime.now(UTC), reinstatement_id=uuid.uuid4(),
                              reinstated_on=TODAY,
                              renewal_date=granted.renewal_date + timedelta(days=730), approved_by=uuid.uuid4()),
        EndorsementRevoked(**common, occurred_at=datetime.now(UTC), revoked_on=TODAY, reason="sanctioned",
                           revoked_by=uuid.uuid4()),
    ]


async def publish_all(running: Running, events: list[IntegrationEvent], ids: list[str]) -> None:
    for event, event_id in zip(events, ids, strict=True):
        partition, offset = await running.kafka.publish(event, event_id=event_id)
        await running.processed(partition, offset)


async def test_decisions_become_partner_events_once_however_often_they_arrive(running_service: Running) -> None:
    app = running_service.service.app
    granted = grant(effective=TODAY - timedelta(days=30))
    events = [granted, *decisions(granted)]
    ids = [str(uuid.uuid4()) for _ in events]
    credential_id = credential_id_for(granted.endorsement_id)
    ISSUED_HERE.add(credential_id)

    await publish_all(running_service, events, ids)
    stored = app.process_recorder.max_notification_id()
    await publish_all(running_service, events, ids)  # every one again, as a republishing upstream would
    assert app.process_recorder.max_notification_id() == stored

    records = await running_service.kafka.read(CREDENTIALS.name, str(credential_id), expect=5, linger=1.0)
    assert [headers_of(r)["ce_type"] for r in records] == [
        "CredentialIssued.v1", "CredentialRenewed.v1", "CredentialSuspended.v1", "CredentialReinstated.v1",
        "CredentialRevoked.v1",
    ]
    assert len({headers_of(r)["ce_id"] for r in records}) == 5
    revoked = decode(records[-1].headers, records[-1].value).event
    assert isinstance(revoked, CredentialRevoked) and revoked.status == "revoked"
    assert (revoked.reason_code, revoked.reason) == ("endorsement_revoked", "The association revoked the endorsement")
    lapsed = decode(records[2].headers, records[2].value).event
    assert isinstance(lapsed, CredentialSuspended) and (lapsed.cause, lapsed.reason_code) == ("lapse", "lapse")
    # what reviews wrote (opened from its sealed v2 record) is never passed on: only the codes are
    assert not any(b"sanctioned" in r.value or b"hours not reported" in r.value for r in records)
    assert revoked.valid_until == granted.renewal_date + timedelta(days=730)
    assert revoked.credential["awardedDate"] == decode(records[0].headers, records[0].value).event.credential[
        "awardedDate"]  # type: ignore[attr-defined]
    verified = await running_service.client.post("/credentials/verify",
                                                 json={"verifiableCredential": revoked.credential})
    assert [e["code"] for e in verified.json()["errors"]] == ["REVOKED"]


async def test_a_decision_about_no_credential_goes_to_the_dead_letter_topic(running_service: Running) -> None:
    orphan = decisions(grant())[3]
    partition, offset = await running_service.kafka.publish(orphan)
    await running_service.processed(partition, offset)
    [dead] = await running_service.kafka.read(DEAD_LETTER.name, str(orphan.key))
    assert headers_of(dead)["dlq_reason"].startswith("CREDENTIAL_NOT_FOUND")


async def read_all(bootstrap: str, keys: set[bytes]) -> dict[bytes, list[tuple[str, str, bytes]]]:
    """Each key's (ce_id, ce_type, value) records of the partner topic, in order, first copy of each ce_id."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    partitions = [TopicPartition(CREDENTIALS.name, p) for p in range(partition_counts()[CREDENTIALS.name])]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    history: dict[bytes, list[tuple[str, str, bytes]]] = {}
    seen: set[str] = set()
    try:
        for _ in range(30):
            batches = await consumer.getmany(*partitions, timeout_ms=100)
            for records in batches.values():
                for record in records:
                    headers = headers_of(record)
                    if record.key in keys and headers["ce_id"] not in seen:
                        seen.add(headers["ce_id"])
                        history.setdefault(record.key, []).append((headers["ce_id"], headers["ce_type"], record.value))
    finally:
        await consumer.stop()
    return history


async def test_replay_to_an_empty_broker_gives_partners_the_same_history(
    running_service: Running, private_broker: Callable[[str], str]
) -> None:
    for _ in range(2):  # two more credentials, one of them revoked
        granted = grant()
        ISSUED_HERE.add(credential_id_for(granted.endorsement_id))
        await publish_all(running_service, [granted, decisions(granted)[3]], [str(uuid.uuid4()), str(uuid.uuid4())])
    await running_service.relayed()
    app = running_service.service.app
    keys = {str(credential_id).encode() for credential_id in ISSUED_HERE}
    original = await read_all(running_service.kafka.bootstrap, keys)

    empty_broker = private_broker("credentials-replay")
    ensure_topics(empty_broker)
    producer = ordered_producer(empty_broker, enable_idempotence=False)
    try:
        count = replay(app, partner_events(app),  # type: ignore[arg-type]
                       lambda topic, key, value, headers: producer.send(topic, key=key, value=value, headers=headers),
                       producer.flush)
    finally:
        producer.close()
    replayed = await read_all(empty_broker, keys)

    assert count >= 9
    assert [len(original[key]) for key in sorted(keys)] == [len(replayed[key]) for key in sorted(keys)]
    assert sorted(len(history) for history in original.values()) == [2, 2, 5]
    assert replayed == original  # same ce_ids, types and bytes, in the same order per key
