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
from endorsement_contracts import EndorsementGranted, Envelope, decode, encode
from eventsourcing.persistence import IntegrityError
from servicekit.consumer import IdempotentConsumer, RejectedMessage
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner
from servicekit.runtime import Service

from .conftest import TENANT, UPSTREAM_SOURCE, grant


@pytest.fixture
def service(settings: CredentialsSettings) -> Iterator[Service]:
    built = build(settings)
    yield built
    for relay in built.relays:
        relay.producer.close()
    built.app.close()


def envelope_of(event: EndorsementGranted) -> Envelope:
    record = encode(event, event_id=uuid.uuid4(), source=UPSTREAM_SOURCE)
    return decode(record.headers, record.value)


def parts(service: Service) -> tuple[CredentialsApplication, IdempotentConsumer]:
    assert isinstance(service.app, CredentialsApplication)
    assert service.consumer is not None
    return service.app, service.consumer


def test_a_blank_designation_is_no_designation() -> None:
    event = grant().model_copy(update={"designation": "  "})
    assert grant_from(event).designation is None


def test_each_position_and_each_copy_of_a_grant_has_one_effect(service: Service) -> None:
    app, consumer = parts(service)
    envelope = envelope_of(grant())
    first, republished = (consumer.tracking_for(EndorsementGranted.topic, 0, offset) for offset in (7, 8))

    assert consumer.process(envelope, first) == "processed"
    assert consumer.process(envelope, first) == "duplicate"  # redelivered at the same offset
    assert consumer.process(envelope, republished) == "duplicate"  # the same grant at a new offset

    credential_id = credential_id_for(envelope.event.endorsement_id)  # type: ignore[attr-defined]
    assert [e.originator_version for e in app.process_recorder.select_events(credential_id)] == [1]
    assert app.position(first.application_name) == republished.notification_id


def test_a_credential_prepared_by_a_losing_racer_is_never_saved(service: Service) -> None:
    """Two deliveries of one grant sign at the same time: the slower save fails whole, and its retry
    finds the credential already there."""
    app, consumer = parts(service)
    envelope = envelope_of(grant())
    assert isinstance(envelope.event, EndorsementGranted)
    winner, loser = app.issue(grant_from(envelope.event)), app.issue(grant_from(envelope.event))
    assert winner is not None and loser is not None
    winning, losing = (consumer.tracking_for(EndorsementGranted.topic, 1, offset) for offset in (3, 4))

    app.save_tracked(winning, winner)
    with pytest.raises(IntegrityError):
        app.save_tracked(losing, loser)
    assert not app.has_processed(losing)  # nothing of the failed save was written

    assert consumer.process(envelope, losing) == "duplicate"
    saved = app.get_credential(winner.id)
    assert saved is not None
    assert saved.document == winner.document != loser.document  # each signing salts the identity hash anew


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"tenant": "nowhere"}, "UNKNOWN_TENANT"),
        ({"category": "XYZ"}, "UNKNOWN_CATEGORY"),
        ({"effective": date(2026, 1, 1), "renewal": date(2025, 12, 31)}, "INVALID_GRANT"),
    ],
)
def test_grants_this_service_cannot_issue_are_rejected_for_the_dead_letter_topic(
    service: Service, changes: dict[str, Any], code: str
) -> None:
    app, consumer = parts(service)
    envelope = envelope_of(grant(**changes))
    with pytest.raises(RejectedMessage, match=code):
        consumer.process(envelope, consumer.tracking_for(EndorsementGranted.topic, 2, 0))
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
        assert [row["holder_name"] for row in before] == ["Ana Núñez"]
        async with pool.acquire() as conn:
            document = await conn.fetchval("SELECT document::text FROM credentials WHERE id = $1", credential.id)
        assert document is not None and "Ana Núñez" in document
    finally:
        await pool.close()
