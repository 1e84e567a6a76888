"""Composition root: settings -> tenants and keys -> application, consumer, relay, projection, workers, API."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg
from fastapi import APIRouter, FastAPI
from servicekit.clock import Clock, business_clock, system_clock
from servicekit.consumer import Unsealer
from servicekit.outbox import OutboxRelay
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import BlockingLoop, Service, relay_producer
from servicekit.shredding import SubjectKeys
from servicekit.unseal import UnsealClient

from credentials.adapters.keyring import IssuerDirectory, build_issuer_directory
from credentials.adapters.polling import Step, run_polling
from credentials.adapters.signer import OpenBadgeSigner
from credentials.adapters.status_lists import StatusListPublisher
from credentials.application import CredentialsApplication, utc_now
from credentials.config import ConfigurationError, CredentialsSettings, TenantProfile, load_tenants
from credentials.entrypoints.api import create_api, verify_protection
from credentials.entrypoints.consumer import build_consumer
from credentials.entrypoints.lifecycle_api import lifecycle_router
from credentials.entrypoints.public_pages_api import with_public_pages
from credentials.entrypoints.status_lists_api import status_lists_router
from credentials.entrypoints.webhooks_api import webhooks_router
from credentials.expiry import ExpirySweep
from credentials.lifecycle import Lifecycle
from credentials.projections.credentials import CredentialsProjection
from credentials.public.registry_store import create_table as create_registry_table
from credentials.status_check import StatusChecker
from credentials.translation import SOURCE, PartnerEvents, RelayEvents
from credentials.vc.pool import CanonicalizationPool
from credentials.webhooks.addresses import Resolver, system_resolver
from credentials.webhooks.fanout import WebhookFanOut
from credentials.webhooks.sealing import SecretBox, SecretKeyError, seal_stored_secrets
from credentials.webhooks.sender import RetryPolicy, WebhookSender
from credentials.webhooks.tables import connect, create_tables
from credentials.webhooks.transport import delivery_client

NAME = "credentials"
SCHEMA = "credentials"


def build_issuers(settings: CredentialsSettings, tenants: Mapping[str, TenantProfile]) -> IssuerDirectory:
    """The tenants as issuers; raises ConfigurationError if one lacks a key or a key is unusable."""
    configured = {
        slug: [seed.get_secret_value() for seed in seeds] for slug, seeds in settings.credentials_signing_keys.items()
    }
    return build_issuer_directory(tenants, configured, settings.public_base_url)


def build_application(settings: CredentialsSettings, *, clock: Clock = utc_now) -> tuple[CredentialsApplication,
                                                                                         IssuerDirectory]:
    """The application on PostgreSQL; raises ConfigurationError before touching it when the configuration is bad,
    and servicekit's MissingMasterKey when PERSONAL_DATA_MASTER_KEY is unset outside development and tests."""
    tenants = load_tenants(settings.tenants_dir)
    issuers = build_issuers(settings, tenants)
    master_key = settings.master_key()
    ensure_schema(settings.database_url, SCHEMA)
    keys = SubjectKeys(settings.database_url, SCHEMA, master_key,
                       previous_master_keys=settings.previous_master_keys())  # rotation (docs/erasure.md)
    keys.setup()
    app = CredentialsApplication(
        eventsourcing_env(settings.database_url, SCHEMA),
        tenants=tenants,
        signer=OpenBadgeSigner(issuers),
        public_base_url=settings.public_base_url,
        keys=keys,  # closed with the application
        clock=clock,
    )
    return app, issuers


def partner_events(app: CredentialsApplication) -> PartnerEvents:
    """The translator shared by the outbox relay, the webhook fan-out and replay."""
    return PartnerEvents(app.credential_at, app.status_list_url)


@dataclass
class Workers:
    """The service's own background work, each a loop with its own database connection."""

    fan_out: WebhookFanOut
    sender: WebhookSender
    sweep: ExpirySweep


def webhook_secret_box(settings: CredentialsSettings) -> SecretBox | None:
    """The key webhook secrets are sealed with (None when none is configured)."""
    if settings.credentials_webhook_secret_key is None:
        return None
    previous = [key.get_secret_value() for key in settings.credentials_webhook_previous_secret_keys]
    try:
        return SecretBox.from_text(settings.credentials_webhook_secret_key.get_secret_value(), previous)
    except SecretKeyError as error:  # its message never holds the key
        raise ConfigurationError(f"CREDENTIALS_WEBHOOK_SECRET_KEY: {error}") from None


def build(settings: CredentialsSettings, *, clock: Clock | None = None,
          resolver: Resolver = system_resolver, unsealer: Unsealer | None = None) -> Service:
    """The whole service; raises ConfigurationError before touching any engine when the configuration is bad.

    `resolver` turns webhook hosts into addresses (registration and delivery check them; tests fake DNS).
    `unsealer` opens the sealed fields of `endorsement.reviews.v2` records; by default the reviews service's
    `/internal/unseal` (SERVICE_IDENTITY_KEY, UNSEAL_URLS; a missing identity key outside development and tests
    stops the start), closed with the service. Tests give a `servicekit.sealed_twins.LocalUnsealer`.

    Business time (issuing, re-issuing, expiry, verification) is `clock`, by default the settings'
    (`servicekit.clock`). Webhooks (subscriptions, delivery schedule, signatures) keep real time: the sender
    takes deliveries due by real time, and receivers check signatures against theirs."""
    clock = clock or business_clock(settings)
    box = webhook_secret_box(settings)
    app, issuers = build_application(settings, clock=clock)
    if unsealer is None:
        unsealer = UnsealClient.from_settings(NAME, settings)
    lifecycle = Lifecycle(app)
    publisher = StatusListPublisher(app, issuers, settings.credentials_status_list_max_age_seconds)
    translate = partner_events(app)
    insecure = settings.credentials_webhook_allow_insecure_urls
    fan_out = WebhookFanOut(app, translate, source=SOURCE)
    workers = Workers(
        fan_out=fan_out,
        sender=WebhookSender(
            delivery_client(settings.credentials_webhook_timeout_seconds, resolver=resolver, allow_internal=insecure),
            RetryPolicy(settings.credentials_webhook_retry_base_seconds, settings.credentials_webhook_retry_max_seconds,
                        settings.credentials_webhook_max_attempts),
            box,
            fan_out.body_of,
        ),
        sweep=ExpirySweep(lifecycle, functools.partial(connect, settings.database_url, SCHEMA),
                          interval=settings.credentials_expiry_sweep_seconds),
    )
    protection = verify_protection(settings)
    api = with_public_pages(create_api(app, issuers, StatusChecker(publisher, issuers, settings.public_base_url),
                                       **protection), app, issuers)
    _add_first(api, status_lists_router(publisher), lifecycle_router(lifecycle),
               webhooks_router(allow_insecure_urls=insecure, clock=system_clock, box=box, resolver=resolver))
    api.state.workers = workers
    producer = relay_producer(settings)
    return Service(
        name=NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=api,
        consumer=build_consumer(app, settings.credentials_consumer_group, unsealer=unsealer),
        relays=[OutboxRelay(app, RelayEvents(translate), producer, source=SOURCE)],  # partners' + erasure answers
        projections=[CredentialsProjection()],
        once_per_cluster=_loops(settings, workers, system_clock),  # deliveries are due by the sender's real time
        on_pool=[functools.partial(prepare_webhooks, box), functools.partial(start_verifiers, protection["pool"]),
                 create_registry_table],
    )


async def start_verifiers(verifiers: CanonicalizationPool, _pool: asyncpg.Pool) -> None:
    """Start the canonicalization workers with the service, so the first verification does not wait for them
    (spawning them and loading the contexts took seconds on a busy machine: past the verify deadline)."""
    await asyncio.to_thread(verifiers.start)


async def prepare_webhooks(box: SecretBox | None, pool: asyncpg.Pool) -> None:
    """Create the webhook tables and seal every stored secret with the current key (idempotent); refuses to
    start when webhooks exist and no key is configured."""
    await create_tables(pool)
    await seal_stored_secrets(pool, box)


def _loops(settings: CredentialsSettings, workers: Workers, clock: Clock) -> dict[str, BlockingLoop]:
    """The loops one replica at a time runs (servicekit leadership), by job name."""
    poll = settings.credentials_webhook_poll_seconds

    def loop(name: str, step: Step, seconds: float) -> functools.partial[None]:
        return functools.partial(run_polling, name, settings.database_url, SCHEMA, step, poll_seconds=seconds)

    return {
        "webhook-fan-out": loop("webhook fan-out", lambda conn: workers.fan_out.run_once(conn, clock()), poll),
        "webhook-sender": loop("webhook sender", workers.sender.run_once, poll),
        "expiry-sweep": workers.sweep.run_forever,
    }


def _add_first(api: FastAPI, *routers: APIRouter) -> None:
    """Add the routers' routes ahead of every other, so `/credentials/webhooks` is never taken for a
    credential id by `GET /credentials/{credential_id}` (or its HTML page)."""
    before = len(api.router.routes)
    for router in routers:
        api.include_router(router)
    added = api.router.routes[before:]
    del api.router.routes[before:]
    api.router.routes[0:0] = added

