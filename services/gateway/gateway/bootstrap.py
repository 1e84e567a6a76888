"""Composition root: settings and tenant files in, a ready FastAPI application out."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import asyncpg
import httpx
from argon2 import PasswordHasher
from fastapi import APIRouter, FastAPI
from servicekit.broker_epoch import BrokerEpoch
from servicekit.clock import Clock, system_clock
from servicekit.http_telemetry import TracingTransport, install_http_telemetry
from servicekit.leadership import Leadership, LockSession, blocking
from servicekit.problems import install_problem_handlers
from servicekit.service_identity import ServiceTokenVerifier
from servicekit.settings import MissingMasterKey, MissingRaterIndexKeyError, MissingServiceIdentity
from servicekit.shredding import SubjectKeys
from servicekit.sweeps import PoolBridge

from . import __doc__ as package_doc
from .adapters.database import SCHEMA, create_pool, migrate
from .adapters.erasures_consumer import ErasuresConsumer
from .adapters.passwords import Passwords
from .adapters.publisher import KafkaPublisher
from .application.accounts import AccountService
from .application.auth import AuthService
from .application.erasure_answers import ErasureAnswers
from .application.erasure_records import ErasureRecords
from .application.erasure_replay import ErasureReplay
from .application.erasures import ErasureService
from .application.identity_tokens import IdentitySigner
from .application.outbox import Outbox
from .application.outbox_relay import OutboxRelay
from .application.retention import JOB_NAME as RETENTION_JOB
from .application.retention import RetentionSweep, inactivity_rules
from .application.seeding import seed_staff
from .config import SERVICE_NAME, GatewaySettings
from .domain.client_addresses import TrustedProxies
from .domain.idempotency import IdempotencyPolicy
from .domain.throttle import LoginThrottle
from .entrypoints import auth_api, erasures_api, health_api, metrics_api, tenants_api
from .entrypoints.client_address import ClientAddressMiddleware
from .entrypoints.docs_api import install_docs
from .entrypoints.errors import install_gateway_error_handler
from .entrypoints.forwarding_api import forwarding_router
from .entrypoints.idempotency import IdempotencyMiddleware
from .entrypoints.internal_api import internal_router
from .entrypoints.middleware import BodyLimitMiddleware, RequestIdMiddleware, install_edge_guards
from .entrypoints.portal_proxy_api import portal_router
from .entrypoints.route_matching import goes_to_portal
from .entrypoints.runtime import Runtime
from .forwarding.portal import PortalForwarder
from .forwarding.proxy import Forwarder
from .forwarding.routes import UPLOAD_PATHS
from .tenants import TenantDirectory, load_tenants

VERSION = "0.1.0"
SHUTDOWN_STEP_SECONDS = 5.0
UPSTREAM_KEEPALIVE_SECONDS = 2.0  # idle connections to services and the portal: under uvicorn's 5 s
DESCRIPTION = f"""{package_doc}

Accounts and sessions live here (`/auth/*`). Everything else is forwarded to the services with a
short-lived identity token the gateway signs; a client's own `Authorization` header never reaches them:

* `/applications`, `/applications/…` → applications service (session required)
* `/reviews/…` → reviews service (session required)
* `/notifications/…` → notifications service (session required)
* `/credentials/…`, `/tenants/{{slug}}/did.json`, `/status-lists/…` → credentials service (public)
* any other path → the portal (the web pages people use)

Refusals are RFC 9457 problem documents with a stable `code`.
"""


class ConfigurationError(Exception):
    """Settings and tenant files do not fit together; the gateway must not start."""


def _rater_index_key(settings: GatewaySettings) -> bytes:
    try:
        return settings.rater_index_key_bytes()
    except MissingRaterIndexKeyError as exc:
        raise ConfigurationError(str(exc)) from None


def _start_erasures_consumer(api: FastAPI, settings: GatewaySettings, records: ErasureRecords,
                             dead_letters: KafkaPublisher) -> asyncio.Task[None]:
    """Every replica notes the services' erasure answers and files the erasures reviews says are due (one consumer
    group; the effects are idempotent)."""
    consumer = ErasuresConsumer(settings.kafka_bootstrap_servers, settings.erasures_consumer_group, records.apply,
                                dead_letters, session_timeout_ms=settings.kafka_session_timeout_ms,
                                heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms)
    api.state.erasures_consumer = consumer
    return asyncio.create_task(consumer.run_forever(), name="gateway-erasures-consumer")


def _sealing_settings(settings: GatewaySettings) -> tuple[bytes, ServiceTokenVerifier]:
    """The master key of the accounts' keys, and who may open their tokens; missing ones stop start-up."""
    try:
        return settings.master_key(), ServiceTokenVerifier(SERVICE_NAME, settings.peer_public_keys())
    except (MissingMasterKey, MissingServiceIdentity) as exc:
        raise ConfigurationError(str(exc)) from None


async def _prepare_relay(api: FastAPI, settings: GatewaySettings, pool: asyncpg.Pool, publisher: KafkaPublisher,
                         clock: Clock, outbox: Outbox, epoch: BrokerEpoch) -> OutboxRelay:
    """The outbox relay, once the plaintext rows an older gateway wrote are sealed (application/outbox.py). It
    follows the broker epoch: after the broker lost its data it asks the services again about every erasure still
    running (application/erasure_replay.py)."""
    relay = OutboxRelay(pool, publisher, clock, poll_seconds=settings.outbox_poll_seconds, epoch=epoch,
                        sealing=outbox, twin_only=not settings.publish_v1_events, follower=ErasureReplay(clock))
    await relay.seal_plaintext_rows()
    api.state.outbox_relay = relay
    api.state.outbox = outbox  # tests open what the rows hold
    return relay


async def _start_retention(api: FastAPI, settings: GatewaySettings, tenants: TenantDirectory,
                           erasures: ErasureService, pool: asyncpg.Pool, clock: Clock,
                           locks: LockSession) -> asyncio.Task[None] | None:
    """The daily retention job, on one gateway at a time (its advisory lock); none when no tenant sets a limit."""
    bridge = PoolBridge()
    await bridge.attach(pool)
    sweep = RetentionSweep(inactivity_rules(tenants), erasures, bridge, clock=clock,
                           interval=settings.retention_sweep_seconds)
    api.state.retention_sweep = sweep
    if not sweep.rules:
        return None
    job = blocking(sweep.run_forever, "gateway-retention-sweep")
    return asyncio.create_task(Leadership(locks, RETENTION_JOB).run(job), name="gateway-retention")


async def _stop(tasks: list[asyncio.Task[None] | None], publishers: list[KafkaPublisher], pool: asyncpg.Pool,
                keys: SubjectKeys, epoch: BrokerEpoch) -> None:
    """Bounded: a publish stuck on an absent broker must not hold the process (outbox rows stay pending and the
    next start relays them; the consumer's offsets are committed per record)."""
    for task in tasks:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, SHUTDOWN_STEP_SECONDS)
    for publisher in publishers:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(publisher.close(), SHUTDOWN_STEP_SECONDS)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(pool.close(), SHUTDOWN_STEP_SECONDS)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.to_thread(keys.close), SHUTDOWN_STEP_SECONDS)
    with contextlib.suppress(TimeoutError):  # its admin client's connection to the broker
        await asyncio.wait_for(asyncio.to_thread(epoch.close), SHUTDOWN_STEP_SECONDS)


def build(
    settings: GatewaySettings,
    *,
    tenants: TenantDirectory | None = None,
    password_hasher: PasswordHasher | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    tenants = tenants if tenants is not None else load_tenants(settings.tenants_dir)
    rater_index_key = _rater_index_key(settings)  # first: a missing key stops start-up
    if tenants.lists_staff and settings.gateway_seed_password is None:
        raise ConfigurationError("GATEWAY_SEED_PASSWORD is required: the tenant files list staff accounts")
    master_key, unseal_callers = _sealing_settings(settings)
    passwords = Passwords(password_hasher)
    seed_password = settings.gateway_seed_password.get_secret_value() if settings.gateway_seed_password else None
    # the accounts' keys (gateway.subject_keys, made by `migrate`): they seal accounts.v2 and open it for the
    # services; an erasure destroys one in its own transaction (adapters/subject_keys_table.py)
    keys = SubjectKeys(settings.database_url, SCHEMA, master_key, wait_seconds=settings.database_timeout_seconds,
                       previous_master_keys=settings.previous_master_keys())  # rotation (docs/erasure.md)
    outbox = Outbox(keys)  # account events are written sealed under these keys (application/outbox.py)

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, settings.database_timeout_seconds)
        publisher = KafkaPublisher(settings.kafka_bootstrap_servers,
                                   enable_idempotence=settings.kafka_enable_idempotence)
        dead_letters = KafkaPublisher(settings.kafka_bootstrap_servers,
                                      enable_idempotence=settings.kafka_enable_idempotence,
                                      client_id="gateway-dead-letters")
        relay_task: asyncio.Task[None] | None = None
        erasures_task: asyncio.Task[None] | None = None
        retention_task: asyncio.Task[None] | None = None
        locks = LockSession(settings.database_url)
        epoch = BrokerEpoch(settings.kafka_bootstrap_servers)
        try:
            await migrate(pool)
            await seed_staff(pool, tenants, passwords, seed_password, clock, outbox)
            relay = await _prepare_relay(api, settings, pool, publisher, clock, outbox, epoch)
            throttle = LoginThrottle(max_failures_per_account=settings.login_max_failures_per_account,
                                     max_failures_per_address=settings.login_max_failures_per_address,
                                     window=timedelta(minutes=settings.login_failure_window_minutes))
            auth = AuthService(pool, tenants=tenants, passwords=passwords, clock=clock,
                               session_ttl=timedelta(hours=settings.session_ttl_hours), throttle=throttle,
                               public_base_url=settings.public_base_url, outbox=outbox, outbox_written=relay.notify)
            accounts = AccountService(pool, tenants=tenants, passwords=passwords, clock=clock, throttle=throttle,
                                      public_base_url=settings.public_base_url, outbox=outbox,
                                      outbox_written=relay.notify)
            erasures = ErasureService(pool, passwords=passwords, clock=clock, throttle=throttle,
                                      rater_index_key=rater_index_key, outbox=outbox, outbox_written=relay.notify)
            await auth.delete_stale_records()
            await relay.delete_published()
            # The relay retries on its own: the gateway serves while the broker is away, and events wait.
            relay_task = asyncio.create_task(relay.run_forever(), name="gateway-outbox-relay")
            erasures_task = _start_erasures_consumer(
                api, settings, ErasureRecords(ErasureAnswers(pool, clock), erasures), dead_letters)
            retention_task = await _start_retention(api, settings, tenants, erasures, pool, clock, locks)
            # One client forwards every visitor's requests: it must never keep a cookie (by default httpx stores
            # each Set-Cookie and sends it with later requests that have none: one person's portal session to the next).
            no_cookies = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            # Idle connections are dropped before the upstream's uvicorn closes them (its keep-alive is 5 s): a
            # request sent on a connection the server is closing fails with no answer, and a POST cannot be re-sent.
            async with httpx.AsyncClient(timeout=settings.upstream_timeout_seconds, trust_env=False,
                                         limits=httpx.Limits(keepalive_expiry=UPSTREAM_KEEPALIVE_SECONDS),
                                         follow_redirects=False, cookies=no_cookies,
                                         transport=TracingTransport()) as client:  # a span + traceparent per call
                api.state.runtime = Runtime(
                    settings=settings, tenants=tenants, pool=pool, client=client, auth=auth, accounts=accounts,
                    signer=IdentitySigner(settings.gateway_signing_key.get_secret_value()),
                    forwarder=Forwarder(client, settings.upstream_replicas()),
                    portal=PortalForwarder(client, settings.portal_url), clock=clock, erasures=erasures,
                )
                yield
        finally:
            await _stop([relay_task, erasures_task, retention_task], [publisher, dead_letters], pool, keys, epoch)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(locks.close(), SHUTDOWN_STEP_SECONDS)

    api = FastAPI(title="Endorsement API gateway", version=VERSION, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # the bundled docs pages load scripts from a CDN
    install_problem_handlers(api)
    install_gateway_error_handler(api)
    # innermost: Idempotency-Key on POSTs (sees bodies already bounded and checked by the middleware around it)
    api.add_middleware(IdempotencyMiddleware, secret=settings.gateway_signing_key.get_secret_value().encode(),
                       policy=IdempotencyPolicy(ttl=timedelta(hours=settings.idempotency_key_ttl_hours),
                                                lease=timedelta(seconds=settings.upstream_timeout_seconds + 60)))
    # reads bodies the limit below has already bounded; the portal's form bodies are left to the portal, which
    # answers unstorable text with its own page in the person's language
    install_edge_guards(api, inspects_body=lambda scope: not goes_to_portal(scope))
    api.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       upload_max_bytes=settings.max_upload_bytes, upload_paths=UPLOAD_PATHS)
    install_http_telemetry(api, trust_incoming=False)  # a new trace per public request; sees the request id
    api.add_middleware(RequestIdMiddleware)
    # outermost: every part of the gateway (throttles, the portal's X-Forwarded-For, access log) sees one client
    api.add_middleware(ClientAddressMiddleware, trusted=TrustedProxies(settings.trusted_proxy_networks()))
    _include_routes(api, internal_router(keys, unseal_callers))
    return api


def _include_routes(api: FastAPI, internal: APIRouter) -> None:
    """In this order: FastAPI takes the first route that matches."""
    api.include_router(auth_api.router)
    api.include_router(health_api.router)
    api.include_router(tenants_api.router)
    api.include_router(erasures_api.me_router)
    api.include_router(erasures_api.admin_router)
    api.include_router(metrics_api.router)  # internal scrapers only
    api.include_router(internal)  # `/internal/*`: services only (service tokens), never forwarded
    api.include_router(forwarding_router())
    install_docs(api)  # /openapi.json (whole public API), /docs, /redoc: vendored viewers, no CDN
    api.include_router(portal_router())  # LAST: whatever no route above takes goes to the portal
