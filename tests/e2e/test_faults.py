"""Killing a service at the worst moments loses nothing and duplicates nothing."""

from __future__ import annotations

import json
import signal

import httpx
from devstack.stack import Stack
from kafka import KafkaProducer

from .stack_client import (
    COORDINATOR,
    approve,
    eventually,
    header,
    login,
    records,
    review_case,
    sign_up_applicant,
    submit_application,
)

PARTNER_TOPIC = "endorsement.credentials.v1"
REVIEWS_TOPIC = "endorsement.reviews.v2"


def granted_and_waiting(stack: Stack, gateway: httpx.Client) -> str:
    """Submit and approve one application; return the endorsement id once EndorsementGranted is on Kafka."""
    _, applicant = sign_up_applicant(gateway, "Kai")
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator,
                                        mail_dir=stack.engines.mail_dir)
    case = review_case(gateway, coordinator, application_id)
    endorsement_id = str(approve(gateway, coordinator, case["id"])["decision"]["endorsement_id"])
    records(stack.engines.kafka_bootstrap, REVIEWS_TOPIC,
            lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id)
    return endorsement_id


def credentials_for(stack: Stack, gateway: httpx.Client, endorsement_id: str) -> list[dict[str, object]]:
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    response = gateway.get("/credentials", params={"endorsement_id": endorsement_id}, headers=coordinator)
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_credentials_killed_before_consuming_a_grant(stack: Stack, gateway: httpx.Client) -> None:
    """Given the credentials service SIGKILLed, when an endorsement is granted and it restarts,
    then exactly one credential is issued for it."""
    stack.kill("credentials", signal.SIGKILL)
    try:
        endorsement_id = granted_and_waiting(stack, gateway)
    finally:
        stack.start_process("credentials")
        stack.wait_healthy(["credentials"])
    issued = records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
                     lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id, settle=2.0)
    assert len({header(r, "ce_id") for r in issued}) == 1
    eventually(lambda: credentials_for(stack, gateway, endorsement_id), 30, "the credential projection")
    assert len(credentials_for(stack, gateway, endorsement_id)) == 1


def test_credentials_killed_after_publishing_before_recording(stack: Stack, gateway: httpx.Client) -> None:
    """Given the relay dies right after Kafka acknowledged CredentialIssued and before it recorded that,
    when the service restarts, then the event is republished with the same ce_id and still one credential exists."""
    stack.start_process("credentials", {"FAULT_CRASH_AFTER_PUBLISH": "outbox"})
    endorsement_id = granted_and_waiting(stack, gateway)
    eventually(lambda: not stack.is_running("credentials"), 60, "the injected crash")
    stack.start_process("credentials")
    stack.wait_healthy(["credentials"])
    issued = records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
                     lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id, at_least=2)
    assert len(issued) == 2, "the crash happened after publishing, so the restart republishes"
    assert len({header(r, "ce_id") for r in issued}) == 1, "a republished event keeps its ce_id"
    assert len({json.loads(r.value)["credential_id"] for r in issued}) == 1
    eventually(lambda: credentials_for(stack, gateway, endorsement_id), 30, "the credential projection")
    assert len(credentials_for(stack, gateway, endorsement_id)) == 1


def test_garbage_is_dead_lettered_and_does_not_block(stack: Stack, gateway: httpx.Client) -> None:
    """Given malformed records on the applications topic, when the consumers meet them,
    then each consumer dead-letters them with a reason and the next application still flows."""
    producer = KafkaProducer(bootstrap_servers=stack.engines.kafka_bootstrap, acks="all")
    for partition in range(6):
        producer.send("endorsement.applications.v2", value=b"not json", partition=partition,
                      headers=[("ce_specversion", b"1.0"), ("ce_type", b"ApplicationSubmitted.v2")])
    producer.flush()
    producer.close()
    dead = records(stack.engines.kafka_bootstrap, "endorsement.deadletter.v1",
                   lambda r: r.value == b"not json", at_least=12)
    groups = {header(r, "dlq_consumer_group") for r in dead}
    assert {"reviews", "notifications"} <= groups
    assert all("missing CloudEvents headers" in header(r, "dlq_reason") for r in dead)
    granted_and_waiting(stack, gateway)  # every partition still moves
