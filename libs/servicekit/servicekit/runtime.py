"""Runs one service as one process: HTTP API, Kafka consumer, outbox relay and projections together."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker

from .consumer import IdempotentConsumer, subscribe
from .eventstore import TrackedApplication
from .identity import IdentityVerifier
from .outbox import OutboxRelay
from .postgres import asyncpg_server_settings
from .problems import install_problem_handlers
from .projection import ProjectionRunner
from .settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Service:
    """Everything one service process runs; built by the service's composition root."""

    name: str
    schema: str
    settings: ServiceSettings
    app: TrackedApplication
    api: FastAPI
    consumer: IdempotentConsumer | None = None
    relays: list[OutboxRelay] = field(default_factory=list)
    projections: list[Any] = field(default_factory=list)
    background: list[Callable[[threading.Event], None]] = field(default_factory=list)
    """Blocking loops (e.g. a mail sender) run in threads until the event is set."""
    on_pool: list[Callable[[asyncpg.Pool], Awaitable[None]]] = field(default_factory=list)


def attach(service: Service) -> None:
    """Wire the lifespan, problem handlers, identity verifier and /healthz into the service's API."""
    api = service.api
    settings = service.settings
    install_problem_handlers(api)
    api.state.identity_verifier = IdentityVerifier(settings.gateway_public_key)
    api.state.service = service
    stop = threading.Event()
    threads: list[threading.Thread] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10,
                                         server_settings=asyncpg_server_settings(service.schema))
        api.state.pool = pool
        runners = [ProjectionRunner(service.app, pool, p) for p in service.projections]
        api.state.projections = runners
        for runner in runners:
            await runner.setup()
        for hook in service.on_pool:
            await hook(pool)
        broker = KafkaBroker(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence,
                             acks="all", client_id=service.name)
        if service.consumer is not None:
            subscribe(broker, service.consumer, session_timeout_ms=settings.kafka_session_timeout_ms,
                      heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
                      fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms)
        await broker.start()
        if service.consumer is not None:
            service.consumer.stats.started = True
        api.state.broker = broker
        loops: list[Callable[[threading.Event], None]] = [
            lambda s, r=relay: r.run_forever(s, settings.relay_poll_seconds) for relay in service.relays
        ]
        for index, loop in enumerate([*loops, *service.background]):
            thread = threading.Thread(target=loop, args=(stop,), name=f"{service.name}-worker-{index}", daemon=True)
            thread.start()
            threads.append(thread)
        tasks = [asyncio.create_task(r.run_forever(0.1)) for r in runners]
        log.info("%s ready on %s:%s", service.name, settings.host, settings.port)
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
            for thread in threads:
                await asyncio.to_thread(thread.join, 10)
            await pool.close()
            service.app.close()

    api.router.lifespan_context = lifespan

    @api.get("/healthz", tags=["ops"], include_in_schema=False)
    async def healthz() -> JSONResponse:
        checks: dict[str, Any] = {}
        try:
            async with api.state.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            checks["database"] = f"failing: {type(exc).__name__}"
        if service.consumer is not None:
            stats = service.consumer.stats
            checks["consumer"] = "ok" if stats.started else "starting"
            checks["consumed"] = {"processed": stats.processed, "duplicates": stats.duplicates,
                                  "dead_lettered": stats.dead_lettered, "ignored": stats.ignored}
        for relay in service.relays:
            checks[f"relay:{relay.name}"] = {"published": relay.published}
        alive = all(t.is_alive() for t in threads)
        checks["workers"] = "ok" if alive else "stopped"
        healthy = checks["database"] == "ok" and alive and checks.get("consumer", "ok") == "ok"
        return JSONResponse({"service": service.name, "status": "ok" if healthy else "failing", "checks": checks},
                            status_code=200 if healthy else 503)


def serve(service: Service) -> None:
    """Run the service until SIGTERM/SIGINT, then stop every part cleanly."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    attach(service)
    config = uvicorn.Config(service.api, host=service.settings.host, port=service.settings.port,
                            log_level="info", lifespan="on", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
