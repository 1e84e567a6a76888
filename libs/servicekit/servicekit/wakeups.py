"""Wake-ups: the jobs that follow a service's notification log (its projections and outbox relays) run as soon as
an event is committed, instead of polling every 100 ms.

eventsourcing's PostgreSQL recorder sends `NOTIFY <channel>` in every transaction that stores events, so the
notification arrives when the events are committed. One connection per process LISTENs on that channel and sets
every waiter's event. Waiting stays bounded by a fallback poll (`fallback_seconds`): a wake-up lost while the
listening connection is being replaced, or an event stored by a writer that does not notify, is picked up within
one fallback interval. Correctness never depends on a notification arriving; only latency and idle CPU do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0
"""How long the listener waits before connecting again after its connection failed or ended."""
CHECK_SECONDS = 30.0
"""How often the idle listening connection is checked (a peer that vanished without closing it is found then)."""


class LogWakeups:
    """One LISTEN connection per process; each waiter's event is set on every committed batch of events.

    Waiters take their own event (`async_waiter` for coroutines, `thread_waiter` for blocking loops), wait on it
    for at most the fallback interval, clear it, then read the log: a notification that arrives while they read
    sets the event again, so none is missed."""

    def __init__(self, database_url: str, channel: str, *, server_settings: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.channel = channel
        self.server_settings = server_settings or {}
        self.listening = False
        """True while a connection LISTENs (a False only costs latency: waiters poll meanwhile)."""
        self._async_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._thread_waiters: list[threading.Event] = []

    def async_waiter(self) -> asyncio.Event:
        """An event set on each wake-up, for a coroutine of the running loop."""
        event = asyncio.Event()
        self._async_waiters.append((asyncio.get_running_loop(), event))
        return event

    def thread_waiter(self) -> threading.Event:
        """An event set on each wake-up, for a blocking loop in a thread."""
        event = threading.Event()
        self._thread_waiters.append(event)
        return event

    def wake_all(self, *_: Any) -> None:
        """Set every waiter's event (also the listener callback: asyncpg passes connection, pid, channel, payload).
        Thread-safe: a coroutine's event is set in its own loop."""
        for event in self._thread_waiters:
            event.set()
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, waiter in self._async_waiters:
            if loop.is_closed():
                continue
            if running is loop:
                waiter.set()
            else:
                loop.call_soon_threadsafe(waiter.set)

    async def run(self) -> None:
        """LISTEN until cancelled, connecting again whenever the connection fails or ends; every (re)connection
        wakes all waiters, since notifications sent while no connection listened are lost."""
        while True:
            try:
                await self._listen_once()
                log.info("wake-up connection on %s ended; connecting again", self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database is away: waiters fall back to polling meanwhile
                log.info("wake-up connection on %s unavailable (%s); waiters poll meanwhile", self.channel,
                         type(exc).__name__)
            self.wake_all()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_once(self) -> None:
        """One connection's life: LISTEN, wake everyone once, then return when the connection ends."""
        conn = await asyncpg.connect(self.database_url, timeout=10, server_settings=self.server_settings)
        ended = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _conn: ended.set())
            await conn.add_listener(self.channel, self.wake_all)
            self.listening = True
            self.wake_all()
            await _until_ended(conn, ended)
        finally:
            self.listening = False
            if not conn.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 3.0)


async def _until_ended(conn: asyncpg.Connection, ended: asyncio.Event) -> None:
    """Return when the server ends the connection or a periodic check fails."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended.wait(), CHECK_SECONDS)
            return
        await conn.fetchval("SELECT 1", timeout=5)


async def wait_for_wake(event: asyncio.Event | None, seconds: float) -> None:
    """Sleep until `event` is set or `seconds` pass, then clear it (plain sleep without an event)."""
    if event is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    event.clear()


def channel_of(app: Any) -> str | None:
    """The channel eventsourcing's PostgreSQL recorder notifies for this application's events (None on another
    recorder, e.g. in memory: waiters then simply poll)."""
    channel = getattr(app.recorder, "channel_name", None)
    return channel if isinstance(channel, str) else None
