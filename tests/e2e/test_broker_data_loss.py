"""The broker loses its data (tansu on memory storage restarts): replay restores the topics, nothing happens twice.

After the restart every topic is empty and its offsets start at 0 again. The services notice (the topic ids
changed), the relays republish their whole notification logs with the same `ce_id`s, the consumers read from the
start, and every effect (case, credential, email) is recognised as done already.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from devstack.mailbox import read_messages
from devstack.stack import Stack
from endorsement_contracts import partition_counts
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from .stack_client import (
    COORDINATOR,
    approve,
    eventually,
    login,
    records,
    review_case,
    sign_up_applicant,
    submit_application,
)

BROKER = "tansu"
REPLAYED = ("endorsement.applications.v2", "endorsement.reviews.v2", "endorsement.credentials.v1")
"""The topics the services' relays republish (the gateway's accounts topic is not: see the gateway README)."""
PARTNER_TOPIC = "endorsement.credentials.v1"
DEAD_LETTERS = "endorsement.deadletter.v1"


def everything_on(bootstrap: str, topic: str, idle: float = 1.5) -> list[Any]:
    """Every record on `topic` now (read until nothing new came for `idle` seconds)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=int(idle * 1000))
    try:
        # The broker's partitions, not the contract's: a client may have auto-created the topic after the loss.
        consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()])
        consumer.seek_to_beginning()
        return list(consumer)
    finally:
        consumer.close()


def ce_ids(found: list[Any]) -> list[str]:
    return [dict(r.headers)["ce_id"].decode() for r in found]


def of_type(found: list[Any], ce_type: str, **fields: str) -> set[str]:
    """Distinct ce_ids of the records of `ce_type` whose payload has these fields."""
    return {dict(r.headers)["ce_id"].decode() for r in found
            if dict(r.headers)["ce_type"].decode() == ce_type
            and all(str(json.loads(r.value).get(k)) == v for k, v in fields.items())}


def journey(stack: Stack, gateway: httpx.Client, name: str) -> tuple[str, str]:
    """Sign up (confirming the mailed link), apply, get approved; (application id, endorsement id) once the
    credential is on the partner topic."""
    _, applicant = sign_up_applicant(gateway, name)
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator, mail_dir=stack.engines.mail_dir)
    case = review_case(gateway, coordinator, application_id)
    endorsement_id = str(approve(gateway, coordinator, case["id"])["decision"]["endorsement_id"])
    records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
            lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id, timeout=90)
    return application_id, endorsement_id


def settled_mail(mail_dir: Path, quiet: float = 3.0) -> list[Any]:
    """The mailbox once no new message arrived for `quiet` seconds."""
    count, since = -1, time.monotonic()
    while True:
        now = len(read_messages(mail_dir))
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return read_messages(mail_dir)
        time.sleep(0.2)


def crash_the_broker(stack: Stack) -> None:
    """SIGKILL the broker behind the supervisor's back, as a crash: it restarts it (and makes the topics again)."""
    pid = stack.supervisor.pids()[BROKER]
    os.kill(pid, signal.SIGKILL)
    eventually(lambda: stack.supervisor.pids().get(BROKER) not in (None, pid), 60, "the supervisor to restart it")


def topics_made_again(bootstrap: str) -> bool:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        present = set(admin.list_topics())
    finally:
        admin.close()
    return set(partition_counts()) <= present


def test_replay_after_the_broker_lost_its_data(stack: Stack, gateway: httpx.Client, mail_dir: Path) -> None:
    """Given a journey to an issued credential, when the broker restarts empty, then every replayed topic holds
    again every record it had (same ce_ids, each once), a second journey works end to end (its signup email
    travels on a topic whose offsets started again at 0), and there is no second case, credential or email."""
    bootstrap = stack.engines.kafka_bootstrap
    first_application, first_endorsement = journey(stack, gateway, "Noor Haddad")
    mail_before = settled_mail(mail_dir)
    before = {topic: ce_ids(everything_on(bootstrap, topic)) for topic in REPLAYED}
    assert all(before.values())

    crash_the_broker(stack)  # memory storage: every topic, record and committed offset is gone
    eventually(lambda: topics_made_again(bootstrap), 90, "the broker back and its topics made again")

    def missing() -> dict[str, int]:
        return {t: len(set(before[t]) - set(ce_ids(everything_on(bootstrap, t)))) for t in REPLAYED}

    eventually(lambda: not any(missing().values()), 120, "the relays to republish every record")
    second_application, second_endorsement = journey(stack, gateway, "Ravi Menon")
    mail_after = settled_mail(mail_dir)

    after = {topic: everything_on(bootstrap, topic) for topic in REPLAYED}
    for topic, found in after.items():
        counts = Counter(ce_ids(found))
        assert set(before[topic]) <= set(counts), f"{topic}: records missing after the replay"
        assert max(counts.values()) == 1, f"{topic}: a ce_id published twice since the restart"
    reviews = after["endorsement.reviews.v2"]
    for application_id in (first_application, second_application):
        assert len(of_type(reviews, "ReviewOpened.v2", application_id=application_id)) == 1, "a second case"
    partner = after[PARTNER_TOPIC]
    for endorsement_id in (first_endorsement, second_endorsement):
        assert len(of_type(partner, "CredentialIssued.v1", endorsement_id=endorsement_id)) == 1, "a second credential"
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    for endorsement_id in (first_endorsement, second_endorsement):
        listed = gateway.get("/credentials", params={"endorsement_id": endorsement_id}, headers=coordinator)
        assert listed.status_code == 200 and len(listed.json()["items"]) == 1, listed.text

    message_ids = Counter(str(m["Message-ID"]) for m in mail_after)
    assert max(message_ids.values()) == 1, [i for i, n in message_ids.items() if n > 1]
    assert {str(m["Message-ID"]) for m in mail_before} <= set(message_ids)
    assert len(mail_after) > len(mail_before), "the second journey's emails arrived"
    assert everything_on(bootstrap, DEAD_LETTERS) == [], "the replay was refused somewhere"
