"""Webhooks against SSRF and database leaks, on real PostgreSQL with a fake DNS: a name is checked when it is
registered and again when a delivery connects (DNS can change in between), and secrets are stored sealed,
including rows written in plain text before encryption, which start-up seals (idempotently)."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import httpx
import psycopg
import pytest
from credentials.bootstrap import prepare_webhooks
from credentials.entrypoints.webhooks_api import webhooks_router
from credentials.webhooks.addresses import IPAddress
from credentials.webhooks.sealing import SecretBox, SecretKeyError
from credentials.webhooks.sender import RetryPolicy, WebhookSender
from credentials.webhooks.signature import verify_signature
from credentials.webhooks.tables import connect
from credentials.webhooks.transport import delivery_client
from fastapi import FastAPI
from servicekit.identity import Identity, IdentityVerifier, issue_token
from servicekit.problems import install_problem_handlers

from .partner_endpoint import partner_endpoint

KEY, NEXT_KEY = "33" * 32, "44" * 32
PUBLIC = "93.184.216.34"


class FakeDns:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        if host not in self.records:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(address) for address in self.records[host]]


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    await prepare_webhooks(SecretBox.from_text(KEY), pool)
    yield pool
    await pool.close()


def client_for(pool: asyncpg.Pool, dns: FakeDns, gateway_keys: tuple[str, str]) -> httpx.AsyncClient:
    api = FastAPI()
    api.include_router(webhooks_router(allow_insecure_urls=False, clock=lambda: datetime.now(UTC),
                                       box=SecretBox.from_text(KEY), resolver=dns))
    install_problem_handlers(api)
    api.state.identity_verifier = IdentityVerifier(gateway_keys[1])
    api.state.pool = pool
    token = issue_token(Identity(uuid.uuid4(), "itmhca", frozenset({"coordinator"}), "c@itmhca.example", "C"),
                        gateway_keys[0])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://credentials.test",
                             headers={"authorization": f"Bearer {token}"})


async def test_names_are_resolved_at_registration_and_the_secret_is_stored_sealed(
    pool: asyncpg.Pool, gateway_keys: tuple[str, str]
) -> None:
    dns = FakeDns()
    dns.records = {"evil.example": ["127.0.0.1"], "cloud.example": ["169.254.169.254"],
                   "cgnat.example": ["100.64.0.7"], "mapped.example": ["::ffff:10.0.0.1"],
                   "partner.example": [PUBLIC]}
    async with client_for(pool, dns, gateway_keys) as client:
        for host in ("evil.example", "cloud.example", "cgnat.example", "mapped.example", "unknown.example"):
            refused = await client.post("/credentials/webhooks", json={"partner": "P", "url": f"https://{host}/h"})
            assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "INVALID_WEBHOOK_URL", host
        created = await client.post("/credentials/webhooks",
                                    json={"partner": "P", "url": "https://partner.example/h"})
        assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    async with pool.acquire() as conn:
        stored = await conn.fetch("SELECT id, secret FROM webhook_subscriptions")
        table = await conn.fetchval("SELECT string_agg(t::text, '|') FROM webhook_subscriptions t")
    assert len(stored) == 1 and stored[0]["secret"].startswith("aesgcm:")
    assert secret not in table and secret.removeprefix("whsec_") not in table
    assert SecretBox.from_text(KEY).open(stored[0]["secret"], stored[0]["id"]) == secret


async def test_a_name_that_resolves_internally_at_delivery_is_refused_and_nothing_is_sent(
    pool: asyncpg.Pool, gateway_keys: tuple[str, str], database_url: str
) -> None:
    dns = FakeDns()
    with partner_endpoint() as endpoint:
        port = endpoint.url("/h", 204).rsplit(":", 1)[1].split("/")[0]
        dns.records = {"partner.example": [PUBLIC]}
        async with client_for(pool, dns, gateway_keys) as client:
            created = await client.post("/credentials/webhooks",
                                        json={"partner": "P", "url": f"https://partner.example:{port}/h"})
        assert created.status_code == 201, created.text
        dns.records = {"partner.example": ["10.0.0.1"]}  # DNS rebinding after registration
        with connect(database_url, "public") as conn:
            queue(conn, uuid.UUID(created.json()["id"]))
            sender = WebhookSender(delivery_client(2, resolver=dns), RetryPolicy(), SecretBox.from_text(KEY),
                                   no_rebuild)
            assert sender.run_once(conn) == 1
            row = conn.execute("SELECT state, attempts, last_error FROM webhook_deliveries").fetchone()
        assert row is not None and row[:2] == ("pending", 1)
        assert "refused" in row[2] and "private" in row[2]
        assert endpoint.received == []


async def stored_secrets(pool: asyncpg.Pool) -> dict[uuid.UUID, str]:
    async with pool.acquire() as conn:
        return {row["id"]: row["secret"] for row in await conn.fetch("SELECT id, secret FROM webhook_subscriptions")}


def no_rebuild(sequence: int) -> bytes | None:
    """The deliveries queued here keep their bodies: nothing to rebuild."""
    return None


def queue(conn: psycopg.Connection, subscription_id: uuid.UUID, body: bytes = b'{"id":"e1"}') -> None:
    conn.execute("INSERT INTO webhook_deliveries (subscription_id, sequence, event_id, event_type, subject, body, "
                 "next_attempt_at, created_at) VALUES (%s, 1, 'e1', 'T.v1', 's', %s, now(), now())",
                 (subscription_id, body))
    conn.commit()


async def test_start_up_seals_plain_and_old_key_rows_idempotently_and_deliveries_stay_signed(
    pool: asyncpg.Pool, database_url: str
) -> None:
    plain_id, rotated_id = uuid.uuid4(), uuid.uuid4()
    with partner_endpoint() as endpoint:
        url = endpoint.url("/legacy", 204)
        async with pool.acquire() as conn:
            for subscription_id, secret in ((plain_id, "whsec_legacy"),
                                            (rotated_id, SecretBox.from_text(KEY).seal("whsec_rotated", rotated_id))):
                await conn.execute("INSERT INTO webhook_subscriptions (id, tenant, partner, url, secret, created_at, "
                                   "created_by) VALUES ($1, 't', 'P', $2, $3, now(), $4)",
                                   subscription_id, url, secret, uuid.uuid4())
        box = SecretBox.from_text(NEXT_KEY, [KEY])  # the key rotated: the old one is still listed
        await prepare_webhooks(box, pool)
        after = await stored_secrets(pool)
        assert all(box.is_current(stored) for stored in after.values())
        assert "whsec_legacy" not in str(after)
        await prepare_webhooks(box, pool)  # a second start (or a second replica) changes nothing
        assert await stored_secrets(pool) == after
        with pytest.raises(SecretKeyError, match="CREDENTIALS_WEBHOOK_SECRET_KEY"):
            await prepare_webhooks(None, pool)  # webhooks exist: no start without the key

        with connect(database_url, "public") as conn:
            queue(conn, plain_id)
            sender = WebhookSender(delivery_client(2, allow_internal=True), RetryPolicy(),
                                   SecretBox.from_text(NEXT_KEY), no_rebuild)
            assert sender.run_once(conn) == 1
        [received] = endpoint.at("/legacy")
        assert received.answered == 204
        verify_signature("whsec_legacy", received.body, received.headers["webhook-signature"])
