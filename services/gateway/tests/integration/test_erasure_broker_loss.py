"""The broker loses its data (issue 10 item 10): the gateway asks the services again about every erasure still
running, under the first record's `ce_id`, once however many gateways run, and notes their republished answers once.

A broker of this module's own (tansu on memory storage), restarted to lose its data: no other test loses records.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.engines import Engines
from devstack.topics import ensure_topics
from endorsement_contracts import ERASURES, KafkaRecord, encode, partition_counts
from endorsement_contracts.events.erasures import ERASING_SERVICES, ErasingService, ErasureCompleted, PersonErased
from gateway.adapters import outbox_table
from gateway.adapters.database import create_pool, migrate
from gateway.adapters.publisher import KafkaPublisher
from gateway.application.erasure_replay import ErasureReplay, derived_request_record
from gateway.application.outbox_relay import OutboxRelay
from kafka import KafkaConsumer, TopicPartition

from .conftest import Gateway, MakeGateway
from .test_erasure import REASON, coordinator, eventually, header, read, rows

BROKER = "gateway-data-loss"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RUNNING, FINISHED, HELD = "running.rater@example.org", "finished.rater@example.org", "held.rater@example.org"


@pytest.fixture
def lossy_broker(engines: Engines, private_broker: Callable[[str], str]) -> Iterator[tuple[str, Callable[[], None]]]:
    """A broker of this module's own with the contract topics, and a function that makes it lose all its data."""
    bootstrap = private_broker(BROKER)
    if f"tansu-{BROKER}" not in engines.supervisor.names():
        pytest.skip("a shared, configured broker cannot be wiped")
    ensure_topics(bootstrap, partition_counts())

    def lose_data() -> None:
        engines.supervisor.restart(f"tansu-{BROKER}")

    yield bootstrap, lose_data


def everything_on(bootstrap: str, topic: str) -> list[Any]:
    """Every record `topic` holds now: read from the beginning up to the end offsets taken first."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=500)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        found: list[Any] = []
        while any(consumer.position(p) < ends[p] for p in partitions):
            found.extend(consumer)
        return found
    finally:
        consumer.close()


def requests_on(bootstrap: str) -> list[tuple[str, str]]:
    """(erasure id, ce_id) of every `PersonErased` on the erasures topic now."""
    return [(json.loads(r.value)["erasure_id"], header(r, "ce_id")) for r in everything_on(bootstrap, ERASURES.name)
            if header(r, "ce_type") == "PersonErased.v1"]


def first_request(bootstrap: str, erasure_id: str) -> str:
    """The `ce_id` of the `PersonErased` the relay published for `erasure_id`."""
    [record] = read(bootstrap, ERASURES.name, lambda r: header(r, "ce_type") == "PersonErased.v1"
                    and json.loads(r.value)["erasure_id"] == erasure_id, 1)
    return header(record, "ce_id")


def answers(erasure: dict[str, Any], services: tuple[ErasingService, ...]) -> list[KafkaRecord]:
    """The services' `ErasureCompleted`, as their relays publish them (and publish them again, with the same ids,
    after a loss)."""
    return [encode(ErasureCompleted(tenant="itmhca", occurred_at=datetime.now(UTC), erasure_id=erasure["id"],
                                    subject=erasure["subject"], service=service),
                   event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{service}/{erasure['id']}"),
                   source=f"/services/{service}")
            for service in services]


async def publish(bootstrap: str, records: list[KafkaRecord]) -> None:
    publisher = KafkaPublisher(bootstrap, enable_idempotence=False, client_id="erasure-loss-tests")
    try:
        await publisher.publish(records)
    finally:
        await publisher.close()


async def shown(gateway: Gateway, erasure_id: str, staff: dict[str, str]) -> dict[str, Any]:
    answer = await gateway.client.get(f"/admin/erasures/{erasure_id}", headers=staff)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def recorded_epoch(gateway: Gateway) -> str | None:
    found = await rows(gateway, "SELECT epoch FROM gateway.broker_epoch")
    return str(found[0]["epoch"]) if found else None


async def backlog_empty(gateway: Gateway) -> bool:
    return not await rows(gateway, "SELECT 1 FROM gateway.outbox WHERE published_at IS NULL")


async def test_after_the_broker_lost_its_data_each_running_erasure_is_asked_again_once_under_its_first_ce_id(
    make_gateway: MakeGateway, lossy_broker: tuple[str, Callable[[], None]], upstreams: object
) -> None:
    bootstrap, lose_data = lossy_broker
    replicas = [await make_gateway(kafka_bootstrap_servers=bootstrap) for _ in range(2)]  # one database
    gateway = replicas[0]
    staff = await coordinator(gateway)
    placed = await gateway.client.post("/admin/holds", json={"rater_email": HELD, "reason": "dispute 12"},
                                       headers=staff)
    assert placed.status_code == 201, placed.text
    filed = {}
    for rater in (RUNNING, FINISHED, HELD):
        answer = await gateway.client.post("/admin/erasures", json={"rater_email": rater, "reason": REASON},
                                           headers=staff)
        assert answer.status_code == 202, answer.text
        filed[rater] = answer.json()
    running, finished, held = filed[RUNNING], filed[FINISHED], filed[HELD]
    assert held["state"] == "held"
    services = tuple(s for s in ERASING_SERVICES if s not in ("gateway", "portal"))  # those that answer on the broker
    answered_before = answers(running, ("applications",))
    finishing = answers(finished, services)
    await publish(bootstrap, answered_before + finishing)
    done = await eventually(lambda: _in_state(gateway, finished["id"], staff, "done"), "the finished request done")
    await eventually(lambda: _answered(gateway, running["id"], staff, "applications"), "the first answer noted")
    first = {erasure["id"]: await asyncio.to_thread(first_request, bootstrap, erasure["id"])
             for erasure in (running, finished)}
    [kept] = await rows(gateway, "SELECT request_ce_id FROM gateway.erasures WHERE id = $1", uuid.UUID(running["id"]))
    assert str(kept["request_ce_id"]) == first[running["id"]], "the ledger keeps the first record's ce_id"
    epoch_before = await recorded_epoch(gateway)
    assert epoch_before is not None

    await asyncio.to_thread(lose_data)

    async def new_epoch() -> bool:
        return await recorded_epoch(gateway) not in (None, epoch_before)

    await eventually(new_epoch, "a relay to notice that the broker lost its data")
    await eventually(lambda: backlog_empty(gateway), "the outbox published on the new broker")
    assert await asyncio.to_thread(requests_on, bootstrap) == [(running["id"], first[running["id"]])], (
        "only the running request, once for both replicas, under its first ce_id")

    # the services' relays republish their whole logs: repeated answers are noted once, new ones finish the request
    await publish(bootstrap, finishing + answered_before + answers(running, services))
    await eventually(lambda: _in_state(gateway, running["id"], staff, "done"), "the running request done")
    for erasure in (running, finished):
        counted = await rows(gateway, "SELECT count(*) AS n FROM gateway.erasure_answers WHERE erasure_id = $1",
                             uuid.UUID(erasure["id"]))
        assert counted[0]["n"] == len(ERASING_SERVICES), erasure["id"]
    assert (await shown(gateway, finished["id"], staff))["done_at"] == done["done_at"]
    assert (await shown(gateway, held["id"], staff))["state"] == "held"
    assert [r.app.state.erasures_consumer.dead_lettered for r in replicas] == [0, 0]
    assert await asyncio.to_thread(requests_on, bootstrap) == [(running["id"], first[running["id"]])]


async def _in_state(gateway: Gateway, erasure_id: str, staff: dict[str, str], state: str) -> dict[str, Any] | None:
    body = await shown(gateway, erasure_id, staff)
    return body if body["state"] == state else None


async def _answered(gateway: Gateway, erasure_id: str, staff: dict[str, str], service: str) -> bool:
    return bool((await shown(gateway, erasure_id, staff))["progress"].get(service))


class SettableEpoch:
    """Stands for the broker epoch (`servicekit.broker_epoch.BrokerEpoch`): the test says when the broker lost its
    data, without a broker restart."""

    def __init__(self, value: str) -> None:
        self.value = value

    def current(self) -> str:
        return self.value


async def test_requests_filed_before_the_ledger_kept_ce_ids_are_asked_again_once_per_epoch_change(
    database_url: str, kafka_bootstrap: str, accounts_topic: str
) -> None:
    pool = await create_pool(database_url)
    publisher = KafkaPublisher(kafka_bootstrap, enable_idempotence=False, client_id="erasure-loss-tests")
    try:
        await migrate(pool)
        pending, published, done = (uuid.uuid4() for _ in range(3))
        first = {erasure_id: uuid.uuid4() for erasure_id in (pending, published)}
        async with pool.acquire() as conn, conn.transaction():  # as a gateway that kept no ce_id left them
            await conn.execute("ALTER TABLE gateway.erasures DROP COLUMN request_ce_id")
            for erasure_id, state in ((pending, "erasing"), (published, "erasing"), (done, "done")):
                await conn.execute(
                    "INSERT INTO gateway.erasures (id, tenant, subject, requested_by, requested_at, state, started_at)"
                    " VALUES ($1, 'itmhca', $2, 'system', $3, $4, $3)", erasure_id, f"account:{erasure_id}", NOW,
                    state)
            for erasure_id, ce_id in first.items():
                await outbox_table.add(conn, PersonErased(tenant="itmhca", occurred_at=NOW, erasure_id=erasure_id,
                                                          subject=f"account:{erasure_id}"), ce_id)
            await conn.execute("UPDATE gateway.outbox SET published_at = $2, payload = NULL WHERE id = $1",
                               first[published], NOW)
        await migrate(pool)  # adds the column, with the ce_id of each request whose row still says which it is
        async with pool.acquire() as conn:
            kept = dict(await conn.fetch("SELECT id, request_ce_id FROM gateway.erasures"))
        assert kept == {pending: first[pending], published: None, done: None}

        epoch = SettableEpoch("e1")
        relays = [OutboxRelay(pool, publisher, lambda: NOW, epoch=epoch, follower=ErasureReplay(lambda: NOW))
                  for _ in range(2)]
        assert await relays[0].run_once() == 1, "the first epoch recorded asks nothing again"
        epoch.value = "e2"  # the broker lost its data
        await asyncio.gather(*(relay.run_once() for relay in relays))
        while await relays[0].run_once() or await relays[1].run_once():
            pass
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT epoch FROM gateway.broker_epoch") == "e2"
            assert await conn.fetchval("SELECT request_ce_id FROM gateway.erasures WHERE id = $1", published) == \
                derived_request_record(published), "derived once, kept from then on"
            assert (await outbox_table.backlog(conn)).pending == 0
    finally:
        await publisher.close()
        await pool.close()

    ours = {str(erasure_id) for erasure_id in (pending, published, done)}
    found = sorted((json.loads(r.value)["erasure_id"], header(r, "ce_id"))
                   for r in await asyncio.to_thread(everything_on, kafka_bootstrap, ERASURES.name)
                   if header(r, "ce_type") == "PersonErased.v1" and json.loads(r.value)["erasure_id"] in ours)
    assert found == sorted([(str(pending), str(first[pending]))] * 2 + [
        (str(published), str(derived_request_record(published)))]), "once per epoch; the done request never"
