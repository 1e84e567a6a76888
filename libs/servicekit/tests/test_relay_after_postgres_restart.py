"""The outbox relay under leadership comes back whenever its lock connection ends: after its PostgreSQL server is
killed and started again (the chaos test's PostgreSQL round), and after the server ends the lock session, events
stored afterwards are published.

The relay runs as the runtime runs it: a blocking loop in a thread (`leadership.blocking`), its leadership sharing
one `LockSession` with the process's other leader jobs (here five idle stand-ins for the projections).

The server says goodbye (a FATAL error) before it closes the connection. A check of the lock connection that starts
between the two gets asyncpg's `InternalClientError` ("cannot switch to state 12; another operation (2) is in
progress"), not a connection error; that once ended the relay's leadership for good, so nothing was published after
a PostgreSQL restart. The tests make that moment certain: the event loop is kept busy while the server ends the
session (`Replica.busy`), so the checks that fall due meanwhile run after the goodbye is read and before the end of
the connection is.

The server is this module's own (the embedded wheel), killed as the chaos test kills it (SIGKILL to its process
group) and started again on the same port and data.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
from devstack.engines import Engines
from devstack.ports import PortRegistry
from devstack.postgres import start_embedded_postgres
from servicekit.leadership import Leadership, LeaseTiming, LockSession, blocking
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.topics import ensure_topics

sys.path.insert(0, str(Path(__file__).parent))
from relay_replica import JOB, SCHEMA, SOURCE, Draft, Drafts, translate
from servicekit.eventstore import open_application

SERVER = "postgres-relay-restart"
T = TypeVar("T")
TIMING = LeaseTiming(retry_seconds=0.1, check_seconds=0.1, check_timeout_seconds=2.0)
BUSY_SECONDS = 0.5
"""How long the event loop is kept busy while the server ends the lock session: longer than a check interval."""
OTHER_JOBS = 5
KILLS = 3
TERMINATIONS = 5
DOWN_SECONDS = 2.0
"""How long the killed server stays dead: the relay meets the dead database meanwhile, as in the chaos test."""
WITHIN = 60.0
"""Far above the relay's longest backoff (5 s) plus a reconnection: tells "comes back" from "never does"."""


@pytest.fixture
def own_postgres(engines: Engines) -> Iterator[str]:
    data = Path(tempfile.mkdtemp(prefix="servicekit-relay-restart-"))
    url = start_embedded_postgres(engines.supervisor, data / "pgdata", PortRegistry(None).port(SERVER),
                                  durable=True, name=SERVER)  # commits survive the kill
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            engines.supervisor.stop(SERVER)
        shutil.rmtree(data, ignore_errors=True)


class Replica:
    """One process's leader jobs: the relay and idle stand-ins, each under its leadership on one lock session."""

    def __init__(self, database_url: str, bootstrap: str) -> None:
        self.database_url = database_url
        self.app = open_application(Drafts, database_url, SCHEMA, wait_seconds=2.0)
        self.relay = OutboxRelay(self.app, translate, kafka_producer(bootstrap, enable_idempotence=False),
                                 source=SOURCE, batch_size=10)
        self.session = LockSession(database_url, TIMING)
        self.leaderships = [Leadership(self.session, JOB),
                            *(Leadership(self.session, f"{SCHEMA}/projection:{n}") for n in range(OTHER_JOBS))]
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        relay_job = blocking(lambda stop: self.relay.run_forever(stop, 0.05), "relay")
        jobs = [relay_job, *(idle for _ in range(OTHER_JOBS))]
        self.tasks = [asyncio.create_task(lead.run(job)) for lead, job in zip(self.leaderships, jobs, strict=True)]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.session.close()
        self.relay.producer.close(5)
        self.app.close()

    def leads_everything(self) -> bool:
        ended = [task for task in self.tasks if task.done()]
        if ended:  # a leadership that ended never leads its job again in this process
            raise AssertionError(f"a leadership ended: {ended[0].exception()!r}")
        return all(lead.held for lead in self.leaderships)

    def terms(self) -> list[int]:
        """How many times this process has led each job."""
        return [lead.terms for lead in self.leaderships]

    def leads_everything_again(self, terms_before: list[int]) -> bool:
        """Every job led, each in a term begun since `terms_before`."""
        return self.leads_everything() and all(
            now > before for now, before in zip(self.terms(), terms_before, strict=True))

    def all_published(self) -> bool:
        """Whether the relay's recorded position has reached the last stored notification."""
        try:
            return bool(self.app.position(self.relay.name) == self.app.recorder.max_notification_id())
        except Exception:  # the database is still coming back
            return False

    def submit_one(self) -> None:
        draft = Draft("itmhca")
        draft.submit()
        self.app.save(draft)

    def end_lock_session(self) -> int:
        """The server ends this process's lock session (as at a restart); returns how many sessions it ended."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            row = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE application_name = %s", (f"leader {os.getpid()}",)).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def busy(action: Callable[[], T]) -> T:
        """Run `action` on the event loop's thread, then keep that thread busy a moment, as a busy service's event
        loop is: the server's goodbye arrives meanwhile, and the checks that fell due run right after it is read."""
        result = action()
        time.sleep(BUSY_SECONDS)
        return result


async def idle() -> None:
    """A leader job standing in for a projection: it only waits to be cancelled."""
    await asyncio.Event().wait()


@pytest.fixture
async def replica(own_postgres: str, kafka_bootstrap: str) -> AsyncIterator[Replica]:
    ensure_topics(kafka_bootstrap)
    replica = Replica(own_postgres, kafka_bootstrap)
    replica.start()
    try:
        await eventually(replica.leads_everything, "every job led")
        await asyncio.to_thread(replica.submit_one)
        await eventually(replica.all_published, "the first publication")
        yield replica
    finally:
        await replica.stop()


async def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WITHIN
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {WITHIN} s")
        await asyncio.sleep(0.05)


async def test_the_relay_publishes_what_is_stored_after_each_postgres_restart(replica: Replica,
                                                                                engines: Engines) -> None:
    """Given a relay leading and publishing, when its PostgreSQL server is killed and started again (several times),
    then after each restart every job is led again and an event stored afterwards is published."""
    for restart in range(1, KILLS + 1):
        published_before = replica.relay.published
        replica.busy(functools.partial(engines.supervisor.kill, SERVER, signal.SIGKILL))
        await asyncio.sleep(DOWN_SECONDS)  # the relay and the leaderships meet the dead server meanwhile
        await asyncio.to_thread(engines.supervisor.restart, SERVER)
        await asyncio.to_thread(replica.submit_one)
        await eventually(replica.all_published, f"publishing what was stored after restart {restart}")
        await eventually(replica.leads_everything, f"every job led again after restart {restart}")
        assert replica.relay.published > published_before


async def test_the_relay_comes_back_after_every_end_of_its_lock_session(replica: Replica) -> None:
    """Given a relay leading, when the server ends the lock session (several times), then each time every job is led
    again on a new session and an event stored afterwards is published."""
    for termination in range(1, TERMINATIONS + 1):
        terms_before = replica.terms()
        assert replica.busy(replica.end_lock_session) == 1
        await eventually(functools.partial(replica.leads_everything_again, terms_before),
                         f"every job led again after the end {termination} of the lock session")
        await asyncio.to_thread(replica.submit_one)
        await eventually(replica.all_published, f"publishing after the end {termination} of the lock session")
