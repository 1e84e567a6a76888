"""Create Kafka topics explicitly with their partition counts (idempotent).

tansu auto-creates unknown topics with 4 partitions and silently accepts records for
partitions that do not exist, so every topic must be created up front.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

_NO_ERROR = 0
_TOPIC_ALREADY_EXISTS = TopicAlreadyExistsError.errno


class TopicPartitionMismatchError(RuntimeError):
    """An existing topic has a different partition count than required."""


def ensure_topics(
    bootstrap: str,
    partitions_by_topic: Mapping[str, int],
    *,
    replication_factor: int = 1,
    timeout: float = 30.0,
) -> None:
    """Make sure each topic exists with exactly its partition count.

    Missing topics are created; existing topics with the right count are left alone; an
    existing topic with another count raises TopicPartitionMismatchError (nothing is
    changed: fix the topic by hand or wipe the broker).
    """
    for topic, partitions in partitions_by_topic.items():
        if partitions < 1:
            raise ValueError(f"topic {topic!r}: partitions must be >= 1, got {partitions}")
    if not partitions_by_topic:
        return
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="devstack-topics",
        request_timeout_ms=int(timeout * 1000),
    )
    try:
        existing = partition_counts(admin, list(partitions_by_topic))
        _raise_on_mismatch(partitions_by_topic, existing)
        missing = {t: n for t, n in partitions_by_topic.items() if t not in existing}
        if missing:
            _create(admin, missing, replication_factor, timeout)
            _wait_until_described(admin, partitions_by_topic, timeout)
    finally:
        admin.close()


def partition_counts(admin: Any, topics: list[str]) -> dict[str, int]:
    """Partition counts of those of `topics` that exist (never auto-creates a topic)."""
    present = set(admin.list_topics()) & set(topics)
    if not present:
        return {}
    counts: dict[str, int] = {}
    for described in admin.describe_topics(sorted(present)):
        if described["error_code"] == _NO_ERROR:
            counts[described["name"]] = len(described["partitions"])
    return counts


def _create(admin: Any, missing: dict[str, int], replication_factor: int, timeout: float) -> None:
    request = {
        topic: {"num_partitions": partitions, "replication_factor": replication_factor}
        for topic, partitions in missing.items()
    }
    response = admin.create_topics(request, timeout_ms=int(timeout * 1000), raise_errors=False)
    failures = [
        f"{t['name']}: error {t['error_code']} {t.get('error_message') or ''}".strip()
        for t in response["topics"]
        if t["error_code"] not in (_NO_ERROR, _TOPIC_ALREADY_EXISTS)
    ]
    if failures:
        raise RuntimeError("could not create topics: " + "; ".join(failures))


def _wait_until_described(admin: Any, wanted: Mapping[str, int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        counts = partition_counts(admin, list(wanted))
        _raise_on_mismatch(wanted, counts)  # a concurrent creator may have used another count
        if set(counts) == set(wanted):
            return
        if time.monotonic() >= deadline:
            missing = sorted(set(wanted) - set(counts))
            raise TimeoutError(f"topics not visible in metadata after {timeout:.0f} s: {missing}")
        time.sleep(0.1)


def _raise_on_mismatch(wanted: Mapping[str, int], existing: Mapping[str, int]) -> None:
    wrong = {t: (existing[t], n) for t, n in wanted.items() if t in existing and existing[t] != n}
    if wrong:
        details = ", ".join(
            f"{t} has {have} partitions, wants {want}" for t, (have, want) in wrong.items()
        )
        raise TopicPartitionMismatchError(f"existing topics with wrong partition counts: {details}")
