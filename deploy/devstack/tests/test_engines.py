"""Test-mode engines: PostgreSQL, Kafka (tansu), SMTP sink, each used for real."""

from __future__ import annotations

import asyncio
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

import asyncpg
import psycopg
import pytest
from devstack.engines import Engines, start_engines
from devstack.mailbox import store_message
from devstack.postgres import create_database, drop_database, fresh_database
from devstack.smtp_sink import read_messages, wait_for_messages
from devstack.testing import consume_all, produce
from devstack.topics import TopicPartitionMismatchError, ensure_topics
from kafka import KafkaAdminClient


def test_postgres_answers_psycopg_and_asyncpg(engines: Engines) -> None:
    with psycopg.connect(engines.database_url) as conn:
        row = conn.execute("SELECT 40 + 2").fetchone()
    assert row == (42,)

    async def via_asyncpg() -> object:
        conn = await asyncpg.connect(engines.database_url)
        try:
            return await conn.fetchval("SELECT 'asyncpg'")
        finally:
            await conn.close()

    assert asyncio.run(via_asyncpg()) == "asyncpg"


def test_fresh_database_is_created_isolated_and_dropped(engines: Engines) -> None:
    first = create_database(engines.database_url, prefix="iso")
    second = create_database(engines.database_url, prefix="iso")
    assert first != second
    with psycopg.connect(first, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        held_open = psycopg.connect(first)  # a leftover session must not block the drop
    with psycopg.connect(second) as conn:
        exists = conn.execute("SELECT to_regclass('public.t')").fetchone()
    assert exists == (None,)

    drop_database(first)
    drop_database(second)
    drop_database(second)  # idempotent
    held_open.close()
    with psycopg.connect(engines.database_url) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}
    assert first.rsplit("/", 1)[1] not in names

    with fresh_database(engines.database_url) as url, psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (url.rsplit("/", 1)[1],)


def test_topics_get_their_partition_counts_idempotently(engines: Engines) -> None:
    suffix = uuid.uuid4().hex[:8]
    wanted = {f"orders-{suffix}": 6, f"events-{suffix}": 1, f"mail-{suffix}": 3}
    ensure_topics(engines.kafka_bootstrap, wanted)
    ensure_topics(engines.kafka_bootstrap, wanted)  # again: nothing to do

    admin = KafkaAdminClient(bootstrap_servers=engines.kafka_bootstrap)
    try:
        described = admin.describe_topics(sorted(wanted))
    finally:
        admin.close()
    assert {t["name"]: len(t["partitions"]) for t in described} == wanted

    with pytest.raises(TopicPartitionMismatchError, match=f"orders-{suffix} has 6 partitions"):
        ensure_topics(engines.kafka_bootstrap, {f"orders-{suffix}": 4})


def test_keyed_record_with_cloudevents_headers_round_trips(engines: Engines) -> None:
    topic = f"roundtrip-{uuid.uuid4().hex[:8]}"
    ensure_topics(engines.kafka_bootstrap, {topic: 4})
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", uuid.uuid4().bytes),
        ("ce_type", b"application.submitted.v1"),
        ("ce_source", b"/services/applications"),
    ]
    partition = produce(engines.kafka_bootstrap, topic, b"tenant-7:app-1", b'{"a":1}', headers)

    (record,) = consume_all(engines.kafka_bootstrap, topic, expected=1)
    assert record.key == b"tenant-7:app-1"
    assert record.value == b'{"a":1}'
    assert record.partition == partition
    assert list(record.headers) == headers


def test_email_is_stored_and_read_back(engines: Engines) -> None:
    assert engines.mail_dir is not None
    subject = f"Welcome {uuid.uuid4().hex[:6]}"
    message = EmailMessage()
    message["From"] = "noreply@example.test"
    message["To"] = "alice@example.test"
    message["Subject"] = subject
    message.set_content("Grüße — your application was received.")
    with smtplib.SMTP(engines.smtp_host, engines.smtp_port, timeout=10) as smtp:
        smtp.send_message(message, to_addrs=["alice@example.test", "audit@example.test"])

    (received,) = wait_for_messages(
        engines.mail_dir, lambda m: m["Subject"] == subject, count=1, timeout=10
    )
    assert received["To"] == "alice@example.test"
    assert received["X-Envelope-To"] == "alice@example.test, audit@example.test"
    body = received.get_body()
    assert body is not None
    assert "Grüße" in body.get_content()
    assert any(m["Subject"] == subject for m in read_messages(engines.mail_dir))
    assert not [p for p in engines.mail_dir.iterdir() if p.name.endswith(".tmp")]


def test_messages_are_found_by_recipient_in_any_case(tmp_path: Path) -> None:
    for to, subject in [("Alice@Example.test", "one"), ("bob@example.test", "two"), ("alice@example.test", "three")]:
        message = EmailMessage()
        message["To"], message["Subject"] = to, subject
        store_message(tmp_path, message.as_bytes())
    assert [m["Subject"] for m in read_messages(tmp_path, to="ALICE@example.test")] == ["one", "three"]
    found = wait_for_messages(tmp_path, lambda m: m["Subject"] != "one", count=1, timeout=1, to="alice@example.test")
    assert [m["Subject"] for m in found] == ["three"]
    with pytest.raises(TimeoutError, match=r"0/1 matching messages to carol@example\.test"):
        wait_for_messages(tmp_path, count=1, timeout=0.2, to="carol@example.test")


def test_wait_for_messages_times_out_with_a_useful_error(tmp_path: Path) -> None:
    with pytest.raises(TimeoutError, match="0/1 matching"):
        wait_for_messages(tmp_path, count=1, timeout=0.2)


def test_engines_given_by_the_environment_are_not_started(
    engines: Engines, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", engines.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", engines.kafka_bootstrap)
    monkeypatch.setenv("SMTP_URL", "smtp://mail.example.test:2525")
    with start_engines(data_dir, mode="test") as configured:
        assert configured.supervisor.names() == []
        assert configured.database_url == engines.database_url
        assert configured.kafka_bootstrap == engines.kafka_bootstrap
        assert (configured.smtp_host, configured.smtp_port) == ("mail.example.test", 2525)
        assert configured.mail_dir is None
