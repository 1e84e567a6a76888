"""Personal data never rests in plaintext in gateway.outbox (docs/erasure.md): a row keeps its account event as the
sealed `endorsement.accounts.v2` twin, written in the transaction of the account change, and is published as it is;
an erasure before the relay leaves the row unreadable (tests/integration/test_accounts_v2.py follows that row to
the broker); plaintext rows an older gateway wrote are sealed in place before they are relayed."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from endorsement_contracts import ACCOUNTS, ACCOUNTS_V2, EVENTS_BY_TYPE
from endorsement_contracts.events.accounts import AccountProfileChanged
from gateway.adapters import outbox_table
from gateway.adapters.database import SCHEMA, create_pool, migrate
from gateway.adapters.publisher import KafkaPublisher
from gateway.application.outbox import Outbox
from gateway.application.outbox_relay import OutboxRelay
from servicekit.shredding import SubjectKeys, subject_of
from servicekit.unseal import sealed_tokens

from .conftest import APPLICANT_PASSWORD, FakeService, MakeGateway, free_port
from .test_accounts_v2 import CALLERS, all_published, event_of, header, records_of, unsealed

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def markers() -> tuple[str, str]:
    """A name and an email found nowhere else, so a grep for them finds only this test's data."""
    tag = uuid4().hex[:10]
    return f"Zelda Quixmarker {tag}", f"zq-{tag}@example.org"


async def outbox_text(pool: asyncpg.Pool) -> str:
    """Every outbox row as PostgreSQL renders it, every column included."""
    async with pool.acquire() as conn:
        return "\n".join(row["t"] for row in await conn.fetch("SELECT t::text AS t FROM gateway.outbox t"))


async def stored_tokens(pool: asyncpg.Pool, account_id: str) -> list[str]:
    """The tokens the account's pending rows hold, oldest row first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT event_type, payload FROM gateway.outbox WHERE payload IS NOT NULL"
                                " AND payload::jsonb ->> 'account_id' = $1 ORDER BY seq", account_id)
    return [token for row in rows
            for token in sealed_tokens(EVENTS_BY_TYPE[row["event_type"]].model_validate_json(row["payload"]))]


async def test_an_account_change_rests_sealed_in_the_outbox_and_its_record_opens_at_unseal(
    make_gateway: MakeGateway, upstreams: dict[str, FakeService], kafka_bootstrap: str
) -> None:
    away = await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", service_public_keys=CALLERS)
    new_name, email = markers()
    account = await away.sign_up(email)
    auth = {"authorization": f"Bearer {await away.log_in(email)}"}
    changed = await away.client.patch("/auth/me", json={"name": new_name}, headers=auth)
    assert changed.status_code == 200, changed.text
    secret = await away.link_token("EmailVerificationRequested.v1", email)  # opened with the gateway's keys

    pool = away.app.state.runtime.pool
    at_rest = await outbox_text(pool)
    for readable in (email, email.split("@")[0], new_name, "Ada Applicant", secret, "portal.example"):
        assert readable not in at_rest, f"{readable!r} rests readable in gateway.outbox"
    tokens = await stored_tokens(pool, account["id"])
    assert len(tokens) == 2 + 3 + 2  # registered, verification (with its link), profile change
    assert {subject_of(token) for token in tokens} == {f"account:{account['id']}"}

    back = await make_gateway(service_public_keys=CALLERS)  # the same database, a reachable broker
    await all_published(back)
    v2 = await asyncio.to_thread(records_of, kafka_bootstrap, ACCOUNTS_V2.name, account["id"], 3)
    v1 = await asyncio.to_thread(records_of, kafka_bootstrap, ACCOUNTS.name, account["id"], 3)

    published = [token for record in v2 for token in sealed_tokens(event_of(record))]
    assert published == tokens, "the row held exactly what went on the wire"
    opened = await unsealed(back, published)
    assert [opened[token] for token in sealed_tokens(event_of(v2[2]))] == [email, new_name]
    assert getattr(event_of(v1[2]), "name", None) == new_name, "the v1 record (PUBLISH_V1_EVENTS) reads as before"
    assert [header(r, "ce_id") for r in v1] == [header(r, "ce_id") for r in v2]


async def test_an_erasure_before_the_relay_leaves_the_pending_rows_unreadable(
    make_gateway: MakeGateway, upstreams: dict[str, FakeService]
) -> None:
    away = await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", service_public_keys=CALLERS)
    _, email = markers()
    account = await away.sign_up(email)
    pool = away.app.state.runtime.pool
    tokens = await stored_tokens(pool, account["id"])
    assert None not in (await unsealed(away, tokens)).values()
    auth = {"authorization": f"Bearer {await away.log_in(email)}"}

    erased = await away.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert erased.status_code == 202, erased.text
    assert await stored_tokens(pool, account["id"]) == tokens, "still pending: the broker is away"
    assert await unsealed(away, tokens) == dict.fromkeys(tokens), "the subject's key is gone"
    assert email not in await outbox_text(pool)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url)
    await migrate(pool)
    yield pool
    await pool.close()


async def test_plaintext_rows_an_older_gateway_wrote_are_sealed_in_place_before_they_are_relayed(
    pool: asyncpg.Pool, database_url: str, kafka_bootstrap: str, accounts_topic: str
) -> None:
    name, email = markers()
    account_id, record_id = uuid4(), uuid4()
    async with pool.acquire() as conn:  # as a gateway without sealing at write time stored it
        await outbox_table.add(conn, AccountProfileChanged(
            tenant="itmhca", occurred_at=NOW, account_id=account_id, email=email, name=name, language="en"),
            record_id)
    assert name in await outbox_text(pool)
    keys = SubjectKeys(database_url, SCHEMA, os.urandom(32))
    publisher = KafkaPublisher(kafka_bootstrap, enable_idempotence=False, client_id="outbox-sealing-tests")
    try:
        relay = OutboxRelay(pool, publisher, lambda: NOW, sealing=Outbox(keys), twin_only=True)

        assert await relay.seal_plaintext_rows() == 1
        assert await relay.seal_plaintext_rows() == 0, "sealed once"
        at_rest = await outbox_text(pool)
        assert name not in at_rest and email not in at_rest
        async with pool.acquire() as conn:
            [row] = await outbox_table.pending(conn, 10)
        assert (row.id, row.event_type) == (record_id, "AccountProfileChanged.v2")

        assert await relay.run_once() == 1
        [record] = await asyncio.to_thread(records_of, kafka_bootstrap, ACCOUNTS_V2.name, str(account_id), 1)
        opened = {token: await asyncio.to_thread(keys.open, token) for token in sealed_tokens(event_of(record))}
    finally:
        await publisher.close()
        keys.close()
    assert UUID(header(record, "ce_id")) == record_id
    assert sorted(text for text in opened.values() if text) == sorted([email, name])
