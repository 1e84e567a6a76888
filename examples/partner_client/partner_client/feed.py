"""Reading the credentials topic: one report line per event, each `ce_id` reported once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from partner_client.contracts import Contracts, ContractViolation
from partner_client.did_documents import DidDocuments
from partner_client.offline_verifier import verify

TOPIC = "endorsement.credentials.v1"


@dataclass
class PartnerFeed:
    """Checks each record against the contracts and verifies the credential it carries."""

    contracts: Contracts
    dids: DidDocuments
    seen: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)

    def report(self, record: Any) -> str | None:
        """The report line for one Kafka record, or None when its `ce_id` was already reported."""
        headers = {name: (value or b"").decode("utf-8", "replace") for name, value in record.headers or ()}
        where = f"{record.partition}@{record.offset}"
        try:
            event = self.contracts.read(headers, record.value)
        except ContractViolation as violation:
            return self._line("REJECTED", headers.get("ce_type", "-"), where,
                              f"ce_id={headers.get('ce_id', '-')} {violation}")
        if event.id in self.seen:
            self.counts["DUPLICATE"] += 1
            return None
        self.seen.add(event.id)
        subject = f"tenant={event.tenant} credential={event.data.get('credential_id', '-')} ce_id={event.id}"
        credential = event.data.get("credential")
        if not isinstance(credential, dict):
            return self._line("VALID", event.type, where, f"{subject} (no credential in this event)")
        if credential.get("id") != f"urn:uuid:{event.data.get('credential_id')}":
            return self._line("FAILED", event.type, where, f"{subject} the credential's id is not the event's")
        verdict = verify(credential, self.dids.assertion_key)
        return self._line("VERIFIED" if verdict.verified else "FAILED", event.type, where,
                          f"{subject} {verdict.detail}")

    def _line(self, outcome: str, event_type: str, where: str, detail: str) -> str:
        self.counts[outcome] += 1
        return f"{outcome:<8} {event_type} {where} {detail}"


def open_consumer(bootstrap_servers: str, group_id: str | None) -> KafkaConsumer:
    """With a group: resume from its committed offsets (earliest when it has none). Without: replay all."""
    servers = bootstrap_servers.split(",")
    if group_id:
        return KafkaConsumer(TOPIC, bootstrap_servers=servers, group_id=group_id, auto_offset_reset="earliest",
                             enable_auto_commit=False)
    consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False)
    deadline = time.monotonic() + 30
    while not (partitions := consumer.partitions_for_topic(TOPIC)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"topic {TOPIC} not found on {bootstrap_servers}")
        time.sleep(0.5)
    consumer.assign([TopicPartition(TOPIC, partition) for partition in sorted(partitions)])
    consumer.seek_to_beginning()
    return consumer


def follow(consumer: KafkaConsumer, feed: PartnerFeed, *, commit: bool, idle_timeout: float | None,
           clock: Callable[[], float] = time.monotonic) -> Iterator[str]:
    """Report lines as records arrive; stops after `idle_timeout` seconds without records (never if None)."""
    last_record = clock()
    while idle_timeout is None or clock() - last_record < idle_timeout:
        batches = consumer.poll(timeout_ms=200)
        if not batches:
            continue
        last_record = clock()
        for records in batches.values():
            for record in records:
                line = feed.report(record)
                if line is not None:
                    yield line
        if commit:
            consumer.commit()
