"""The account events reach `endorsement.accounts.v1` on the real broker: in order, keyed, with stable ids."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from endorsement_contracts import ACCOUNTS, KafkaRecord, decode
from endorsement_contracts.events.accounts import AccountProfileChanged
from gateway.adapters import outbox_table
from gateway.adapters.database import create_pool, migrate
from gateway.adapters.publisher import KafkaPublisher
from gateway.application.outbox_relay import OutboxRelay
from kafka import KafkaConsumer, TopicPartition
from servicekit.broker_epoch import BrokerEpoch, BrokerUnavailable

from .conftest import Gateway, MakeGateway, free_port

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def read_topic(bootstrap: str, match: Callable[[Any], bool], at_least: int, timeout: float = 30) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=300)
    try:
        partitions = consumer.partitions_for_topic(ACCOUNTS.name) or set()
        consumer.assign([TopicPartition(ACCOUNTS.name, p) for p in partitions])
        consumer.seek_to_beginning()
        found: list[Any] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(found) < at_least:
            found.extend(r for r in consumer if match(r))
        assert len(found) >= at_least, f"found {len(found)} records, wanted {at_least}"
        return found
    finally:
        consumer.close()


def header(record: Any, name: str) -> str:
    return dict(record.headers)[name].decode()


async def eventually_published(pool: asyncpg.Pool) -> None:
    deadline = time.monotonic() + 30
    while True:
        async with pool.acquire() as conn:
            if (await outbox_table.backlog(conn)).pending == 0:
                return
        assert time.monotonic() < deadline, "the outbox was not emptied"
        await asyncio.sleep(0.1)


async def test_sign_up_events_are_published_keyed_by_account_with_the_rows_ids(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    account = await gateway.sign_up("kafka@example.org", verified=False)
    pool = gateway.app.state.runtime.pool
    await eventually_published(pool)
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, event_type, payload FROM gateway.outbox WHERE published_at IS NOT NULL"
                                " ORDER BY seq")
    ids = {str(row["id"]): row["event_type"] for row in rows}
    assert all(row["payload"] is None for row in rows), "published payloads (with their links) are dropped"
    found = await asyncio.to_thread(read_topic, kafka_bootstrap, lambda r: r.key == account["id"].encode(), 2)
    assert [header(r, "ce_type") for r in found] == ["AccountRegistered.v1", "EmailVerificationRequested.v1"]
    # each row kept its event's sealed twin (application/outbox.py), published under the row's id
    assert all(ids[header(r, "ce_id")] == header(r, "ce_type").replace(".v1", ".v2") for r in found)
    assert {header(r, "ce_source") for r in found} == {"/services/gateway"}
    verification = decode(found[1].headers, found[1].value).event
    assert str(getattr(verification, "link", "")).startswith("https://portal.example/account/verify/")
    health = (await gateway.client.get("/healthz")).json()
    assert health["outbox"]["pending"] == 0


class CrashAfterPublishing:
    """Stands for a relay that dies once the broker has the records, before it could mark them."""

    def __init__(self, publisher: KafkaPublisher) -> None:
        self.publisher = publisher

    async def publish(self, records: Sequence[KafkaRecord]) -> None:
        await self.publisher.publish(records)
        raise RuntimeError("crashed after publishing")


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url)
    await migrate(pool)
    yield pool
    await pool.close()


async def test_a_relay_that_dies_before_marking_publishes_again_with_the_same_ids(
    pool: asyncpg.Pool, kafka_bootstrap: str, accounts_topic: str
) -> None:
    account_id = uuid4()
    written = [uuid4() for _ in range(3)]
    async with pool.acquire() as conn, conn.transaction():  # rows as an older gateway wrote them: plaintext v1
        for n, record_id in enumerate(written):
            await outbox_table.add(conn, AccountProfileChanged(
                tenant="itmhca", occurred_at=NOW, account_id=account_id, email="r@example.org", name=f"Name {n}",
                language="en"), record_id)
    publisher = KafkaPublisher(kafka_bootstrap, enable_idempotence=False)
    try:
        with pytest.raises(RuntimeError):
            await OutboxRelay(pool, CrashAfterPublishing(publisher), lambda: NOW).run_once()
        async with pool.acquire() as conn:
            assert (await outbox_table.backlog(conn)).pending == 3, "nothing is marked before the acknowledgement"
        assert await OutboxRelay(pool, publisher, lambda: NOW).run_once() == 3
        async with pool.acquire() as conn:
            assert (await outbox_table.backlog(conn)).pending == 0
    finally:
        await publisher.close()
    found = await asyncio.to_thread(read_topic, kafka_bootstrap, lambda r: r.key == str(account_id).encode(), 6)
    ids = [UUID(header(r, "ce_id")) for r in found]
    assert ids == written + written, "each record twice, in order, with the same ce_id"
    assert [decode(r.headers, r.value).event.name for r in found[:3]] == ["Name 0", "Name 1", "Name 2"]  # type: ignore[attr-defined]


class BrokerNotAnswering:
    """Stands for the broker epoch of a gateway whose broker is away: the read waits (for the client's bootstrap
    timeout, here until released), then fails."""

    def __init__(self) -> None:
        self.reading = threading.Event()
        self.release = threading.Event()

    def current(self) -> str:
        self.reading.set()
        self.release.wait()
        raise BrokerUnavailable("cannot describe the contract topics: the broker did not answer")


async def test_a_relay_waiting_for_its_absent_broker_does_not_hold_back_another_gateways_relay(
    pool: asyncpg.Pool, kafka_bootstrap: str, accounts_topic: str
) -> None:
    account_id = uuid4()
    async with pool.acquire() as conn, conn.transaction():
        for n in range(2):
            await outbox_table.add(conn, AccountProfileChanged(
                tenant="itmhca", occurred_at=NOW, account_id=account_id, email="w@example.org", name=f"Name {n}",
                language="en"), uuid4())
    away = BrokerNotAnswering()
    nowhere = KafkaPublisher(f"127.0.0.1:{free_port()}", enable_idempotence=False)
    waiting = asyncio.create_task(OutboxRelay(pool, nowhere, lambda: NOW, epoch=away).run_once())
    publisher = KafkaPublisher(kafka_bootstrap, enable_idempotence=False)
    epoch = BrokerEpoch(kafka_bootstrap)
    try:
        assert await asyncio.to_thread(away.reading.wait, 30), "the first relay never asked its broker"
        assert await OutboxRelay(pool, publisher, lambda: NOW, epoch=epoch).run_once() == 2
    finally:
        away.release.set()
        [outcome] = await asyncio.gather(waiting, return_exceptions=True)
        await publisher.close()
        await nowhere.close()
        epoch.close()
    assert isinstance(outcome, BrokerUnavailable), "it fails once its broker read does, and tries again later"
    async with pool.acquire() as conn:
        assert (await outbox_table.backlog(conn)).pending == 0


async def test_the_gateway_serves_while_the_broker_is_away_and_publishes_when_it_is_back(
    make_gateway: MakeGateway, kafka_bootstrap: str, upstreams: object
) -> None:
    away = await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    account = await away.sign_up("later@example.org")
    health = (await away.client.get("/healthz")).json()
    assert health["status"] == "ok" and health["outbox"]["pending"] >= 2  # and the seeded staff's AccountRegistered
    back = await make_gateway()  # the same database, a reachable broker: the waiting events go out
    await eventually_published(back.app.state.runtime.pool)
    found = await asyncio.to_thread(read_topic, kafka_bootstrap, lambda r: r.key == account["id"].encode(), 2)
    assert [header(r, "ce_type") for r in found] == ["AccountRegistered.v1", "EmailVerificationRequested.v1"]
