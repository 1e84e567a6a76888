"""Exactly one credential per endorsement on real PostgreSQL, whatever the broker or a crash does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import asyncpg
import pytest
from credentials.application import CredentialsApplication
from credentials.bootstrap import SCHEMA, build
from credentials.config import CredentialsSettings
from credentials.domain.credential import Credential, credential_id_for
from credentials.entrypoints.consumer import grant_from
from credentials.projections.credentials import CredentialsProjection, get_all_by_endorsement
from endorsement_contracts import EndorsementGranted, Envelope, events
from eventsourcing.persistence import IntegrityError
from servicekit.consumer import IdempotentConsumer, RejectedMessage
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner
from servicekit.runtime import Service
from servicekit.unseal import UnsealClient

from .conftest import TENANT, Kafka, ReviewsTwins, grant


@pytest.fixture
def service(settings: CredentialsSettings) -> Iterator[Service]:
    built = build(settings)
    yield built
    for relay in built.relays:
        relay.producer.close()
    built.app.close()


Opened = dict[str, str | None]


def envelope_of(twins: ReviewsTwins, event: EndorsementGranted) -> tuple[Envelope, Opened]:
    """The sealed v2 record of `event` as the consumer decodes it, with the texts its unseal step opens."""
    return twins.envelope(event, uuid.uuid4())


def parts(service: Service) -> tuple[CredentialsApplication, IdempotentConsumer]:
    assert isinstance(service.app, CredentialsApplication)
    assert service.consumer is not None
    return service.app, service.consumer


def test_a_blank_designation_is_no_designation() -> None:
    event = grant().model_copy(update={"designation": "  "})
    assert grant_from(event).designation is None


def test_the_service_reads_sealed_reviews_events_and_opens_them_at_reviews(service: Service) -> None:
    _, consumer = parts(service)
    assert consumer.topics() == ["endorsement.erasures.v1", "endorsement.reviews.v2"]  # reviews.v1 no longer
    assert isinstance(consumer.unsealer, UnsealClient)  # the production unsealer, by default
    assert set(consumer.handlers) == {events.PersonErased, *(events.twin_of(t) for t in (
        EndorsementGranted, events.RenewalApproved, events.EndorsementLapsed, events.EndorsementReinstated,
        events.EndorsementRevoked))}


def test_each_position_and_each_copy_of_a_grant_has_one_effect(service: Service, reviews_twins: ReviewsTwins) -> None:
    app, consumer = parts(service)
    envelope, opened = envelope_of(reviews_twins, grant())
    first, republished = (consumer.tracking_for(Kafka.grants_topic, 0, offset) for offset in (7, 8))

    assert consumer.process(envelope, first, opened) == "processed"
    assert consumer.process(envelope, first, opened) == "duplicate"  # redelivered at the same offset
    assert consumer.process(envelope, republished, opened) == "duplicate"  # the same grant at a new offset

    credential_id = credential_id_for(envelope.event.endorsement_id)  # type: ignore[attr-defined]
    assert [e.originator_version for e in app.process_recorder.select_events(credential_id)] == [1]
    assert app.position(first.application_name) == republished.notification_id


def test_a_credential_prepared_by_a_losing_racer_is_never_saved(service: Service, reviews_twins: ReviewsTwins) -> None:
    """Two deliveries of one grant sign at the same time: the slower save fails whole, and its retry
    finds the credential already there."""
    app, consumer = parts(service)
    granted = grant()
    envelope, opened = envelope_of(reviews_twins, granted)
    winner, loser = app.issue(grant_from(granted)), app.issue(grant_from(granted))
    assert winner is not None and loser is not None
    winning, losing = (consumer.tracking_for(Kafka.grants_topic, 1, offset) for offset in (3, 4))

    app.save_tracked(winning, winner)
    with pytest.raises(IntegrityError):
        app.save_tracked(losing, loser)
    assert not app.has_processed(losing)  # nothing of the failed save was written

    assert consumer.process(envelope, losing, opened) == "duplicate"
    saved = app.get_credential(winner.id)
    assert saved is not None
    assert saved.document == winner.document != loser.document  # each signing salts the identity hash anew


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"tenant": "nowhere"}, "^unknown tenant 'nowhere'$"),  # refused before the handler
        ({"category": "XYZ"}, "UNKNOWN_CATEGORY"),
        ({"effective": date(2026, 1, 1), "renewal": date(2025, 12, 31)}, "INVALID_GRANT"),
    ],
)
def test_grants_this_service_cannot_issue_are_rejected_for_the_dead_letter_topic(
    service: Service, reviews_twins: ReviewsTwins, changes: dict[str, Any], code: str
) -> None:
    app, consumer = parts(service)
    envelope, opened = envelope_of(reviews_twins, grant(**changes))
    with pytest.raises(RejectedMessage, match=code):
        consumer.process(envelope, consumer.tracking_for(Kafka.grants_topic, 2, 0), opened)
    assert app.process_recorder.max_notification_id() in (None, 0)


async def test_the_projection_rebuilds_the_same_rows(service: Service, settings: CredentialsSettings) -> None:
    app, _ = parts(service)
    credential = app.issue(grant_from(grant(name="Ana Núñez")))
    assert isinstance(credential, Credential)
    app.save(credential)
    pool = await asyncpg.create_pool(settings.database_url, server_settings=asyncpg_server_settings(SCHEMA))
    try:
        runner = ProjectionRunner(app, pool, CredentialsProjection())
        await runner.setup()
        stored = app.process_recorder.max_notification_id()  # the credential and its status list entries
        assert await runner.catch_up() == stored
        before = await get_all_by_endorsement(pool, TENANT, credential.endorsement_id)
        assert await runner.rebuild() == stored
        assert await get_all_by_endorsement(pool, TENANT, credential.endorsement_id) == before
        assert [row["holder_name"] for row in before] == ["Ana Núñez"]  # from the sealed holder of the event
        async with pool.acquire() as conn:
            document = await conn.fetchval("SELECT document::text FROM credentials WHERE id = $1", credential.id)
        assert document is not None and "Núñez" not in document  # the signed document names nobody
    finally:
        await pool.close()
