"""Composition root: settings -> event store, relay, consumer, projections and API, as one servicekit Service."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from endorsement_contracts import IntegrationEvent
from kafka import KafkaProducer
from servicekit.clock import Clock, business_clock
from servicekit.consumer import Handler, IdempotentConsumer
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import Service

from .application import ApplicationsService
from .config import EVENT_SOURCE, SCHEMA, SERVICE_NAME, ApplicationsSettings, load_tenants
from .documents.settings import open_store
from .documents.store import DocumentStore
from .documents.use_cases import DocumentsService
from .entrypoints import (
    endorsements_consumer,
    review_cycle_consumer,
    review_outcomes_consumer,
    reviewer_access_consumer,
)
from .entrypoints.api import create_api
from .projections.applications_table import ApplicationsTable
from .projections.holdings import HoldingsTable
from .projections.reference_requests import ReferenceRequestsTable
from .projections.timeline import TimelineProjection
from .reference_reminders import PoolBridge, ReferenceReminders, projection_candidates
from .rulesets import load_rule_book
from .translation import Translator

PRODUCER_CLOSE_SECONDS = 10.0


def open_service(settings: ApplicationsSettings, clock: Clock | None = None) -> ApplicationsService:
    """The event-sourced application on PostgreSQL, in the service's own schema; tenant and rule data first.

    Business time is `clock`, by default the settings' (`servicekit.clock.business_clock`)."""
    tenants = load_tenants(settings.tenants_dir)
    rules, competencies = load_rule_book(settings.rulesets_dir, {t.slug: t.categories.keys() for t in tenants})
    ensure_schema(settings.database_url, SCHEMA)
    app = ApplicationsService(tenants, rules, competencies, env=eventsourcing_env(settings.database_url, SCHEMA),
                              clock=clock or business_clock(settings))
    app.configure_references(settings.reference_links(), settings.reference_policy())
    return app


def open_documents(settings: ApplicationsSettings, app: ApplicationsService) -> DocumentsService:
    """The document store the settings choose (its table or directory created if missing) and the use cases."""
    return DocumentsService(app, open_store(settings, settings.database_url, SCHEMA), settings.document_policy())


def build_relay(app: ApplicationsService, producer: KafkaProducer) -> OutboxRelay:
    return OutboxRelay(app, Translator(app.load_version, app.reference_links), producer, source=EVENT_SOURCE)


def build_consumer(app: ApplicationsService, settings: ApplicationsSettings) -> IdempotentConsumer:
    """Consumes the reviews service's outcomes, opened cases (their review cycle) and reviewer assignments
    (group `APPLICATIONS_CONSUMER_GROUP`).

    Each module contributes a table of handlers; an event type has one handler (`merge_handlers` refuses two).
    `EndorsementGranted` belongs to `review_outcomes_consumer`: other effects of a grant are `on_granted` hooks,
    saved in the same transaction.
    """
    handlers = merge_handlers(
        review_outcomes_consumer.handlers(app, on_granted=[endorsements_consumer.grant_hook(app)]),
        endorsements_consumer.handlers(app),
        reviewer_access_consumer.handlers(app),
        review_cycle_consumer.handlers(app),
    )
    return IdempotentConsumer(app, group_id=settings.applications_consumer_group, handlers=handlers)


def merge_handlers(*tables: Mapping[type[IntegrationEvent], Handler]) -> dict[type[IntegrationEvent], Handler]:
    merged: dict[type[IntegrationEvent], Handler] = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:
            raise ValueError(f"two handlers for {', '.join(sorted(e.type_name() for e in clash))}")
        merged.update(table)
    return merged


def build(settings: ApplicationsSettings) -> Service:
    app = open_service(settings)
    documents = open_documents(settings, app)
    producer = kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)
    bridge = PoolBridge()
    reminders = ReferenceReminders(app, projection_candidates(bridge),
                                   interval=settings.reference_reminder_sweep_seconds)
    api = create_api(app, documents)
    api.state.reference_reminders = reminders
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=api,
        consumer=build_consumer(app, settings),
        relays=[build_relay(app, producer)],
        projections=[ApplicationsTable(), TimelineProjection(), ReferenceRequestsTable(), HoldingsTable()],
        background=[_close_when_stopped(producer), _close_store_when_stopped(documents.store),
                    reminders.run_forever],
        on_pool=[bridge.attach],
    )


def _close_store_when_stopped(store: DocumentStore) -> Callable[[threading.Event], None]:
    def close(stop: threading.Event) -> None:
        stop.wait()
        store.close()

    return close


def _close_when_stopped(producer: KafkaProducer) -> Callable[[threading.Event], None]:
    """The runtime does not close relay producers; this closes ours (after pending sends) at shutdown."""

    def close(stop: threading.Event) -> None:
        stop.wait()
        producer.close(timeout=PRODUCER_CLOSE_SECONDS)

    return close
