"""Aggregated health: the gateway's own database and every service's /healthz, checked concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg
import httpx

OK = "ok"
FAILING = "failing"


@dataclass(frozen=True)
class Check:
    status: str
    detail: str


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, Check]

    @property
    def healthy(self) -> bool:
        return all(check.status == OK for check in self.checks.values())


async def check_health(
    pool: asyncpg.Pool, client: httpx.AsyncClient, upstream_urls: Mapping[str, str], within_seconds: float
) -> HealthReport:
    names = ["gateway", *upstream_urls]
    results = await asyncio.gather(
        _check_database(pool, within_seconds),
        *(_check_service(client, f"{url}/healthz", within_seconds) for url in upstream_urls.values()),
    )
    return HealthReport(dict(zip(names, results, strict=True)))


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
