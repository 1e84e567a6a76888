"""Wake-ups: a projection and a relay loop that poll only once an hour still see a new event at once, because the
commit's NOTIFY wakes them (servicekit.wakeups); and the listener comes back after its connection is terminated."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest
from eventsourcing.domain import Aggregate, DomainEventProtocol, event
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.projection import ProjectionRunner
from servicekit.wakeups import LogWakeups, channel_of

SCHEMA = "wakeups"
HOUR = 3600.0


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


class Notes(TrackedApplication):
    pass


class NotesTable:
    name = "notes"
    tables = ("notes",)
    ddl = "CREATE TABLE IF NOT EXISTS notes (text text PRIMARY KEY)"

    async def apply(self, conn: asyncpg.Connection, domain_event: DomainEventProtocol[object]) -> None:
        text = getattr(domain_event, "text", None)
        if text is not None:
            await conn.execute("INSERT INTO notes (text) VALUES ($1) ON CONFLICT DO NOTHING", text)


async def eventually(condition: Callable[[], object], what: str, seconds: float = 30.0) -> None:
    """Far below the hour-long poll: only a wake-up can make it true in time."""
    deadline = time.monotonic() + seconds
    while not await _holds(condition):
        assert time.monotonic() < deadline, f"never woken: {what}"
        await asyncio.sleep(0.05)


async def _holds(condition: Callable[[], object]) -> bool:
    result = condition()
    if asyncio.iscoroutine(result):
        result = await result
    return bool(result)


@pytest.fixture
async def notes(database_url: str) -> AsyncIterator[tuple[Notes, asyncpg.Pool, LogWakeups]]:
    app = open_application(Notes, database_url, SCHEMA)
    channel = channel_of(app)
    assert channel is not None, "eventsourcing's PostgreSQL recorder names the channel it notifies"
    pool = await asyncpg.create_pool(database_url, server_settings={"search_path": f"{SCHEMA},public"})
    wakeups = LogWakeups(database_url, channel, server_settings={"search_path": f"{SCHEMA},public"})
    listening = asyncio.create_task(wakeups.run())
    await eventually(lambda: wakeups.listening, "the listener connects")
    try:
        yield app, pool, wakeups
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
        await pool.close()
        app.close()


async def test_a_projection_that_polls_hourly_applies_a_new_event_at_once(
        notes: tuple[Notes, asyncpg.Pool, LogWakeups]) -> None:
    app, pool, wakeups = notes
    runner = ProjectionRunner(app, pool, NotesTable())
    await runner.setup()
    following = asyncio.create_task(runner.run_forever(HOUR, wakeups.async_waiter()))
    try:
        await asyncio.sleep(0.2)  # caught up on an empty log: now waiting for an hour or a wake-up
        await asyncio.to_thread(app.save, Note("first"))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM notes WHERE text = 'first'"),
                         "the projection applies the committed event")
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)


async def test_a_blocking_loop_is_woken_from_another_thread(notes: tuple[Notes, asyncpg.Pool, LogWakeups]) -> None:
    app, _pool, wakeups = notes
    wake = wakeups.thread_waiter()
    wake.clear()
    woken = threading.Event()
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            if wake.wait(HOUR):
                wake.clear()
                woken.set()
                return

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    await asyncio.to_thread(app.save, Note("second"))
    await eventually(woken.is_set, "the thread waiter is set by the commit")
    stop.set()
    wake.set()
    await asyncio.to_thread(thread.join, 5)


async def test_the_listener_comes_back_after_its_connection_is_terminated(
        notes: tuple[Notes, asyncpg.Pool, LogWakeups], database_url: str) -> None:
    app, pool, wakeups = notes
    runner = ProjectionRunner(app, pool, NotesTable())
    await runner.setup()
    following = asyncio.create_task(runner.run_forever(HOUR, wakeups.async_waiter()))
    try:
        await pool.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()")
        await eventually(lambda: not wakeups.listening, "the listener notices the terminated connection")
        await eventually(lambda: wakeups.listening, "the listener connects again")
        await asyncio.to_thread(app.save, Note("third"))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM notes WHERE text = 'third'"),
                         "a commit after the reconnection wakes the projection")
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
