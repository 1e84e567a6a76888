"""Aggregated health: the gateway's own database and every service's /healthz, checked concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx

from ..adapters import outbox_table

OK = "ok"
FAILING = "failing"


@dataclass(frozen=True)
class Check:
    status: str
    detail: str


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    oldest_pending_seconds: float | None


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, Check]
    outbox: OutboxBacklog | None = None

    @property
    def healthy(self) -> bool:
        return all(check.status == OK for check in self.checks.values())


async def check_health(
    pool: asyncpg.Pool, client: httpx.AsyncClient, upstream_urls: Mapping[str, str], within_seconds: float,
    now: datetime | None = None,
) -> HealthReport:
    names = ["gateway", *upstream_urls]
    results = await asyncio.gather(
        _check_database(pool, within_seconds),
        *(_check_service(client, f"{url}/healthz", within_seconds) for url in upstream_urls.values()),
    )
    checks = dict(zip(names, results, strict=True))
    outbox = await _outbox_backlog(pool, within_seconds, now) if checks["gateway"].status == OK else None
    return HealthReport(checks, outbox)


async def _outbox_backlog(pool: asyncpg.Pool, within_seconds: float, now: datetime | None) -> OutboxBacklog | None:
    """Informative only: events wait there while the broker is away, and the gateway keeps serving."""
    try:
        async with asyncio.timeout(within_seconds), pool.acquire() as conn:
            backlog = await outbox_table.backlog(conn)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return None
    age = None if backlog.oldest is None else max(0.0, ((now or datetime.now(UTC)) - backlog.oldest).total_seconds())
    return OutboxBacklog(backlog.pending, age)


async def _check_database(pool: asyncpg.Pool, within_seconds: float) -> Check:
    try:
        async with asyncio.timeout(within_seconds):
            async with pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except TimeoutError:
        return Check(FAILING, f"database did not answer within {within_seconds:g} s")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return Check(FAILING, f"database unavailable ({type(exc).__name__})")
    return Check(OK, "database reachable")


async def _check_service(client: httpx.AsyncClient, url: str, within_seconds: float) -> Check:
    try:
        async with asyncio.timeout(within_seconds):
            answer = await client.get(url, timeout=within_seconds)
    except (TimeoutError, httpx.TimeoutException):
        return Check(FAILING, f"no answer within {within_seconds:g} s")
    except httpx.ConnectError:
        return Check(FAILING, "not reachable")
    except httpx.HTTPError as exc:
        return Check(FAILING, f"unusable answer ({type(exc).__name__})")
    if answer.status_code != 200:
        return Check(FAILING, f"/healthz answered HTTP {answer.status_code}")
    return Check(OK, "healthy")
