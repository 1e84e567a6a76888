"""Leadership: a job that must run on exactly one replica at a time runs only while its replica holds a
PostgreSQL advisory lock named after the job (`<schema>/relay:outbox`, `<schema>/projection:<name>`,
`<schema>/job:<name>`), taken on the one connection per process that holds its locks (`LockSession`).

How soon another replica takes over:
- the holder's process dies (SIGKILL, crash, OOM): the kernel closes its socket, PostgreSQL ends the session and
  the lock is free at once; a waiting replica asks every `retry_seconds` (1 s), so it leads within about 1 s;
- the holder's machine or network dies: the server finds the peer dead through the TCP settings of the lock's
  session (keepalives after 5 s idle, every 2 s, 3 probes; `tcp_user_timeout` 10 s), so within about 15 s.

The holder learns at once when the server ends its lock connection (PostgreSQL restarted, session terminated),
and checks the connection every `check_seconds` (1 s), waiting at most `check_timeout_seconds` (3 s); either way
it stops its job, well before the server hands the lock on after a network failure. A stopped job finishes the
batch it is in. When the server itself ended the session, the next leader may start meanwhile: that one batch
may then be published twice (same `ce_id`s, consumers deduplicate; per key, first copies stay in order), and a
projection batch is applied once (its position row is locked and compared before writing).

Any error of a call on the lock connection counts as losing it, not only connection errors: a check in flight when
the server ends the connection can raise asyncpg's `InternalClientError` ("cannot switch to state 12; another
operation (2) is in progress"). Nothing but cancellation ends a `Leadership.run`: one that let such an error
through ended for good, and its job (an outbox relay, after a PostgreSQL restart) was never led again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

Job = Callable[[], Coroutine[Any, Any, None]]
"""What a leader runs: a coroutine that runs until cancelled."""
BlockingJob = Callable[[threading.Event], None]
"""A blocking loop that runs until the event is set (e.g. the outbox relay)."""


@dataclass(frozen=True)
class LeaseTiming:
    retry_seconds: float = 1.0
    """How often a replica that does not lead asks for the lock."""
    check_seconds: float = 1.0
    """How often the leader checks that its lock connection is alive."""
    check_timeout_seconds: float = 3.0
    """A check that takes longer counts as a lost lock."""


LOCK_SESSION_SETTINGS = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "10000",
    "statement_timeout": "3000",
}
"""The lock's session: the server drops it (and the lock) within ~15 s of its peer vanishing."""


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for a job name (the same in every replica and every release)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class LockSession:
    """One connection per process that holds its advisory locks; a new connection when it breaks.

    Each connection is a term: locks taken in a term last exactly as long as it does."""

    def __init__(self, database_url: str, timing: LeaseTiming | None = None) -> None:
        self.database_url = database_url
        self.timing = timing or LeaseTiming()
        self.term = 0
        self._conn: asyncpg.Connection | None = None
        self._ended = asyncio.Event()
        self._guard = asyncio.Lock()
        self._checked_at = 0.0

    async def try_lock(self, name: str) -> int | None:
        """Take the lock named `name` if it is free: the term it was taken in, or None."""
        async with self._guard:
            try:
                conn = await self._connection()
                locked = await asyncio.wait_for(conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(name)),
                                                self.timing.check_timeout_seconds)
            except Exception as exc:  # noqa: BLE001 - whatever failed, this connection's locks are not to be trusted
                log.warning("leadership: cannot ask for %s (%s)", name, type(exc).__name__)
                await self._drop()
                return None
            return self.term if locked else None

    async def unlock(self, name: str, term: int) -> None:
        async with self._guard:
            if self._conn is None or term != self.term:
                return  # that term's connection is gone, and its locks with it
            try:
                await asyncio.wait_for(self._conn.fetchval("SELECT pg_advisory_unlock($1)", lock_key(name)),
                                       self.timing.check_timeout_seconds)
            except Exception:  # noqa: BLE001 - as in try_lock: the connection (and the lock) is given up
                await self._drop()

    async def holds(self, term: int) -> bool:
        """Whether the locks taken in `term` are still held: that term's connection is alive."""
        async with self._guard:
            if self._conn is None or term != self.term:
                return False
            if time.monotonic() - self._checked_at < self.timing.check_seconds / 2:
                return True  # another leadership checked a moment ago
            try:
                await asyncio.wait_for(self._conn.fetchval("SELECT 1"), self.timing.check_timeout_seconds)
            except Exception as exc:  # noqa: BLE001 - as in try_lock: a failed check is a lost lock
                log.info("leadership: lock connection check failed (%s)", type(exc).__name__)
                await self._drop()
                return False
            self._checked_at = time.monotonic()
            return True

    def ended(self, term: int) -> asyncio.Event:
        """Set as soon as the connection of `term` is gone (the server ended it, or it broke, or we closed it)."""
        if term == self.term and self._conn is not None:
            return self._ended
        gone = asyncio.Event()
        gone.set()
        return gone

    async def close(self) -> None:
        async with self._guard:
            await self._drop()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            await self._drop()
            self._conn = await asyncpg.connect(
                self.database_url, timeout=self.timing.check_timeout_seconds + 2,
                server_settings={**LOCK_SESSION_SETTINGS, "application_name": f"leader {os.getpid()}"},
            )
            self.term += 1
            self._checked_at = time.monotonic()
            ended = self._ended = asyncio.Event()
            self._conn.add_termination_listener(lambda _conn: ended.set())  # EOF from the server, at once
        return self._conn

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        self.term += 1  # whatever happens to the old connection, its locks no longer count as held
        self._ended.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 2)
        if not conn.is_closed():
            conn.terminate()


class Leadership:
    """Runs a job while this replica holds the job's advisory lock; stops it when the lock is lost."""

    def __init__(self, session: LockSession, name: str) -> None:
        self.session = session
        self.name = name
        self.held = False
        self.terms = 0
        """How many times this replica has become the leader."""

    async def run(self, job: Job) -> None:
        """Until cancelled: wait for the lock, run `job` while holding it, stop it when the lock is lost.

        Nothing but cancellation ends it: an unexpected error in one term is logged and the lock asked for again,
        since a leadership that ended would leave its job unled in this replica for good."""
        while True:
            try:
                await self._term(job)
            except Exception:  # logged; the job must be led again, never abandoned
                log.exception("leadership %s: failed; asking for the lock again", self.name)
            await asyncio.sleep(self.session.timing.retry_seconds)  # e.g. the job ended by itself: not at once again

    async def _term(self, job: Job) -> None:
        """Ask for the lock once; when granted, run `job` until the lock is lost or the job ends, then unlock."""
        term = await self.session.try_lock(self.name)
        if term is None:
            return
        try:
            await self._lead(term, job)
        finally:
            self.held = False
            await asyncio.shield(self.session.unlock(self.name, term))

    async def _lead(self, term: int, job: Job) -> None:
        self.held = True
        self.terms += 1
        log.info("leadership %s: this replica leads", self.name)
        task = asyncio.create_task(job(), name=f"leader {self.name}")
        ended = asyncio.create_task(self.session.ended(term).wait())
        lost = False
        try:
            while not task.done() and not lost:
                await asyncio.wait({task, ended}, timeout=self.session.timing.check_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                lost = not task.done() and (ended.done() or not await self.session.holds(term))
            if lost:
                log.warning("leadership %s: lock connection lost; stopping the job", self.name)
        finally:
            ended.cancel()
            task.cancel()
            await asyncio.gather(task, ended, return_exceptions=True)
        if task.cancelled():
            return
        if task.exception() is not None:
            log.error("leadership %s: the job failed", self.name, exc_info=task.exception())
        elif not lost:
            log.warning("leadership %s: the job ended by itself; asking for the lock again", self.name)


def blocking(loop: BlockingJob, name: str, *, also_wake: threading.Event | None = None) -> Job:
    """A blocking loop as a leader's job: it runs in a thread, and cancelling the job stops it and waits for it.
    `also_wake`: an event the loop sleeps on besides its stop event (a relay's wake-up), set with it."""

    async def job() -> None:
        stop = threading.Event()
        ended = asyncio.Event()
        event_loop = asyncio.get_running_loop()

        def run() -> None:
            try:
                loop(stop)
            finally:
                with contextlib.suppress(RuntimeError):  # the event loop is already closed
                    event_loop.call_soon_threadsafe(ended.set)

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        try:
            await ended.wait()
        finally:
            stop.set()
            if also_wake is not None:
                also_wake.set()
            await asyncio.to_thread(thread.join)

    return job
