"""Composition root: settings -> tenants and keys -> application, consumer, relay, projection, API."""

from __future__ import annotations

from collections.abc import Mapping

from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import Service

from credentials.adapters.keyring import IssuerDirectory, build_issuer_directory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.application import Clock, CredentialsApplication, utc_now
from credentials.config import CredentialsSettings, TenantProfile, load_tenants
from credentials.entrypoints.api import create_api
from credentials.entrypoints.consumer import build_consumer
from credentials.entrypoints.public_pages import with_public_pages
from credentials.projections.credentials import CredentialsProjection
from credentials.translation import SOURCE, translate

NAME = "credentials"
SCHEMA = "credentials"


def build_issuers(settings: CredentialsSettings, tenants: Mapping[str, TenantProfile]) -> IssuerDirectory:
    """The tenants as issuers; raises ConfigurationError if one lacks a key or a key is unusable."""
    configured = {
        slug: [seed.get_secret_value() for seed in seeds] for slug, seeds in settings.credentials_signing_keys.items()
    }
    return build_issuer_directory(tenants, configured, settings.public_base_url)


def build(settings: CredentialsSettings, *, clock: Clock = utc_now) -> Service:
    """The whole service; raises ConfigurationError before touching any engine when the configuration is bad."""
    tenants = load_tenants(settings.tenants_dir)
    issuers = build_issuers(settings, tenants)
    ensure_schema(settings.database_url, SCHEMA)
    app = CredentialsApplication(
        eventsourcing_env(settings.database_url, SCHEMA),
        tenants=tenants,
        signer=OpenBadgeSigner(issuers),
        public_base_url=settings.public_base_url,
        clock=clock,
    )
    producer = kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)
    return Service(
        name=NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=with_public_pages(create_api(app, issuers), app, issuers),
        consumer=build_consumer(app, settings.credentials_consumer_group),
        relays=[OutboxRelay(app, translate, producer, source=SOURCE)],
        projections=[CredentialsProjection()],
    )
