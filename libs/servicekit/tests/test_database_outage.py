"""A service whose database dies: quick 503 problems with Retry-After (never 500, never a hang), readiness
fails while liveness holds, and everything answers 200 again once the database is back. Its broker dying
makes it unready (not dead) too.

The database is a PostgreSQL server of this module's own (the embedded wheel), stopped the way a crash
stops it (SIGQUIT: immediate shutdown, connections cut) and started again on the same port and data.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from devstack.engines import Engines
from devstack.ports import PortRegistry
from devstack.postgres import start_embedded_postgres
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI, Request
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.runtime import Service, attach
from servicekit.settings import ServiceSettings
from servicekit.shredding import SubjectKeys

SERVER = "postgres-outage"
SCHEMA = "outage"
ANSWER_BOUND_SECONDS = 15.0
"""Far above DATABASE_TIMEOUT_SECONDS (1 s here) and far below eventsourcing's unbounded default (10 retries
of a 10 s wait): it tells "answers quickly" from "hangs"; the figure itself is printed, not asserted."""


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


class Notes(TrackedApplication):
    pass


def build(database_url: str, kafka_bootstrap: str, public_key: str) -> Service:
    settings = ServiceSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                               kafka_enable_idempotence=False, gateway_public_key=public_key, port=1,
                               database_timeout_seconds=1.0, database_command_timeout_seconds=2.0,
                               readiness_timeout_seconds=1.0, readiness_broker_cache_seconds=0)
    notes = open_application(Notes, database_url, SCHEMA, wait_seconds=settings.database_timeout_seconds)
    api = FastAPI()

    @api.post("/notes")
    def write_note() -> dict[str, str]:  # eventsourcing (psycopg), in a worker thread
        note = Note("hello")
        notes.save(note)
        return {"id": str(note.id)}

    @api.get("/notes/{note_id}")
    async def count(note_id: UUID, request: Request) -> dict[str, int]:  # asyncpg, on the event loop
        async with request.app.state.pool.acquire() as conn:
            return {"events": await conn.fetchval("SELECT count(*) FROM notes_events WHERE originator_id = $1",
                                                  note_id)}

    service = Service(name="outage", schema=SCHEMA, settings=settings, app=notes, api=api)
    attach(service)
    return service


@pytest.fixture
def own_postgres(engines: Engines) -> Iterator[str]:
    data = Path(tempfile.mkdtemp(prefix="servicekit-outage-"))
    url = start_embedded_postgres(engines.supervisor, data / "pgdata", PortRegistry(None).port(SERVER),
                                  durable=True, name=SERVER)  # commits survive the crash
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            engines.supervisor.stop(SERVER)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
async def client(own_postgres: str, kafka_bootstrap: str, gateway_keys: tuple[str, str]
                 ) -> AsyncIterator[httpx.AsyncClient]:
    service = build(own_postgres, kafka_bootstrap, gateway_keys[1])
    async with service.api.router.lifespan_context(service.api), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.api), base_url="http://outage.test") as http:
        yield http


async def timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await asyncio.wait_for(call, ANSWER_BOUND_SECONDS)
    return response, time.monotonic() - started


async def eventually_ok(call: Callable[[], Awaitable[httpx.Response]], within: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = await call()
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.5)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert int(response.headers["Retry-After"]) >= 1


async def test_a_dead_database_gives_quick_503s_then_recovery(client: httpx.AsyncClient, engines: Engines) -> None:
    written = await client.post("/notes")
    assert written.status_code == 200
    note_id = written.json()["id"]
    assert (await client.get("/readyz")).status_code == 200

    engines.supervisor.kill(SERVER, signal.SIGQUIT)  # immediate shutdown, as after a crash

    write, write_seconds = await timed(client.post("/notes"))
    read, read_seconds = await timed(client.get(f"/notes/{note_id}"))
    print(f"database down: write answered {write.status_code} in {write_seconds:.2f} s, "
          f"read {read.status_code} in {read_seconds:.2f} s")
    assert_unavailable(write)
    assert_unavailable(read)
    ready, _ = await timed(client.get("/readyz"))
    assert ready.status_code == 503
    assert ready.json()["code"] == "NOT_READY"
    assert "database" in ready.json()["failing"]
    assert (await client.get("/livez")).status_code == 200  # an orchestrator must not restart us for this
    assert (await client.get("/healthz")).status_code == 503  # /healthz means readiness

    engines.supervisor.restart(SERVER)

    assert (await eventually_ok(lambda: client.post("/notes"))).status_code == 200
    assert (await eventually_ok(lambda: client.get(f"/notes/{note_id}"))).json() == {"events": 1}
    assert (await eventually_ok(lambda: client.get("/readyz"))).status_code == 200


async def test_a_dead_broker_makes_the_service_unready_but_not_dead(
    own_postgres: str, private_broker: Callable[[str], str], gateway_keys: tuple[str, str], engines: Engines
) -> None:
    bootstrap = private_broker("outage")
    if "tansu-outage" not in engines.supervisor.names():
        pytest.skip("the broker is shared (KAFKA_BOOTSTRAP_SERVERS): not ours to kill")
    service = build(own_postgres, bootstrap, gateway_keys[1])
    async with service.api.router.lifespan_context(service.api), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.api), base_url="http://outage.test") as http:
        assert (await http.get("/readyz")).status_code == 200
        engines.supervisor.kill("tansu-outage")
        ready, _ = await timed(http.get("/readyz"))
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["broker"]
        assert (await http.get("/livez")).status_code == 200
        assert (await http.post("/notes")).status_code == 200  # the API goes on: the outbox keeps the events
        engines.supervisor.restart("tansu-outage")
        assert (await eventually_ok(lambda: http.get("/readyz"))).status_code == 200


def test_subject_keys_fail_while_the_database_is_down_and_work_at_once_after_it_is_back(
        own_postgres: str, engines: Engines) -> None:
    """The key store's pool lends only live connections (checked first), so the first call after a restart works
    instead of failing on a connection the server closed; while the database is down a call fails (after the
    bounded wait, not the pool's 30 s default)."""
    keys = SubjectKeys(own_postgres, "outage_keys", bytes(32), wait_seconds=2.0)
    try:
        keys.setup()
        token = keys.seal("account:00000000-0000-0000-0000-000000000001", "Ana")
        engines.supervisor.kill(SERVER, signal.SIGQUIT)
        with pytest.raises(Exception):  # noqa: B017 - psycopg's or the pool's error, either is right
            keys.open(token)
        engines.supervisor.restart(SERVER)
        assert keys.open(token) == "Ana", "the first call after the restart gets a live connection"
    finally:
        keys.close()
