"""Runs one service as one process: HTTP API, Kafka consumer, outbox relay and projections together."""

from __future__ import annotations

import asyncio
import functools
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
from .edge import install_edge_guards
from .eventstore import TrackedApplication
from .identity import IdentityVerifier
from .outbox import OutboxRelay
from .postgres import asyncpg_server_settings
from .problems import install_problem_handlers
from .projection import Projection, ProjectionRunner
from .settings import ServiceSettings
from .topics import ensure_topics

log = logging.getLogger(__name__)

BlockingLoop = Callable[[threading.Event], None]


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
    projections: list[Projection] = field(default_factory=list)
    background: list[BlockingLoop] = field(default_factory=list)
    """Blocking loops (e.g. a mail sender) run in threads until the event is set."""
    on_pool: list[Callable[[asyncpg.Pool], Awaitable[None]]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)


def attach(service: Service) -> None:
    """Wire the lifespan, problem handlers, edge guards, identity verifier and /healthz into the service's API."""
    api = service.api
    install_problem_handlers(api)
    install_edge_guards(api)
    api.state.identity_verifier = IdentityVerifier(service.settings.gateway_public_key)
    api.state.service = service
    api.router.lifespan_context = functools.partial(_lifespan, service)
    api.add_api_route("/healthz", functools.partial(_health, service), methods=["GET"], include_in_schema=False)


@asynccontextmanager
async def _lifespan(service: Service, api: FastAPI) -> AsyncIterator[None]:
    settings = service.settings
    stop = threading.Event()
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10,
                                     server_settings=asyncpg_server_settings(service.schema))
    api.state.pool = pool
    await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap_servers)
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
    loops: list[BlockingLoop] = [
        functools.partial(_relay_loop, relay, settings.relay_poll_seconds) for relay in service.relays
    ]
    service.threads = [
        threading.Thread(target=loop, args=(stop,), name=f"{service.name}-worker-{i}", daemon=True)
        for i, loop in enumerate([*loops, *service.background])
    ]
    for thread in service.threads:
        thread.start()
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
        for thread in service.threads:
            await asyncio.to_thread(thread.join, 10)
        for relay in service.relays:
            await asyncio.to_thread(relay.producer.close, 5)
        await pool.close()
        service.app.close()


async def _health(service: Service) -> JSONResponse:
    """Liveness and readiness: database reachable, consumer joined, worker threads alive."""
    checks: dict[str, Any] = {}
    try:
        async with service.api.state.pool.acquire() as conn:
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
    alive = all(t.is_alive() for t in service.threads)
    checks["workers"] = "ok" if alive else "stopped"
    healthy = checks["database"] == "ok" and alive and checks.get("consumer", "ok") == "ok"
    return JSONResponse({"service": service.name, "status": "ok" if healthy else "failing", "checks": checks},
                        status_code=200 if healthy else 503)


def _relay_loop(relay: OutboxRelay, poll_seconds: float, stop: threading.Event) -> None:
    relay.run_forever(stop, poll_seconds)


def serve(service: Service) -> None:
    """Run the service until SIGTERM/SIGINT, then stop every part cleanly."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    attach(service)
    config = uvicorn.Config(service.api, host=service.settings.host, port=service.settings.port,
                            log_level="info", lifespan="on", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
