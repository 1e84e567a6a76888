"""Composition root: settings -> event store, relay, projection and API, as one servicekit Service."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kafka import KafkaProducer
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import Service

from .application import ApplicationsService
from .config import EVENT_SOURCE, SCHEMA, SERVICE_NAME, ApplicationsSettings, load_tenants
from .entrypoints.api import create_api
from .projections.applications_table import ApplicationsTable
from .rulesets import load_rule_book
from .translation import Translator

PRODUCER_CLOSE_SECONDS = 10.0


def open_service(settings: ApplicationsSettings) -> ApplicationsService:
    """The event-sourced application on PostgreSQL, in the service's own schema; tenant and rule data first."""
    tenants = load_tenants(settings.tenants_dir)
    rules, competencies = load_rule_book(settings.rulesets_dir, {t.slug: t.categories.keys() for t in tenants})
    ensure_schema(settings.database_url, SCHEMA)
    return ApplicationsService(tenants, rules, competencies, env=eventsourcing_env(settings.database_url, SCHEMA))


def build_relay(app: ApplicationsService, producer: KafkaProducer) -> OutboxRelay:
    return OutboxRelay(app, Translator(app.load_version), producer, source=EVENT_SOURCE)


def build(settings: ApplicationsSettings) -> Service:
    app = open_service(settings)
    producer = kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=create_api(app),
        relays=[build_relay(app, producer)],
        projections=[ApplicationsTable()],
        background=[_close_when_stopped(producer)],
    )


def _close_when_stopped(producer: KafkaProducer) -> Callable[[threading.Event], None]:
    """The runtime does not close relay producers; this closes ours (after pending sends) at shutdown."""

    def close(stop: threading.Event) -> None:
        stop.wait()
        producer.close(timeout=PRODUCER_CLOSE_SECONDS)

    return close
