"""The gateway's probes.

- liveness: the process answers (nothing else: an engine's fault must not restart the gateway);
- readiness: its own database answers and its outbox backlog (account events the broker has not acknowledged)
  is below READINESS_MAX_OUTBOX_BACKLOG. The broker itself is not a condition: the gateway keeps serving while
  the broker is away and its events wait in the outbox, until the backlog crosses the limit;
- aggregated health (`/healthz`, "the platform's"): readiness plus every replica's `/healthz`, concurrently.
  A service is ok when at least one of its replicas is (the gateway fails over to it); each replica's answer
  is listed, in the order the replicas are configured (numbered, not named: internal addresses stay inside).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    replicas: tuple[Check, ...] = field(default=())
    """A service's replicas, each checked (empty for the gateway's own checks)."""


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
    pool: asyncpg.Pool, client: httpx.AsyncClient, upstream_replicas: Mapping[str, Sequence[str]],
    within_seconds: float, now: datetime | None = None, *, max_outbox_backlog: int | None = None,
) -> HealthReport:
    """The gateway's readiness and each service's health (from all of its replicas)."""
    names = ["gateway", *upstream_replicas]
    results = await asyncio.gather(
        _check_database(pool, within_seconds),
        *(_check_replicas(client, urls, within_seconds) for urls in upstream_replicas.values()),
    )
    checks = dict(zip(names, results, strict=True))
    outbox = await _outbox_backlog(pool, within_seconds, now) if checks["gateway"].status == OK else None
    if max_outbox_backlog is not None and outbox is not None and outbox.pending >= max_outbox_backlog:
        checks["gateway"] = _outbox_over(outbox, max_outbox_backlog)
    return HealthReport(checks, outbox)


async def check_readiness(pool: asyncpg.Pool, within_seconds: float, max_outbox_backlog: int,
                          now: datetime | None = None) -> HealthReport:
    """The gateway's own readiness: database, and the outbox backlog below the limit."""
    database = await _check_database(pool, within_seconds)
    checks = {"database": database}
    outbox = await _outbox_backlog(pool, within_seconds, now) if database.status == OK else None
    if outbox is not None:
        checks["outbox"] = (_outbox_over(outbox, max_outbox_backlog) if outbox.pending >= max_outbox_backlog
                            else Check(OK, f"{outbox.pending} pending (limit {max_outbox_backlog})"))
    return HealthReport(checks, outbox)


def _outbox_over(outbox: OutboxBacklog, limit: int) -> Check:
    return Check(FAILING, f"{outbox.pending} events wait for the broker (limit {limit})")


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


async def _check_replicas(client: httpx.AsyncClient, urls: Sequence[str], within_seconds: float) -> Check:
    replicas = tuple(await asyncio.gather(*(_check_service(client, f"{url}/healthz", within_seconds)
                                            for url in urls)))
    healthy = sum(replica.status == OK for replica in replicas)
    detail = replicas[0].detail if len(replicas) == 1 else f"{healthy} of {len(replicas)} replicas healthy"
    return Check(OK if healthy else FAILING, detail, replicas)


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
