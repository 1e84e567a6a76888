"""The sealed twins (docs/erasure.md, slice 7b): every account event also reaches `endorsement.accounts.v2`, under the
v1 record's `ce_id`, with its email, name and link sealed under `account:<account id>`; services open the tokens at
the gateway's own `POST /internal/unseal` with a service token, and they open to null once the account is erased."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from endorsement_contracts import ACCOUNTS, ACCOUNTS_V2, IntegrationEvent, decode
from endorsement_contracts.events import twin_of
from endorsement_contracts.events.accounts import AccountProfileChanged, EmailVerificationRequested
from gateway.adapters import outbox_table
from gateway.adapters.database import SCHEMA, create_pool, migrate
from gateway.application.outbox import Outbox
from gateway.application.outbox_relay import to_records
from kafka import KafkaConsumer, TopicPartition
from servicekit.sealed_twins import opened_twin
from servicekit.service_identity import ServiceTokenSigner, public_key_text
from servicekit.shredding import SubjectKeys, subject_of
from servicekit.unseal import sealed_tokens

from .conftest import APPLICANT_PASSWORD, FakePortal, FakeService, Gateway, MakeGateway, free_port

NOTIFICATIONS = Ed25519PrivateKey.generate()
NOTIFYING = ServiceTokenSigner("notifications", NOTIFICATIONS)
CALLERS = f"notifications={public_key_text(NOTIFICATIONS)}"
NAME = "Ada Applicant"  # what Gateway.sign_up names everyone
WAIT_SECONDS = 30.0


def records_of(bootstrap: str, topic: str, key: str, at_least: int) -> list[Any]:
    """The records of `topic` keyed `key`, from its start, once there are at least `at_least` of them."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=300)
    try:
        consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or set()])
        consumer.seek_to_beginning()
        found: list[Any] = []
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and len(found) < at_least:
            found.extend(record for record in consumer if record.key == key.encode())
        assert len(found) >= at_least, f"{topic}: found {len(found)} records keyed {key}, wanted {at_least}"
        return found
    finally:
        consumer.close()


def records_to_the_end(bootstrap: str, topic: str, key: str) -> list[Any]:
    """Every record of `topic` keyed `key` that the broker holds now (read up to each partition's end)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=300)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or set()]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        found: list[Any] = []
        deadline = time.monotonic() + WAIT_SECONDS
        while any(consumer.position(p) < ends[p] for p in partitions):
            assert time.monotonic() < deadline, f"{topic} was not read to its end"
            found.extend(record for record in consumer if record.key == key.encode())
        return found
    finally:
        consumer.close()


def header(record: Any, name: str) -> str:
    return dict(record.headers)[name].decode()


def event_of(record: Any) -> IntegrationEvent:
    return decode(record.headers, record.value).event


async def all_published(gateway: Gateway) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        async with gateway.app.state.runtime.pool.acquire() as conn:
            if (await outbox_table.backlog(conn)).pending == 0:
                return
        assert time.monotonic() < deadline, "the outbox was not emptied"
        await asyncio.sleep(0.1)


async def both_topics(gateway: Gateway, bootstrap: str, account_id: str, count: int) -> tuple[list[Any], list[Any]]:
    await all_published(gateway)
    v1 = await asyncio.to_thread(records_of, bootstrap, ACCOUNTS.name, account_id, count)
    v2 = await asyncio.to_thread(records_of, bootstrap, ACCOUNTS_V2.name, account_id, count)
    return v1, v2


def bearer(signer: ServiceTokenSigner, audience: str = "gateway") -> dict[str, str]:
    return {"authorization": f"Bearer {signer.token_for(audience)}"}


async def unsealed(gateway: Gateway, tokens: list[str]) -> dict[str, str | None]:
    answer = await gateway.client.post("/internal/unseal", json={"tokens": tokens}, headers=bearer(NOTIFYING))
    assert answer.status_code == 200, answer.text
    opened: dict[str, str | None] = answer.json()["opened"]
    return opened


@pytest.fixture
async def sealing_gateway(make_gateway: MakeGateway, upstreams: dict[str, FakeService]) -> Gateway:
    return await make_gateway(service_public_keys=CALLERS)


async def test_each_account_event_is_twinned_on_v2_with_the_v1_ce_id_and_nothing_readable(
    sealing_gateway: Gateway, kafka_bootstrap: str
) -> None:
    email = f"twin-{uuid4().hex[:8]}@example.org"
    account = await sealing_gateway.sign_up(email, verified=False)
    subject = f"account:{account['id']}"

    v1, v2 = await both_topics(sealing_gateway, kafka_bootstrap, account["id"], 2)

    assert [header(r, "ce_type") for r in v2] == ["AccountRegistered.v2", "EmailVerificationRequested.v2"]
    assert [header(r, "ce_id") for r in v2] == [header(r, "ce_id") for r in v1], "the same facts, the same ids"
    assert {header(r, "ce_source") for r in v2} == {"/services/gateway"}
    verification = event_of(v1[1])
    assert isinstance(verification, EmailVerificationRequested)
    link = verification.link
    secret = link.rsplit("/", 1)[1]
    for record in v2:
        for readable in (email, NAME, secret, "portal.example", "@"):
            assert readable.encode() not in record.value, f"{readable!r} travels readable on {ACCOUNTS_V2.name}"
    twins = [event_of(record) for record in v2]
    tokens = [token for twin in twins for token in sealed_tokens(twin)]
    assert len(tokens) == 2 + 3  # email and name; email, name and link
    assert {subject_of(token) for token in tokens} == {subject}

    opened = await unsealed(sealing_gateway, tokens)

    assert [opened[token] for token in sealed_tokens(twins[1])] == [email, NAME, link]
    for twin, original in zip(twins, v1, strict=True):  # back in the v1 shape, a consumer reads what v1 said
        v1_type = twin_of(type(twin))
        assert v1_type is not None
        assert opened_twin(twin, v1_type, opened.__getitem__) == event_of(original)


async def test_the_tokens_of_an_erased_account_open_to_null(
    sealing_gateway: Gateway, kafka_bootstrap: str
) -> None:
    account = await sealing_gateway.sign_up(f"erase-{uuid4().hex[:8]}@example.org")
    auth = {"authorization": f"Bearer {await sealing_gateway.log_in(account['email'])}"}
    _, v2 = await both_topics(sealing_gateway, kafka_bootstrap, account["id"], 2)
    tokens = [token for record in v2 for token in sealed_tokens(event_of(record))]
    assert None not in (await unsealed(sealing_gateway, tokens)).values()

    erased = await sealing_gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert erased.status_code == 202, erased.text
    assert await unsealed(sealing_gateway, tokens) == dict.fromkeys(tokens)


async def test_an_account_erased_before_its_events_were_relayed_travels_only_as_tokens_that_open_to_null(
    make_gateway: MakeGateway, upstreams: dict[str, FakeService], kafka_bootstrap: str
) -> None:
    away = await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", service_public_keys=CALLERS)
    account = await away.sign_up(f"early-{uuid4().hex[:8]}@example.org")
    auth = {"authorization": f"Bearer {await away.log_in(account['email'])}"}
    erased = await away.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)
    assert erased.status_code == 202, erased.text

    back = await make_gateway(service_public_keys=CALLERS)  # the same database, a reachable broker
    await all_published(back)
    v2 = await asyncio.to_thread(records_of, kafka_bootstrap, ACCOUNTS_V2.name, account["id"], 2)

    subject = f"account:{account['id']}"
    tokens = [token for record in v2 for token in sealed_tokens(event_of(record))]
    assert len(tokens) == 2 + 3 and {subject_of(token) for token in tokens} == {subject}
    assert all(account["email"].encode() not in record.value for record in v2)
    assert await unsealed(back, tokens) == dict.fromkeys(tokens), "sealed when written, unreadable once erased"
    v1 = await asyncio.to_thread(records_to_the_end, kafka_bootstrap, ACCOUNTS.name, account["id"])
    assert v1 == [], "no plaintext v1 record is published for an erased account"


async def test_only_known_services_open_tokens_and_internal_paths_go_nowhere_else(
    sealing_gateway: Gateway, portal: FakePortal, kafka_bootstrap: str
) -> None:
    account = await sealing_gateway.sign_up(f"callers-{uuid4().hex[:8]}@example.org", verified=False)
    _, v2 = await both_topics(sealing_gateway, kafka_bootstrap, account["id"], 1)
    body = {"tokens": sealed_tokens(event_of(v2[0]))}
    stranger = ServiceTokenSigner("notifications", Ed25519PrivateKey.generate())

    refusals = [
        await sealing_gateway.client.post("/internal/unseal", json=body),
        await sealing_gateway.client.post("/internal/unseal", json=body, headers=bearer(stranger)),
        await sealing_gateway.client.post("/internal/unseal", json=body, headers=bearer(NOTIFYING, "applications")),
    ]
    elsewhere = [
        await sealing_gateway.client.get("/internal/unseal"),
        await sealing_gateway.client.post("/internal/other", json=body, headers=bearer(NOTIFYING)),
    ]

    assert [(r.status_code, r.json()["code"]) for r in refusals] == [
        (401, "MISSING_SERVICE_TOKEN"), (401, "INVALID_SERVICE_TOKEN"), (401, "INVALID_SERVICE_TOKEN")]
    assert [(r.status_code, r.json()["code"]) for r in elsewhere] == [(404, "NOT_FOUND"), (404, "NOT_FOUND")]
    assert portal.received == [], "no /internal/ request reaches the portal"
    document = (await sealing_gateway.client.get("/openapi.json")).json()
    assert [path for path in document["paths"] if path.startswith("/internal")] == []


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url)
    await migrate(pool)
    yield pool
    await pool.close()


async def test_a_row_published_again_carries_the_same_sealed_bytes_and_each_event_its_own_tokens(
    pool: asyncpg.Pool, database_url: str
) -> None:
    account_id = uuid4()
    changed = AccountProfileChanged(tenant="itmhca", occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
                                    account_id=account_id, email="same@example.org", name="Same Name", language="en")
    keys = SubjectKeys(database_url, SCHEMA, os.urandom(32))
    try:
        outbox = Outbox(keys)
        async with pool.acquire() as conn, conn.transaction():
            for _ in range(2):
                await outbox.add(conn, changed)
            rows = await outbox_table.pending(conn, 10)
        first, again, other = [await asyncio.to_thread(to_records, row, outbox) for row in (rows[0], rows[0], rows[1])]
    finally:
        keys.close()

    assert [r.topic for r in first] == [ACCOUNTS.name, ACCOUNTS_V2.name]
    assert [(r.key, r.value, header(r, "ce_id")) for r in again] == [
        (r.key, r.value, header(r, "ce_id")) for r in first]
    assert header(first[0], "ce_id") == header(first[1], "ce_id") == str(rows[0].id)
    assert event_of(first[0]) == changed, "the v1 record says what the account change said"
    first_tokens, other_tokens = (sealed_tokens(event_of(records[1])) for records in (first, other))
    assert set(first_tokens).isdisjoint(other_tokens), "equal values in two events never give equal tokens"
    assert {subject_of(token) for token in first_tokens + other_tokens} == {f"account:{account_id}"}
