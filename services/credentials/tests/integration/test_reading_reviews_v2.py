"""The switch to `endorsement.reviews.v2` (docs/erasure.md, slice 7b) on the real broker and PostgreSQL.

A service that handled the reviews decisions from v1 before the switch reads v2 from its start: each v2 record
has its v1 twin's `ce_id`, so the grant finds its credential and each decision finds itself applied, and nothing
changes. A holder whom reviews erased before its relay sealed the record arrives with values that open to None: a
grant issues nothing and is not dead-lettered, and a revocation (reviews' surrender on erasure) still revokes, with
the reason code `erasure` (the reason itself can be read by nobody any more).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from credentials.application import CredentialsApplication
from credentials.domain.credential import CredentialStatus, credential_id_for
from credentials.domain.reasons import ReasonCode
from credentials.entrypoints.consumer import erasure_handlers, reviews_handlers
from endorsement_contracts import CREDENTIALS, DEAD_LETTER, IntegrationEvent, decode, encode
from endorsement_contracts.events import CredentialRevoked, EndorsementRevoked
from servicekit.consumer import IdempotentConsumer

from .conftest import TENANT, UPSTREAM_SOURCE, Kafka, Running, grant, headers_of
from .test_decisions_on_the_broker import TODAY, decisions

NAME = "Wilhelmina Quarrendon"
EMAIL = "w.quarrendon@example.org"


def v1_record(event: IntegrationEvent, ce_id: uuid.UUID) -> Any:
    record = encode(event, event_id=ce_id, source=UPSTREAM_SOURCE)
    return decode(record.headers, record.value)


async def test_a_v2_record_whose_v1_twin_was_handled_changes_nothing(running_service: Running) -> None:
    running, app = running_service, running_service.service.app
    assert running.service.consumer is not None
    granted = grant(name=NAME, email=EMAIL, effective=TODAY - timedelta(days=30))
    events = [granted, *decisions(granted)]
    ids = [uuid.uuid4() for _ in events]
    credential_id = credential_id_for(granted.endorsement_id)

    # before the switch: the same service, reading v1 with the same handlers (nothing to open there)
    before = IdempotentConsumer(app, group_id=running.service.consumer.group_id,
                                handlers={**reviews_handlers(app), **erasure_handlers(app)})
    for offset, (event, ce_id) in enumerate(zip(events, ids, strict=True)):
        assert before.process(v1_record(event, ce_id), before.tracking_for(event.topic, 0, offset)) == "processed"
    await running.relayed()
    stored = app.process_recorder.select_events(credential_id)
    assert len(stored) == 5

    # after it: the consumer reads v2 from its start and meets the twins, same ce_ids, sealed
    for event, ce_id in zip(events, ids, strict=True):
        await running.processed(*await running.kafka.publish(event, event_id=ce_id))
    assert app.process_recorder.select_events(credential_id) == stored  # the records of earlier modules run too

    records = await running.kafka.read(CREDENTIALS.name, str(credential_id), expect=5, linger=1.0)
    assert [headers_of(r)["ce_type"] for r in records] == [
        "CredentialIssued.v1", "CredentialRenewed.v1", "CredentialSuspended.v1", "CredentialReinstated.v1",
        "CredentialRevoked.v1",
    ]
    twins = await running.kafka.read(Kafka.grants_topic, str(granted.endorsement_id), expect=5)  # keyed alike
    assert [(headers_of(r)["ce_type"], headers_of(r)["ce_id"]) for r in twins] == [
        (f"{type(event).__name__}.v2", str(ce_id)) for event, ce_id in zip(events, ids, strict=True)]
    assert not any(NAME.encode() in r.value or EMAIL.encode() in r.value for r in twins)  # sealed on the wire


async def test_a_grant_for_a_holder_erased_at_reviews_issues_nothing_and_is_not_dead_lettered(
    running_service: Running,
) -> None:
    running = running_service
    consumer = running.service.consumer
    assert consumer is not None
    granted = grant(name=NAME, email=EMAIL)
    running.kafka.reviews.erase(f"account:{granted.applicant.account_id}")
    dead_lettered = consumer.stats.dead_lettered

    await running.processed(*await running.kafka.publish(granted))

    app: Any = running.service.app
    assert app.get_credential_for_endorsement(granted.endorsement_id) is None
    assert consumer.stats.dead_lettered == dead_lettered
    # a dead letter is published before the position is recorded: had there been one, it would be there now
    assert await running.kafka.read(DEAD_LETTER.name, str(granted.endorsement_id), expect=0, linger=0.5) == []
    [twin] = await running.kafka.read(Kafka.grants_topic, str(granted.endorsement_id))
    assert NAME.encode() not in twin.value and EMAIL.encode() not in twin.value


async def test_a_revocation_whose_reason_was_erased_with_the_holder_still_revokes(running_service: Running) -> None:
    running, app = running_service, running_service.service.app
    assert isinstance(app, CredentialsApplication)
    granted = grant(name=NAME, email=EMAIL)
    credential_id = credential_id_for(granted.endorsement_id)
    await running.processed(*await running.kafka.publish(granted))

    running.kafka.reviews.erase(f"account:{granted.applicant.account_id}")  # reviews surrenders it on erasure
    surrendered = EndorsementRevoked(tenant=TENANT, occurred_at=datetime.now(UTC), category=granted.category,
                                     endorsement_id=granted.endorsement_id, revoked_on=TODAY, reason="erasure",
                                     revoked_by=uuid.uuid4())
    await running.processed(*await running.kafka.publish(surrendered))

    credential = app.get_credential(credential_id)
    assert credential is not None
    assert credential.status is CredentialStatus.REVOKED and credential.status_reason_code is ReasonCode.ERASURE
    await running.relayed()
    records = await running.kafka.read(CREDENTIALS.name, str(credential_id), expect=2)
    revoked = decode(records[-1].headers, records[-1].value).event
    assert isinstance(revoked, CredentialRevoked) and revoked.status == "revoked" and revoked.reason_code == "erasure"
