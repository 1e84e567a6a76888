"""The gateway's liveness and readiness: readiness is its own database and outbox, never the services behind it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from .conftest import FakeService, Gateway, MakeGateway, free_port


async def test_the_gateway_is_live_and_ready(gateway: Gateway) -> None:
    assert (await gateway.client.get("/livez")).status_code == 200
    ready = await gateway.client.get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["checks"]) == {"database", "outbox"}


async def test_a_service_being_down_does_not_make_the_gateway_unready(
    gateway: Gateway, upstreams: dict[str, FakeService]
) -> None:
    upstreams["reviews"].healthy = False
    assert (await gateway.client.get("/readyz")).status_code == 200
    assert (await gateway.client.get("/healthz")).status_code == 503  # the platform's health names it


async def test_an_outbox_backlog_over_the_limit_makes_the_gateway_unready_but_still_live(
    make_gateway: MakeGateway, upstreams: dict[str, FakeService]
) -> None:
    away = await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", readiness_max_outbox_backlog=1)
    await away.sign_up("waiting@example.org")  # its AccountRegistered waits for the broker
    ready = await away.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert ready.headers["Retry-After"]
    assert ready.json()["code"] == "NOT_READY" and ready.json()["failing"] == ["outbox"]
    assert (await away.client.get("/livez")).status_code == 200


async def test_a_database_refusing_connections_makes_the_gateway_unready_and_its_requests_503(
    gateway: Gateway, database_url: str
) -> None:
    name = database_url.rpartition("/")[2]
    async with refusing_connections(database_url, name):
        ready = await gateway.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["failing"] == ["database"]
        login = await gateway.client.post("/auth/login", json=LOGIN)
        assert login.status_code == 503, login.text
        assert login.json()["code"] == "DATABASE_UNAVAILABLE"
        assert login.headers["Retry-After"]
        assert (await gateway.client.get("/livez")).status_code == 200
    assert (await gateway.client.get("/readyz")).status_code == 200
    assert (await gateway.client.post("/auth/login", json=LOGIN)).status_code == 401


LOGIN = {"tenant": "itmhca", "email": "nobody@example.org", "password": "x" * 12}


@contextlib.asynccontextmanager
async def refusing_connections(database_url: str, name: str) -> AsyncIterator[None]:
    """The database refuses new connections and loses its open ones, as when its server went away."""
    server = database_url.rpartition("/")[0] + "/postgres"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
