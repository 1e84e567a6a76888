"""A grant on `endorsement.reviews.v2` (its personal fields sealed) becomes exactly one signed credential on
`endorsement.credentials.v1`."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from credentials.domain.credential import credential_id_for
from endorsement_contracts import CREDENTIALS, DEAD_LETTER, CredentialIssued, EndorsementGranted, decode

from .conftest import PUBLIC_BASE_URL, TENANT, Kafka, Running, grant, headers_of


async def issued_record(running: Running, event: EndorsementGranted) -> tuple[Any, dict[str, Any]]:
    """Publish `event`; return the CredentialIssued record it causes and the signed credential it carries."""
    partition, offset = await running.kafka.publish(event)
    await running.processed(partition, offset)
    [record] = await running.kafka.read(CREDENTIALS.name, str(credential_id_for(event.endorsement_id)))
    envelope = decode(record.headers, record.value)
    assert isinstance(envelope.event, CredentialIssued)
    return record, envelope.event.credential


async def test_a_grant_is_issued_as_a_credential_that_partners_can_verify(
    running_service: Running, independent_verifier: Any
) -> None:
    event = grant(name="Ana Núñez", email="ana.nunez@example.org")
    credential_id = credential_id_for(event.endorsement_id)

    record, credential = await issued_record(running_service, event)

    headers = headers_of(record)
    assert record.key == str(credential_id).encode()
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "CredentialIssued.v1"
    assert headers["ce_source"] == "/services/credentials"
    assert headers["ce_subject"] == str(credential_id)
    assert headers["ce_tenant"] == TENANT
    issued = json.loads(record.value)
    assert issued["credential_id"] == str(credential_id)
    assert issued["endorsement_id"] == str(event.endorsement_id)
    assert issued["category"] == "IFS"
    assert issued["valid_from"] == event.effective_date.isoformat()
    assert issued["valid_until"] == event.renewal_date.isoformat()
    assert issued["verification_url"] == f"{PUBLIC_BASE_URL}/credentials/{credential_id}"
    assert b"ana.nunez@example.org" not in record.value  # the public topic never carries the address
    assert str(event.applicant.account_id).encode() not in record.value
    assert credential["id"] == credential_id.urn
    assert "name" not in credential["credentialSubject"]  # partners keep what they get: no name to erase
    assert "Núñez".encode() not in record.value

    did_document = (await running_service.client.get(f"/tenants/{TENANT}/did.json")).json()
    method = credential["proof"]["verificationMethod"]
    assert method in did_document["assertionMethod"]
    [key] = [m["publicKeyMultibase"] for m in did_document["verificationMethod"] if m["id"] == method]
    assert independent_verifier(credential, key)

    verified = (await running_service.client.post("/credentials/verify", json={"verifiableCredential": credential}))
    assert verified.status_code == 200
    assert verified.json()["verified"] is True

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "Mallory"  # a name added to the signed subject
    assert not independent_verifier(tampered, key)
    refused = await running_service.client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert refused.status_code == 200
    assert refused.json()["verified"] is False
    assert {"code": "INVALID_SIGNATURE", "check": "proof", "detail": "signature does not match the document"} in (
        refused.json()["errors"]
    )


async def test_a_grant_delivered_again_or_republished_issues_one_credential(running_service: Running) -> None:
    event = grant()
    credential_id = credential_id_for(event.endorsement_id)
    ce_id = uuid.uuid4()
    first = await running_service.kafka.publish(event, event_id=ce_id)
    republished = await running_service.kafka.publish(event, event_id=ce_id)  # same CloudEvent, new offset
    await running_service.processed(*first)
    await running_service.processed(*republished)

    consumer = running_service.service.consumer
    assert consumer is not None
    envelope, opened = running_service.kafka.reviews.envelope(event, ce_id)
    redelivered = consumer.tracking_for(Kafka.grants_topic, *first)  # the broker hands offset `first` again
    assert consumer.process(envelope, redelivered, opened) == "duplicate"

    await running_service.relayed()
    records = await running_service.kafka.read(CREDENTIALS.name, str(credential_id), linger=1.0)
    assert len(records) == 1
    assert len({headers_of(r)["ce_id"] for r in records}) == 1
    stored = running_service.service.app.process_recorder.select_events(credential_id)
    assert [e.originator_version for e in stored] == [1]


async def test_a_grant_for_an_unknown_tenant_is_dead_lettered_with_the_reason(running_service: Running) -> None:
    event = grant(tenant="nowhere")
    partition, offset = await running_service.kafka.publish(event)
    await running_service.processed(partition, offset)

    [dead] = await running_service.kafka.read(DEAD_LETTER.name, str(event.endorsement_id))
    headers = headers_of(dead)
    assert headers["dlq_reason"] == "unknown tenant 'nowhere'"  # refused before the handler (servicekit.handlers)
    assert headers["dlq_source_topic"] == Kafka.grants_topic == "endorsement.reviews.v2"
    assert headers["dlq_source_offset"] == str(offset)
    assert headers["dlq_consumer_group"] == running_service.service.consumer.group_id  # type: ignore[union-attr]
    assert running_service.service.app.get_credential(credential_id_for(event.endorsement_id)) is None
