"""Runs one service as one process: HTTP API, Kafka consumer, outbox relay and projections together.

Any number of replicas may run: HTTP and the consumer scale out (the consumer group splits the partitions),
while the relays, the projections and the `once_per_cluster` loops run on one replica at a time
(`servicekit.leadership`: an advisory lock per job, taken over within seconds when its holder dies)."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
import uvicorn
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from kafka import KafkaProducer

from .consumer import IdempotentConsumer
from .edge import install_edge_guards
from .eventstore import TrackedApplication
from .faults import install_relay_faults
from .health import install_health_routes
from .http_telemetry import install_http_telemetry
from .identity import IdentityVerifier
from .leadership import Job, Leadership, LockSession, blocking
from .logs import configure_logging
from .metrics import OUTBOX_BACKLOG, metrics_endpoint, relay_backlog
from .outbox import OutboxRelay, kafka_producer
from .postgres import asyncpg_pool_options, asyncpg_server_settings, ddl_lock_key
from .problems import install_problem_handlers
from .projection import Projection, ProjectionRunner
from .replay import follow_broker_epoch, rewind_on_new_epoch
from .reseal import reseal
from .service_identity import ServiceTokenVerifier
from .settings import ServiceSettings
from .shredding import SubjectKeys
from .subscription import subscribe
from .telemetry import configure_tracing
from .topics import ensure_topics
from .unseal import unseal_router
from .wakeups import LogWakeups, channel_of

log = logging.getLogger(__name__)

BlockingLoop = Callable[[threading.Event], None]
SHUTDOWN_JOBS_SECONDS = 5.0
"""How long shutdown waits for the leader jobs (a relay ending its batch) before closing the rest."""


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
    """Their producers (`relay_producer(settings)`) are the runtime's to close: at shutdown, after the relays."""
    projections: list[Projection] = field(default_factory=list)
    background: list[BlockingLoop] = field(default_factory=list)
    """Blocking loops run in threads until the event is set, in every replica (e.g. closing a resource)."""
    once_per_cluster: dict[str, BlockingLoop] = field(default_factory=dict)
    """Blocking loops (sweeps, a mail sender) by job name, each run by one replica at a time (its leader)."""
    on_pool: list[Callable[[asyncpg.Pool], Awaitable[None]]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    leaderships: list[Leadership] = field(default_factory=list)
    subject_keys: SubjectKeys | None = None
    """A producer of sealed fields: its keys open them for the services in SERVICE_PUBLIC_KEYS (/internal/unseal)."""


def relay_producer(settings: ServiceSettings) -> KafkaProducer:
    """The Kafka producer of a service's outbox relays: `outbox.kafka_producer` on the settings' broker, with
    their idempotence. The runtime closes every relay's producer at shutdown; services do not."""
    return kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)


def attach(service: Service) -> None:
    """Wire the lifespan, problem handlers, edge guards, identity verifier and /healthz into the service's API."""
    api = service.api
    install_problem_handlers(api)
    install_edge_guards(api)
    api.state.identity_verifier = IdentityVerifier(service.settings.gateway_public_key)
    api.state.service = service
    api.router.lifespan_context = functools.partial(_lifespan, service)
    install_health_routes(api, service)  # /livez, /readyz, /healthz (= readiness)
    install_relay_faults(service.relays, service.settings.fault_crash_after_publish, service.settings.environment)
    if service.subject_keys is not None:  # peer_public_keys() raises outside dev/test when none is configured
        verifier = ServiceTokenVerifier(service.name, service.settings.peer_public_keys())
        api.include_router(unseal_router(service.subject_keys, verifier))
    install_http_telemetry(api)  # outermost: spans and latencies cover every refusal too
    api.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    for relay in service.relays:
        OUTBOX_BACKLOG.watch(f"{service.name}/{relay.name}", functools.partial(relay_backlog, relay))


@asynccontextmanager
async def _lifespan(service: Service, api: FastAPI) -> AsyncIterator[None]:
    settings = service.settings
    stop = threading.Event()
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10,
                                     **asyncpg_pool_options(settings.database_timeout_seconds,
                                                            settings.database_command_timeout_seconds),
                                     server_settings=asyncpg_server_settings(service.schema))
    api.state.pool = pool
    await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap_servers)
    epoch = await follow_broker_epoch(settings.kafka_bootstrap_servers, service.relays, service.consumer)
    runners = [ProjectionRunner(service.app, pool, p) for p in service.projections]
    api.state.projections = runners
    await _prepare_tables(service, pool, runners)
    broker = KafkaBroker(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence,
                         acks="all", client_id=service.name)
    subscriber = None
    if service.consumer is not None:
        subscriber = subscribe(broker, service.consumer, session_timeout_ms=settings.kafka_session_timeout_ms,
                               heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
                               fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms)
    await broker.start()
    if service.consumer is not None:
        service.consumer.stats.started = True
    api.state.broker = broker
    service.threads = [
        threading.Thread(target=loop, args=(stop,), name=f"{service.name}-worker-{i}", daemon=True)
        for i, loop in enumerate(service.background)
    ]
    for thread in service.threads:
        thread.start()
    locks = LockSession(settings.database_url)
    wakeups, tasks = _start_cluster_jobs(service, runners, locks)
    if subscriber is not None:
        tasks.append(asyncio.create_task(rewind_on_new_epoch(epoch, subscriber)))
    log.info("%s ready on %s:%s", service.name, settings.host, settings.port)
    try:
        yield
    finally:
        stop.set()
        if wakeups is not None:
            wakeups.wake_all()  # a relay waiting for a wake-up sees `stop` at once
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_JOBS_SECONDS)
        # Each step below is bounded: with PostgreSQL or the broker gone a close can wait for ever. What is not
        # closed in time ends with the process (the outbox and the committed offsets resume on the next start).
        step_seconds = 3.0
        steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("locks", locks.close), ("broker", broker.stop),
            *((t.name, functools.partial(asyncio.to_thread, t.join, step_seconds)) for t in service.threads),
            *((f"relay {r.name}", functools.partial(asyncio.to_thread, r.producer.close, step_seconds))
              for r in service.relays),
            ("epoch", functools.partial(asyncio.to_thread, epoch.close)), ("pool", pool.close),
        ]
        aclose = getattr(getattr(service.consumer, "unsealer", None), "aclose", None)
        if callable(aclose):  # an UnsealClient's HTTP connections
            steps.append(("unseal client", aclose))
        for what, close in steps:
            try:
                await asyncio.wait_for(close(), step_seconds)
            except TimeoutError:
                log.warning("shutdown: %s did not close within %.0f s; left to the process exit", what, step_seconds)
                if what == "pool":
                    pool.terminate()
        service.app.close()


async def _prepare_tables(service: Service, pool: asyncpg.Pool, runners: list[ProjectionRunner]) -> None:
    """Projection tables and the `on_pool` hooks, one replica at a time (postgres.ddl_lock_key)."""
    async with pool.acquire() as ddl:
        await ddl.execute("SELECT pg_advisory_lock($1)", ddl_lock_key(service.schema))
        try:
            for runner in runners:
                await runner.setup()
            for hook in service.on_pool:
                await hook(pool)
        finally:
            await ddl.execute("SELECT pg_advisory_unlock($1)", ddl_lock_key(service.schema))


def _log_wakeups(service: Service) -> LogWakeups | None:
    """The process's listener for commits to the service's log (None when its recorder does not notify)."""
    channel = channel_of(service.app)
    if channel is None:
        return None
    return LogWakeups(service.settings.database_url, channel,
                      server_settings=asyncpg_server_settings(service.schema))


def _start_cluster_jobs(service: Service, runners: list[ProjectionRunner],
                        locks: LockSession) -> tuple[LogWakeups | None, list[asyncio.Task[None]]]:
    """Start every leader job, and the process's log wake-ups they wait on."""
    wakeups = _log_wakeups(service)
    tasks = [asyncio.create_task(leadership.run(job))
             for leadership, job in _cluster_jobs(service, runners, locks, wakeups)]
    if wakeups is not None:
        tasks.append(asyncio.create_task(wakeups.run(), name=f"{service.name}-log-wakeups"))
    return wakeups, tasks


def _cluster_jobs(service: Service, runners: list[ProjectionRunner], locks: LockSession,
                  wakeups: LogWakeups | None) -> list[tuple[Leadership, Job]]:
    """Every job that runs on one replica at a time, each under the lock `<schema>/<kind>:<name>`. The relays and
    projections are woken when events are committed (servicekit.wakeups), and poll every `log_poll_seconds`."""
    poll = service.settings.log_poll_seconds
    jobs: list[tuple[str, Job]] = []
    for relay in service.relays:
        wake = wakeups.thread_waiter() if wakeups else None
        jobs.append((f"relay:{relay.name}", blocking(functools.partial(_relay_loop, relay, poll, wake),
                                                     f"relay {relay.name}", also_wake=wake)))
    jobs += [(f"projection:{runner.projection.name}",
              functools.partial(runner.run_forever, poll, wakeups.async_waiter() if wakeups else None))
             for runner in runners]
    jobs += [(f"job:{name}", blocking(loop, name)) for name, loop in service.once_per_cluster.items()]
    service.leaderships = [Leadership(locks, f"{service.schema}/{kind}") for kind, _ in jobs]
    return list(zip(service.leaderships, (job for _, job in jobs), strict=True))


def _relay_loop(relay: OutboxRelay, poll_seconds: float, wake: threading.Event | None,
                stop: threading.Event) -> None:
    relay.run_forever(stop, poll_seconds, wake)


def serve(service: Service) -> None:
    """Run the service until SIGTERM/SIGINT, then stop every part cleanly."""
    configure_logging(service.name)  # JSON lines with trace and correlation ids (LOG_FORMAT=text for people)
    configure_tracing(service.name)
    attach(service)
    config = uvicorn.Config(service.api, host=service.settings.host, port=service.settings.port,
                            log_level="info", log_config=None, lifespan="on", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()


USAGE = "usage: python -m <service> [reseal | rewrap-keys]"


def command(service: Service, argv: Sequence[str]) -> None:
    """A service's command line (docs/erasure.md). No argument serves it. `reseal` seals in place the events stored
    before personal data was sealed (servicekit.reseal; run it with the service stopped, after a backup).
    `rewrap-keys` moves every subject key wrapped under a PERSONAL_DATA_PREVIOUS_MASTER_KEYS key under
    PERSONAL_DATA_MASTER_KEY (safe while the service runs). Both print what they did and exit."""
    match list(argv):
        case []:
            serve(service)
        case ["reseal"]:
            configure_logging(service.name)
            report = reseal(service.app, service.settings.database_url)
            print(f"{service.name}: read {report.read} stored events, resealed {report.resealed}, "
                  f"deleted {report.snapshots_deleted} snapshots")
        case ["rewrap-keys"]:
            configure_logging(service.name)
            settings = service.settings
            keys = SubjectKeys(settings.database_url, service.schema, settings.master_key(),
                               previous_master_keys=settings.previous_master_keys())
            try:
                print(f"{service.name}: re-wrapped {keys.rewrap()} subject keys under the current master key")
            finally:
                keys.close()
        case _:
            raise SystemExit(USAGE)
    if argv and service.subject_keys is not None:
        service.subject_keys.close()
