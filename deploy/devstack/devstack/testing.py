"""Helpers for tests against the engines: one keyed record in, a whole topic out, and the grep for personal values.

kafka-python with tansu-friendly settings: acks=all, partitions assigned explicitly (no
consumer-group join, which takes ~session_timeout_ms/2 on tansu), read from the beginning.

The erasure tests (every service's `test_erasure.py`, tests/e2e/test_erasure_leaves_nothing_readable.py) read what
is stored as text (`stored_texts`, `topic_texts`) and ask which places still hold a personal value (`hits`).
"""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import psycopg
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from psycopg import sql

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


def texts_of(value: Any) -> Iterator[str]:
    """A stored value as text: bytes as UTF-8 and, where they are zlib (a compressing event store), inflated."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        yield raw.decode("utf-8", errors="replace")
        with contextlib.suppress(zlib.error):
            yield zlib.decompress(raw).decode("utf-8", errors="replace")
    elif value is not None:
        yield str(value)


def stored_texts(database_url: str, schema: str | None = None, *, events_only: bool = False) -> dict[str, str]:
    """Every row of every table as text, by table: those of `schema` by table name, or (no schema) those of every
    schema but PostgreSQL's own by `<schema>.<table>`. A row reads as its text form and each of its values
    (`texts_of`); a table without rows is there with "". `events_only`: only the event store's tables (those with
    a bytea `state`)."""
    query = ("SELECT t.table_schema, t.table_name FROM information_schema.tables t WHERE t.table_type = 'BASE TABLE'"
             " AND t.table_schema NOT IN ('pg_catalog', 'information_schema')")
    if events_only:
        query += (" AND EXISTS (SELECT FROM information_schema.columns c WHERE c.table_schema = t.table_schema"
                  " AND c.table_name = t.table_name AND c.column_name = 'state' AND c.data_type = 'bytea')")
    found: dict[str, str] = {}
    with psycopg.connect(database_url) as conn:
        if schema is None:
            tables = conn.execute(query).fetchall()
        else:
            tables = conn.execute(query + " AND t.table_schema = %s", (schema,)).fetchall()
        for table_schema, table in tables:
            rows = conn.execute(sql.SQL("SELECT t::text, t.* FROM {} t").format(sql.Identifier(table_schema, table)))
            place = table if schema is not None else f"{table_schema}.{table}"
            found[place] = "\n".join(text for row in rows for value in row for text in texts_of(value))
    return found


def topic_texts(bootstrap: str) -> dict[str, str]:
    """Every record of every topic (key, value and header values, as `texts_of`) as text, by topic."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", consumer_timeout_ms=2000)
    found: dict[str, list[str]] = {}
    try:
        partitions = [TopicPartition(topic, p) for topic in consumer.topics()
                      for p in consumer.partitions_for_topic(topic) or set()]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        for record in consumer:
            parts = [record.key, record.value, *(v for _, v in record.headers or [])]
            found.setdefault(record.topic, []).extend(text for part in parts for text in texts_of(part))
    finally:
        consumer.close()
    return {topic: "\n".join(texts) for topic, texts in found.items()}


def hits(texts: Mapping[str, str], *markers: str) -> dict[str, list[str]]:
    """Which places of `texts` hold which of `markers`, case-insensitively; places that hold none are left out."""
    wanted = [(marker, marker.casefold()) for marker in markers]
    found = {place: [marker for marker, folded in wanted if folded in text.casefold()] for place, text in texts.items()}
    return {place: held for place, held in found.items() if held}
