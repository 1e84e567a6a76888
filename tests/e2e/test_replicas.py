"""Two replicas of every service: the journey runs through both, and killing the replica that holds a job's lock
(relay, projections, sweeps, mail sender) hands the job to the other without duplicating or reordering records."""

from __future__ import annotations

import signal
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.mailbox import read_messages
from devstack.stack import Stack, start_stack

from . import stack_client
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

TOPICS = ("endorsement.applications.v2", "endorsement.reviews.v2", "endorsement.credentials.v1")
SERVICES = ("applications", "reviews", "credentials", "notifications")
RELAYED = ("applications", "reviews", "credentials")  # notifications has no outbox relay


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("replicas"), "test", replicas=2)
    stack_client.MAIL_DIR = running.engines.mail_dir
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        yield client


def leading(stack: Stack, process: str) -> list[str]:
    """The jobs this replica leads, as its /healthz reports them (none when it does not answer)."""
    try:
        answer = httpx.get(f"{stack.url(process)}/healthz", timeout=5)
    except httpx.TransportError:
        return []
    checks: dict[str, Any] = answer.json().get("checks", {})
    return list(checks.get("leading", {}).get("jobs", []))


def leader(stack: Stack, service: str, job: str) -> str | None:
    holders = [process for process in stack.replicas(service) if job in leading(stack, process)]
    assert len(holders) <= 1, f"{job} is led by {holders}"
    return holders[0] if holders else None


def journey(stack: Stack, gateway: httpx.Client, name: str) -> tuple[str, str]:
    """Sign up, submit, approve; returns (application id, endorsement id)."""
    _, applicant = sign_up_applicant(gateway, name)
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator,
                                        mail_dir=stack.engines.mail_dir)
    case = review_case(gateway, coordinator, application_id)
    endorsement_id = str(approve(gateway, coordinator, case["id"])["decision"]["endorsement_id"])
    return application_id, endorsement_id


def credentials_of(stack: Stack, gateway: httpx.Client, endorsement_id: str) -> list[dict[str, Any]]:
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    answer = gateway.get("/credentials", params={"endorsement_id": endorsement_id}, headers=coordinator)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def check_topic(stack: Stack, topic: str) -> int:
    """No record twice (same ce_id), and per key the records in the order their events happened."""
    found = records(stack.engines.kafka_bootstrap, topic, lambda _: True, settle=2.0)
    ids = Counter(header(record, "ce_id") for record in found)
    assert not [ce_id for ce_id, count in ids.items() if count > 1], f"duplicate records on {topic}"
    times: dict[bytes, list[str]] = defaultdict(list)
    for record in found:
        times[record.key].append(header(record, "ce_time"))
    disordered = {key: seq for key, seq in times.items() if seq != sorted(seq)}
    assert not disordered, f"records out of order on {topic}: {disordered}"
    return len(found)


def test_journey_through_two_replicas_survives_killing_every_lock_holder(stack: Stack, gateway: httpx.Client,
                                                                         mail_dir: Path) -> None:
    """Given two replicas of every service, when the journey runs, then each job runs on exactly one replica;
    when every leader is SIGKILLed mid-way and the journey goes on, then the other replicas take the jobs over,
    every endorsement gets one credential, and the topics hold each record once, in order per key."""
    for service in SERVICES:
        assert all(stack.is_running(process) for process in stack.replicas(service))
    before = [journey(stack, gateway, f"Replica Applicant {i}") for i in range(2)]
    relays = {service: eventually(partial(leader, stack, service, f"{service}/relay:outbox"), 30, f"{service} relay")
              for service in RELAYED}
    mailer = eventually(lambda: leader(stack, "notifications", "notifications/job:mail-sender"), 30, "mail sender")
    for _, endorsement_id in before:
        eventually(partial(credentials_of, stack, gateway, endorsement_id), 60, "the first credentials")

    killed = {*relays.values(), mailer}
    for process in killed:
        stack.kill(process, signal.SIGKILL)
    for service in RELAYED:
        eventually(partial(leader, stack, service, f"{service}/relay:outbox"), 30, f"another {service} relay")
    eventually(lambda: leader(stack, "notifications", "notifications/job:mail-sender"), 30, "another mail sender")

    after = [journey(stack, gateway, f"Replica Applicant {i}") for i in range(2, 4)]
    for _, endorsement_id in [*before, *after]:
        eventually(partial(credentials_of, stack, gateway, endorsement_id), 60, "every credential")
        assert len(credentials_of(stack, gateway, endorsement_id)) == 1
    for topic in TOPICS:
        assert check_topic(stack, topic) > 0
    message_ids = Counter(str(message["Message-ID"]) for message in read_messages(mail_dir))
    assert not [mid for mid, count in message_ids.items() if count > 1], "an email was sent twice"
    for process in killed:
        stack.start_process(process)
    stack.wait_healthy(sorted(killed))
