"""Liveness and readiness of one service process.

- `/livez`: the process is alive (this answer proves the event loop runs) and its worker threads are.
  It never looks at an engine: an orchestrator restarts on liveness failures, and restarting a service
  does not bring a dead database or broker back.
- `/readyz`: the process can do its work now: the database answers, the broker answers a metadata call,
  the consumer has started, and each relay's backlog (stored events not yet published) is below
  READINESS_MAX_RELAY_BACKLOG. Every check is bounded by READINESS_TIMEOUT_SECONDS; the broker's answer is
  reused for READINESS_BROKER_CACHE_SECONDS, so frequent probes do not load it.
- `/healthz`: the same as `/readyz` (kept for the launcher, the gateway's aggregate and existing clients).

A consumer that unseals reports `checks.unseal`: the producers whose `/internal/unseal` did not answer. It is a
detail, not a failure: readiness decides whether this replica gets HTTP traffic, and its API works while its
consumer waits for a producer. Failing it would make every consumer of a stopped producer unready at once (an
outage spreading from one service to all), for records that wait safely in Kafka anyway.

A failing probe answers 503 with problem details (code NOT_READY / NOT_LIVE) naming the failing checks.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from .metrics import relay_backlog
from .problems import MEDIA_TYPE, RETRY_AFTER_SECONDS, Problem

if TYPE_CHECKING:
    from .runtime import Service

OK = "ok"


@dataclass
class CachedAnswer:
    status: str
    at: float


class Readiness:
    """The checks behind `/readyz`, with the broker's last answer cached."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._broker: CachedAnswer | None = None

    @property
    def timeout(self) -> float:
        return self.service.settings.readiness_timeout_seconds

    async def checks(self) -> dict[str, Any]:
        checks: dict[str, Any] = {"database": await self._database(), "broker": await self._broker_status()}
        consumer = self.service.consumer
        if consumer is not None:
            stats = consumer.stats
            checks["consumer"] = OK if stats.started else "starting"
            checks["consumed"] = {"processed": stats.processed, "duplicates": stats.duplicates,
                                  "dead_lettered": stats.dead_lettered, "ignored": stats.ignored}
            if consumer.unsealer is not None:
                away = dict(stats.producers_away)
                checks["unseal"] = {"status": "waiting" if away else OK, "producers_away": away}
        for relay in self.service.relays:
            checks[f"relay:{relay.name}"] = {"published": relay.published}
        checks["relay_backlog"] = await self._relay_backlog()
        checks["workers"] = workers_status(self.service)
        checks["leading"] = {"status": OK, "jobs": sorted(lead.name for lead in self.service.leaderships if lead.held)}
        return checks

    async def _database(self) -> str:
        pool = getattr(self.service.api.state, "pool", None)
        if pool is None:
            return "starting"
        try:
            async with asyncio.timeout(self.timeout), pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
        except TimeoutError:
            return f"failing: no answer within {self.timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return f"failing: {type(exc).__name__}"
        return OK

    async def _broker_status(self) -> str:
        cached = self._broker
        now = time.monotonic()
        if cached is not None and now - cached.at < self.service.settings.readiness_broker_cache_seconds:
            return cached.status
        broker = getattr(self.service.api.state, "broker", None)
        if broker is None:
            return "starting"
        try:
            reachable = await asyncio.wait_for(broker.ping(self.timeout), self.timeout + 0.5)
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            reachable, detail = False, f"failing: {type(exc).__name__}"
        else:
            detail = OK if reachable else f"failing: no metadata within {self.timeout:g} s"
        self._broker = CachedAnswer(detail, time.monotonic())
        return detail

    async def _relay_backlog(self) -> Any:
        """Per relay, stored events not yet published; a string when it could not be measured."""
        relays = self.service.relays
        if not relays:
            return OK
        try:
            backlogs = await asyncio.wait_for(asyncio.to_thread(_backlogs, self.service), self.timeout)
        except TimeoutError:
            return f"failing: not measured within {self.timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return f"failing: {type(exc).__name__}"
        limit = self.service.settings.readiness_max_relay_backlog
        over = {name: count for name, count in backlogs.items() if count >= limit}
        if over:
            return f"failing: {over} not yet relayed (limit {limit})"
        return {"status": OK, "pending": backlogs, "limit": limit}


def _backlogs(service: Service) -> dict[str, int]:
    # the position under the broker epoch's name: after a data loss the plain name is the old broker's position
    return {relay.name: relay_backlog(relay) for relay in service.relays}


def workers_status(service: Service) -> str:
    return OK if all(t.is_alive() for t in service.threads) else "stopped"


def is_ok(value: Any) -> bool:
    return value == OK or (isinstance(value, dict) and value.get("status", OK) == OK)


INFORMATIONAL = frozenset({"consumed", "unseal"})
"""Checks shown for people and dashboards that never make a probe fail (see the module docstring for `unseal`)."""


def failing(checks: dict[str, Any]) -> list[str]:
    return [name for name, value in checks.items() if not is_ok(value) and name not in INFORMATIONAL
            and not name.startswith("relay:")]


def probe_response(service_name: str, checks: dict[str, Any], *, probe: str, instance: str) -> JSONResponse:
    """200 with the checks, or 503 problem details naming the failing ones."""
    bad = failing(checks)
    body = {"service": service_name, "status": OK if not bad else "failing", "checks": checks}
    if not bad:
        return JSONResponse(body)
    code = "NOT_LIVE" if probe == "liveness" else "NOT_READY"
    problem = Problem(503, "Not live" if probe == "liveness" else "Not ready", f"failing: {', '.join(bad)}",
                      code=code, extra={"service": service_name, "checks": checks, "failing": bad})
    return JSONResponse(problem.body(instance), status_code=503, media_type=MEDIA_TYPE,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def livez(service: Service) -> JSONResponse:
    return probe_response(service.name, {"event_loop": OK, "workers": workers_status(service)},
                          probe="liveness", instance="/livez")


async def readyz(readiness: Readiness, path: str) -> JSONResponse:
    return probe_response(readiness.service.name, await readiness.checks(), probe="readiness", instance=path)


def install_health_routes(api: FastAPI, service: Service) -> None:
    """`/livez`, `/readyz` and `/healthz` (= readiness), outside the OpenAPI document."""
    readiness = Readiness(service)
    api.state.readiness = readiness
    api.add_api_route("/livez", functools.partial(livez, service), methods=["GET"], include_in_schema=False)
    for path in ("/readyz", "/healthz"):
        api.add_api_route(path, functools.partial(readyz, readiness, path), methods=["GET"],
                          include_in_schema=False)
