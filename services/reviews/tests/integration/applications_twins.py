"""The applications service as these tests need it: its events' sealed v2 twins, as its relay publishes them.

Reviews reads `endorsement.applications.v2`; a test gives a v1 event, and gets the twin sealed under the applicant's
account (`servicekit.sealed_twins.TwinSealer`) with keys of a stand-in producer schema on the test database, which
the service under test opens through a `LocalUnsealer` instead of calling the applications service.
"""

from __future__ import annotations

import hashlib
from uuid import UUID, uuid4

from endorsement_contracts import IntegrationEvent, KafkaRecord, Person, encode
from kafka import KafkaProducer
from servicekit.sealed_twins import FieldPath, LocalUnsealer, TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.subjects import account_subject

PRODUCER = "applications"
PRODUCER_SCHEMA = "reviews_tests_applications"
PRODUCER_MASTER_KEY = hashlib.sha256(b"reviews tests: the applications producer's master key").digest()
"""One key for the whole session: every test's subjects share the stand-in producer's key table."""
SOURCE = "/services/applications"


def producer_keys(database_url: str) -> SubjectKeys:
    """The stand-in applications producer's subject keys (close them after use)."""
    keys = SubjectKeys(database_url, PRODUCER_SCHEMA, PRODUCER_MASTER_KEY)
    keys.setup()
    return keys


def unsealer(keys: SubjectKeys) -> LocalUnsealer:
    return LocalUnsealer({PRODUCER: keys})


def applicant_subject(event: IntegrationEvent, path: FieldPath) -> str:
    """Every personal value reviews reads is the applicant's (their name, email, details, withdrawal reason)."""
    applicant = getattr(event, "applicant", None)
    if not isinstance(applicant, Person):
        raise LookupError(f"{type(event).__name__} names no applicant")
    return account_subject(applicant.account_id)


def sealed_twin(keys: SubjectKeys, event: IntegrationEvent, event_id: UUID | None = None) -> IntegrationEvent:
    twin = TwinSealer(keys, applicant_subject)(event, event_id or uuid4())
    assert twin is not None, f"{type(event).__name__} has no sealed twin"
    return twin


def twin_record(keys: SubjectKeys, event: IntegrationEvent, event_id: UUID | None = None) -> KafkaRecord:
    """The record the applications relay publishes for `event` on the v2 topic (under `event_id`, its v1 ce_id)."""
    identifier = event_id or uuid4()
    return encode(sealed_twin(keys, event, identifier), event_id=identifier, source=SOURCE)


def publish(bootstrap: str, keys: SubjectKeys, *events: IntegrationEvent, key: bytes | None = None,
            times: int = 1) -> list[KafkaRecord]:
    """Each event's twin on the v2 topic, `times` times (the same record: a redelivery), in order."""
    records = [twin_record(keys, event) for event in events]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for record in records:
            for _ in range(times):
                producer.send(record.topic, key=key or record.key, value=record.value, headers=record.headers)
        producer.flush()
    finally:
        producer.close()
    return records
