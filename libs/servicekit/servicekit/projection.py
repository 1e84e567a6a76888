"""Read models: follow the service's own notification log and update tables with asyncpg.

Each projection stores its position in `projection_positions` in the same transaction as the rows it
changes, so a crash never applies an event twice or skips one. `rebuild` replays from the start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol, cast
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification

from .eventstore import TrackedApplication
from .shredding import key_batch
from .wakeups import wait_for_wake

log = logging.getLogger(__name__)

POSITIONS_DDL = """
CREATE TABLE IF NOT EXISTS projection_positions (
    name text PRIMARY KEY,
    position bigint NOT NULL
)
"""


class Projection(Protocol):
    name: str
    tables: tuple[str, ...]
    ddl: str

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None: ...


class ProjectionRunner:
    def __init__(self, app: TrackedApplication, pool: asyncpg.Pool, projection: Projection, batch_size: int = 500):
        self.app = app
        self.pool = pool
        self.projection = projection
        self.batch_size = batch_size

    async def setup(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(POSITIONS_DDL)
            await conn.execute(self.projection.ddl)

    async def position(self) -> int:
        async with self.pool.acquire() as conn:
            value = await conn.fetchval("SELECT position FROM projection_positions WHERE name = $1",
                                        self.projection.name)
        return int(value or 0)

    async def run_once(self) -> int:
        position = await self.position()
        notifications = await asyncio.to_thread(
            self.app.process_recorder.select_notifications, position + 1, self.batch_size
        )
        if not notifications:
            return 0
        # decoded off the event loop, the batch in one key batch: sealed values open with blocking key-row reads
        events = await asyncio.to_thread(self._decode, notifications)
        async with self.pool.acquire() as conn, conn.transaction():
            current = await conn.fetchval(
                "SELECT position FROM projection_positions WHERE name = $1 FOR UPDATE", self.projection.name
            )
            if int(current or 0) != position:
                return 0  # another runner moved on; read again
            connection = cast(asyncpg.Connection, conn)  # the pool's proxy delegates every method
            for domain_event in events:
                await self.projection.apply(connection, domain_event)
            await conn.execute(
                "INSERT INTO projection_positions (name, position) VALUES ($1, $2) "
                "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position",
                self.projection.name,
                notifications[-1].id,
            )
        return len(notifications)

    def _decode(self, notifications: Sequence[Notification]) -> list[Any]:
        with key_batch():
            return [self.app.mapper.to_domain_event(notification) for notification in notifications]

    async def catch_up(self) -> int:
        total = 0
        while count := await self.run_once():
            total += count
        return total

    async def rebuild(self) -> int:
        """Empty the projection's tables and replay every event; returns how many were applied."""
        async with self.pool.acquire() as conn, conn.transaction():
            for table in self.projection.tables:
                await conn.execute(f"TRUNCATE {table}")
            await conn.execute("DELETE FROM projection_positions WHERE name = $1", self.projection.name)
        return await self.catch_up()

    async def run_forever(self, poll_seconds: float, wake: asyncio.Event | None = None) -> None:
        """Follow the log until cancelled: after catching up, wait for a wake-up (servicekit.wakeups), at most
        `poll_seconds`."""
        while True:
            try:
                if await self.run_once() == 0:
                    await wait_for_wake(wake, poll_seconds)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("projection %s failed; retrying", self.projection.name)
                await asyncio.sleep(1.0)

