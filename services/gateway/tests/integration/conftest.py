"""The gateway on a fresh database, in front of small real services served by uvicorn on free ports."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from endorsement_contracts import EVENTS_BY_TYPE, partition_counts
from endorsement_contracts.events import twin_of
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from gateway.bootstrap import build
from gateway.config import GatewaySettings
from kafka import KafkaConsumer, TopicPartition
from servicekit.unseal import sealed_tokens

REPO = Path(__file__).resolve().parents[4]
TENANTS_DIR = REPO / "config" / "tenants"
SEED_PASSWORD = "seed-password-for-tests"
APPLICANT_PASSWORD = "correct horse battery"
COORDINATOR = "coordinator@itmhca.example"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
UPSTREAM_NAMES = ("applications", "reviews", "credentials", "notifications")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeService:
    """A small real HTTP service that records what reached it."""

    name: str
    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    healthy: bool = True

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/healthz")
        async def healthz() -> JSONResponse:
            status = "ok" if self.healthy else "failing"
            return JSONResponse({"status": status}, status_code=200 if self.healthy else 503)

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        async def anything(request: Request) -> Response:
            body = await request.body()
            self.received.append({
                "method": request.method, "path": request.url.path, "query": request.url.query,
                "headers": dict(request.headers), "body": body,
            })
            if request.url.path.endswith("/slow"):
                await asyncio.sleep(2)
            if request.url.path.endswith("/problem"):
                problem = {"type": "about:blank", "title": "Conflict", "status": 409, "code": "UPSTREAM_SAID_NO"}
                return JSONResponse(problem, status_code=409, media_type="application/problem+json")
            if request.url.path.endswith("/binary"):  # a document download: bytes and their headers
                return Response(bytes(range(256)), media_type="application/pdf", headers={
                    "etag": '"abc"', "content-disposition": 'attachment; filename="t.pdf"',
                    "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox"})
            if request.method == "POST":
                return JSONResponse({"service": self.name, "created": True}, status_code=201,
                                    headers={"location": f"{request.url.path}/123", "x-internal": "secret"})
            return JSONResponse({"service": self.name, "path": request.url.path})

        return app


@pytest.fixture(scope="session")
def fake_services() -> Iterator[dict[str, FakeService]]:
    services = {name: FakeService(name) for name in UPSTREAM_NAMES}
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    for service in services.values():
        port = free_port()
        service.url = f"http://127.0.0.1:{port}"
        server = uvicorn.Server(uvicorn.Config(service.app(), host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
    deadline = time.monotonic() + 10
    while not all(server.started for server, _ in servers):
        assert time.monotonic() < deadline, "fake services did not start"
        time.sleep(0.02)
    yield services
    for server, thread in servers:
        server.should_exit = True
        thread.join(5)


@dataclass
class FakePortal:
    """The portal's part: pages, cookies, redirects, uploads; records what reached it."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        async def anything(request: Request) -> Response:
            body = await request.body()
            self.received.append({"method": request.method, "path": request.url.path, "query": request.url.query,
                                  "headers": dict(request.headers), "body": body})
            if request.url.path == "/sign-in" and request.method == "POST":
                answer = Response(status_code=303, headers={"location": "/dashboard", "hx-redirect": "/dashboard",
                                                            "x-internal": "secret"})
                answer.set_cookie("portal_session", "s1", httponly=True, samesite="lax")
                answer.set_cookie("portal_csrf", "c1", samesite="lax")
                return answer
            if request.url.path.endswith("/pdf"):
                return Response(bytes(range(256)) * 4, media_type="application/pdf",
                                headers={"content-disposition": 'attachment; filename="c.pdf"', "etag": '"p1"'})
            if request.url.path.endswith("/documents"):
                return JSONResponse({"received": len(body)}, status_code=201)
            return Response("<!doctype html><title>Portal</title><h1>Portal page</h1>", media_type="text/html",
                            headers={"content-security-policy": "default-src 'self'", "x-frame-options": "DENY",
                                     "vary": "Accept-Language", "cache-control": "no-store"})

        return app


def serve(app: FastAPI) -> tuple[str, uvicorn.Server, threading.Thread]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "fake service did not start"
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="session")
def fake_portal() -> Iterator[FakePortal]:
    portal = FakePortal()
    portal.url, server, thread = serve(portal.app())
    yield portal
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def portal(fake_portal: FakePortal) -> FakePortal:
    fake_portal.received.clear()
    return fake_portal


@pytest.fixture(scope="session")
def accounts_topic(kafka_bootstrap: str) -> str:
    from devstack.topics import ensure_topics
    from endorsement_contracts import ACCOUNTS, ACCOUNTS_V2, DEAD_LETTER, ERASURES

    ensure_topics(kafka_bootstrap, {topic.name: topic.partitions
                                    for topic in (ACCOUNTS, ACCOUNTS_V2, ERASURES, DEAD_LETTER)})
    return ACCOUNTS.name


@pytest.fixture
def upstreams(fake_services: dict[str, FakeService]) -> dict[str, FakeService]:
    for service in fake_services.values():
        service.received.clear()
        service.healthy = True
    return fake_services


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Gateway:
    app: FastAPI
    client: httpx.AsyncClient
    stack: AsyncExitStack

    async def client_from(self, address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(self.app, client=(address, 4321))
        return await self.stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://gateway"))

    async def sign_up(self, email: str = "ada@example.org", password: str = APPLICANT_PASSWORD, *,
                      verified: bool = True, **more: Any) -> dict[str, Any]:
        """A new applicant; `verified` stands for their opening the emailed link (test_email_links.py does that)."""
        body = {"tenant": "itmhca", "email": email, "name": "Ada Applicant", "password": password, **more}
        answer = await self.client.post("/auth/signup", json=body)
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        if verified:
            async with self.app.state.runtime.pool.acquire() as conn:
                await conn.execute("UPDATE gateway.accounts SET email_verified_at = now() WHERE id = $1",
                                   uuid.UUID(result["id"]))
        return result

    async def outbox(self) -> list[dict[str, Any]]:
        """The events written so far (payloads stay until the broker has them), oldest first, as their v1 events:
        rows hold account events sealed (their v2 twins), opened here with the gateway's keys as a service opens
        them at /internal/unseal (None: erased)."""
        async with self.app.state.runtime.pool.acquire() as conn:
            rows = await conn.fetch("SELECT event_type, payload FROM gateway.outbox ORDER BY seq")
        return [await self._opened(row["event_type"], row["payload"]) for row in rows]

    async def _opened(self, event_type: str, payload: str | None) -> dict[str, Any]:
        original = twin_of(EVENTS_BY_TYPE[event_type])
        if original is None or original.version > EVENTS_BY_TYPE[event_type].version:
            return {"type": event_type, **(json.loads(payload) if payload else {})}
        if payload is None:  # published
            return {"type": original.type_name()}
        event = EVENTS_BY_TYPE[event_type].model_validate_json(payload)
        keys = self.app.state.outbox.keys
        opened = {token: await asyncio.to_thread(keys.open, token) for token in sealed_tokens(event)}
        fields = {name: opened.get(value, value) if isinstance(value, str) else value
                  for name, value in json.loads(payload).items()}
        return {"type": original.type_name(), **fields}

    async def link_token(self, event_type: str, email: str) -> str:
        """The secret of the latest link emailed to `email` (read from the outbox, as the emailer would)."""
        links = [e["link"] for e in await self.outbox() if e["type"] == event_type and e.get("email") == email]
        assert links, f"no {event_type} for {email}"
        return str(links[-1]).rsplit("/", 1)[1]

    async def log_in(self, email: str = "ada@example.org", password: str = APPLICANT_PASSWORD) -> str:
        answer = await self.client.post("/auth/login", json={"tenant": "itmhca", "email": email, "password": password})
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token


MakeGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings_for(
    database_url: str, gateway_keys: tuple[str, str], fake_services: dict[str, FakeService], fake_portal: FakePortal,
    kafka_bootstrap: str, accounts_topic: str,
) -> Callable[..., GatewaySettings]:
    def settings(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "kafka_bootstrap_servers": kafka_bootstrap,
            "kafka_enable_idempotence": False,
            "kafka_session_timeout_ms": 3000,  # tansu: a group join takes about half of it, and a teardown waits for it
            "kafka_heartbeat_interval_ms": 1000,
            "outbox_poll_seconds": 0.1,
            "portal_url": fake_portal.url,
            "public_base_url": "https://portal.example",
            "gateway_signing_key": gateway_keys[0],
            "gateway_seed_password": SEED_PASSWORD,
            "tenants_dir": TENANTS_DIR,
            **{f"{name}_url": service.url for name, service in fake_services.items()},
            "environment": "test",  # RATER_INDEX_KEY: the development key
            "publish_v1_events": True,  # migration mode: tests compare each sealed v2 twin with its v1 event
            # a group of its own: the broker is shared, and each test's gateway has its own ledger
            "erasures_consumer_group": f"gateway-erasures-{uuid.uuid4().hex}",
        }
        values.update(overrides)
        return GatewaySettings(**values)

    return settings


@pytest.fixture
async def make_gateway(
    settings_for: Callable[..., GatewaySettings], clock: Clock
) -> AsyncIterator[MakeGateway]:
    """Start a gateway (lifespan included); several may run one after another on the same database."""
    async with AsyncExitStack() as stack:

        async def make(hasher: PasswordHasher = FAST_HASHER, **overrides: Any) -> Gateway:
            app = build(settings_for(**overrides), password_hasher=hasher, clock=clock)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway"))
            return Gateway(app, client, stack)

        yield make


@pytest.fixture
async def gateway(make_gateway: MakeGateway, upstreams: dict[str, FakeService]) -> Gateway:
    return await make_gateway()


@pytest.fixture
async def offline_gateway(make_gateway: MakeGateway, upstreams: dict[str, FakeService]) -> Gateway:
    """A gateway whose broker is away: it serves anyway, and the events (with their links) wait in the outbox."""
    return await make_gateway(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")


def read(bootstrap: str, topic: str, match: Callable[[Any], bool], at_least: int, timeout: float = 60) -> list[Any]:
    """The records of `topic` that `match`, from the beginning, once there are `at_least` of them."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=300)
    try:
        # every partition the contract gives the topic: a consumer that has no metadata yet knows none of them
        consumer.assign([TopicPartition(topic, p) for p in range(partition_counts().get(topic, 1))])
        consumer.seek_to_beginning()
        deadline = time.monotonic() + timeout
        found: list[Any] = []
        while len(found) < at_least and time.monotonic() < deadline:
            found.extend(r for r in consumer if match(r))
        assert len(found) >= at_least, f"found {len(found)} records on {topic}, wanted {at_least}"
        return sorted(found, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()
