"""Helpers for tests against the engines: one keyed record in, a whole topic out.

kafka-python with tansu-friendly settings: acks=all, partitions assigned explicitly (no
consumer-group join, which takes ~session_timeout_ms/2 on tansu), read from the beginning.
"""

from __future__ import annotations

import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

Header = tuple[str, bytes]


def produce(
    bootstrap: str, topic: str, key: bytes, value: bytes, headers: list[Header], timeout: float = 45.0
) -> int:
    """Send one record with acks=all; return the partition it went to.

    The timeout is generous: right after a restart, tansu on SeaweedFS S3 can take well over
    15 s for its first acknowledged write when the machine is busy (seen under the full suite).
    """
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    try:
        metadata = producer.send(topic, key=key, value=value, headers=headers).get(timeout=timeout)
        partition: int = metadata.partition
        return partition
    finally:
        producer.close(timeout=5)


def consume_all(
    bootstrap: str, topic: str, expected: int, timeout: float = 15.0
) -> list[ConsumerRecord]:
    """Read every partition of `topic` from the beginning until `expected` records arrived
    (or `timeout` passed: the caller asserts on what came back)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        (described,) = admin.describe_topics([topic])
    finally:
        admin.close()
    partitions = [TopicPartition(topic, p["partition_index"]) for p in described["partitions"]]
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    records: list[ConsumerRecord] = []
    try:
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records
