"""The reviews service's side of the v2 switch, as this service's tests need it: reviews events published as the
reviews relay publishes them (the sealed v2 twin on `endorsement.reviews.v2`), sealed with test keys that the
consumer opens through a `servicekit.sealed_twins.LocalUnsealer` instead of the reviews service's
`/internal/unseal`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID, uuid4

from endorsement_contracts import Envelope, IntegrationEvent, encode
from servicekit.outbox import kafka_producer
from servicekit.sealed_twins import FieldPath, LocalUnsealer, TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.subjects import account_subject

REVIEWS_SOURCE = "/services/reviews"
REVIEWS_PRODUCER = "reviews"


def reviews_subject(event: IntegrationEvent, path: FieldPath) -> str:
    """A simple stand-in for the reviews service's policy: the applicant's account seals what the event says of
    or to them, a reviewer's address hash seals the reviewer, and the endorsement seals a revocation reason."""
    applicant = getattr(event, "applicant", None)
    if applicant is not None:
        return account_subject(applicant.account_id)
    if path[0] in ("reviewer_email", "reviewer_name"):
        email = str(getattr(event, "reviewer_email")).lower()  # noqa: B009
        return f"reviewer:{hashlib.sha256(email.encode()).hexdigest()}"
    return holder_subject(getattr(event, "endorsement_id"))  # noqa: B009 (EndorsementRevoked.reason)


def holder_subject(endorsement_id: UUID) -> str:
    """The subject `reviews_subject` seals an endorsement event's reason under (no applicant on those events)."""
    return f"holder:{endorsement_id}"


def sealed(keys: SubjectKeys, event: IntegrationEvent, event_id: UUID) -> IntegrationEvent:
    """The v2 twin of a v1 reviews event, as the reviews relay publishes it under `event_id`."""
    twin = TwinSealer(keys, reviews_subject)(event, event_id)
    assert twin is not None, f"{event.type_name()} has no sealed twin"
    return twin


def unsealer(keys: SubjectKeys) -> LocalUnsealer:
    return LocalUnsealer({REVIEWS_PRODUCER: keys})


@dataclass(frozen=True)
class Position:
    """Where a published record landed: what the consumer's `tracking_for` takes."""

    topic: str
    partition: int
    offset: int


@dataclass
class ReviewsFeed:
    """Publishes on the broker what the reviews service would: binary-mode CloudEvents of sealed v2 twins."""

    bootstrap: str
    keys: SubjectKeys

    def publish(self, event: IntegrationEvent, event_id: UUID | None = None, times: int = 1) -> list[Position]:
        """`event`'s sealed twin, `times` copies with the same `ce_id`; where each copy landed."""
        event_id = event_id or uuid4()
        return self.publish_as_is(sealed(self.keys, event, event_id), event_id, times)

    def publish_as_is(self, event: IntegrationEvent, event_id: UUID, times: int = 1) -> list[Position]:
        producer = kafka_producer(self.bootstrap, enable_idempotence=False)
        try:
            record = encode(event, event_id=event_id, source=REVIEWS_SOURCE)
            sent = [producer.send(record.topic, key=record.key, value=record.value, headers=record.headers).get(
                timeout=30) for _ in range(times)]
        finally:
            producer.close(timeout=10)
        return [Position(record.topic, metadata.partition, metadata.offset) for metadata in sent]

    def envelope(self, event: IntegrationEvent, event_id: UUID) -> Envelope:
        """The record `publish` would send, decoded as the consumer decodes it."""
        twin = sealed(self.keys, event, event_id)
        return Envelope(id=str(event_id), source=REVIEWS_SOURCE, type=twin.type_name(), time=twin.occurred_at,
                        event=twin)
