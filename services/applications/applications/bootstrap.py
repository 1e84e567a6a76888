"""Composition root: settings -> event store, relay, consumer, projections and API, as one servicekit Service."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kafka import KafkaProducer
from servicekit.clock import Clock, business_clock
from servicekit.consumer import IdempotentConsumer, Unsealer
from servicekit.outbox import OutboxRelay
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import Service, relay_producer
from servicekit.sealed_twins import TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.sweeps import PoolBridge
from servicekit.unseal import UnsealClient

from .application import ApplicationsService
from .config import EVENT_SOURCE, SCHEMA, SERVICE_NAME, ApplicationsSettings, DocumentSettings, load_tenants
from .documents.filesystem import FilesystemDocumentStore
from .documents.media import DocumentPolicy
from .documents.postgres import PostgresDocumentStore
from .documents.store import DocumentStore
from .entrypoints import consumer
from .entrypoints.api import create_api
from .entrypoints.reminder_sweep import ReferenceReminders, projection_candidates
from .projections.applications_table import ApplicationsTable
from .projections.holdings import HoldingsTable
from .projections.reference_requests import ReferenceRequestsTable
from .projections.reviewer_grants import ReviewerGrantsTable
from .projections.timeline import TimelineProjection
from .rulesets import load_rule_book
from .translation import Translator
from .translation.subjects import TwinSubjects
from .use_cases.documents import DocumentCases
from .use_cases.references import ReferenceCases


def open_service(settings: ApplicationsSettings, clock: Clock | None = None) -> ApplicationsService:
    """The event-sourced application on PostgreSQL, in the service's own schema; tenant and rule data first.

    Personal values are sealed with `applications.subject_keys` under `PERSONAL_DATA_MASTER_KEY`, raters' subject
    ids derive from `RATER_INDEX_KEY`: either missing outside development/test stops start-up here. `close()` closes
    the key store too. Business time is `clock`, by default the settings' (`servicekit.clock.business_clock`)."""
    master_key = settings.master_key()
    rater_index_key = settings.rater_index_key_bytes()
    tenants = load_tenants(settings.tenants_dir)
    rules, competencies = load_rule_book(settings.rulesets_dir, {t.slug: t.categories.keys() for t in tenants})
    ensure_schema(settings.database_url, SCHEMA)
    keys = SubjectKeys(settings.database_url, SCHEMA, master_key,
                       previous_master_keys=settings.previous_master_keys())  # rotation (docs/erasure.md)
    keys.setup()
    return ApplicationsService(tenants, rules, competencies, env=eventsourcing_env(settings.database_url, SCHEMA),
                               clock=clock or business_clock(settings), reference_links=settings.reference_links(),
                               reference_policy=settings.reference_policy(), keys=keys,
                               rater_index_key=rater_index_key)


def open_documents(settings: ApplicationsSettings, app: ApplicationsService) -> DocumentCases:
    """The document store the settings choose (its table or directory created if missing) and the use cases."""
    store = open_document_store(settings, settings.database_url, SCHEMA)
    return DocumentCases(app, store, DocumentPolicy.from_settings(settings))


def open_document_store(settings: DocumentSettings, database_url: str, schema: str) -> DocumentStore:
    """The configured store, set up (table or directory created if missing)."""
    store: DocumentStore
    if settings.documents_storage == "filesystem":
        assert settings.documents_dir is not None
        store = FilesystemDocumentStore(settings.documents_dir)
    else:
        store = PostgresDocumentStore(database_url, schema)
    store.setup()
    return store


def subject_keys(app: ApplicationsService) -> SubjectKeys:
    """The store's key store as `open_service` made it: it seals the v2 twins and answers `/internal/unseal`."""
    if not isinstance(app.keys, SubjectKeys):
        raise TypeError("the applications store was not opened with its SubjectKeys (use open_service)")
    return app.keys


def build_relay(app: ApplicationsService, producer: KafkaProducer, *,
                publish_v1: bool = False) -> OutboxRelay:
    """Publishes each event's sealed twin on `endorsement.applications.v2` (docs/erasure.md, slice 7b), its personal
    values sealed under the subjects of `TwinSubjects`; with `publish_v1` (PUBLISH_V1_EVENTS, migration only), the
    plaintext v1 event first, under the same `ce_id`."""
    twin = TwinSealer(subject_keys(app), TwinSubjects(app.load, app.rater_subject))
    return OutboxRelay(app, Translator(app.load_version, app.reference_links), producer, source=EVENT_SOURCE,
                       twin=twin, twin_only=not publish_v1)


def build_consumer(app: ApplicationsService, settings: ApplicationsSettings,
                   documents: DocumentStore | None = None, unsealer: Unsealer | None = None) -> IdempotentConsumer:
    """Consumes the reviews service's outcomes, opened cases, reviewer assignments and endorsement events from
    `endorsement.reviews.v2`, and the erasures (group `APPLICATIONS_CONSUMER_GROUP`; the handlers:
    `entrypoints/consumer.py`). `unsealer` opens the reviews tokens: by default an `UnsealClient` calling the
    reviews service's `/internal/unseal` (SERVICE_IDENTITY_KEY, UNSEAL_URLS; a missing key outside development and
    test stops start-up here); tests pass a `servicekit.sealed_twins.LocalUnsealer`."""
    return IdempotentConsumer(app, group_id=settings.applications_consumer_group,
                              handlers=consumer.handlers(app, documents),
                              unsealer=unsealer or UnsealClient.from_settings(SERVICE_NAME, settings))


def build(settings: ApplicationsSettings, unsealer: Unsealer | None = None) -> Service:
    """The whole service; `unsealer`: see `build_consumer`."""
    app = open_service(settings)
    documents = open_documents(settings, app)
    producer = relay_producer(settings)
    bridge = PoolBridge()
    reminders = ReferenceReminders(ReferenceCases(app), projection_candidates(bridge),
                                   interval=settings.reference_reminder_sweep_seconds)
    api = create_api(app, documents)
    api.state.reference_reminders = reminders
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=api,
        consumer=build_consumer(app, settings, documents.store, unsealer),
        relays=[build_relay(app, producer, publish_v1=settings.publish_v1_events)],
        projections=[ApplicationsTable(), ReviewerGrantsTable(), TimelineProjection(), ReferenceRequestsTable(),
                     HoldingsTable()],
        background=[_close_store_when_stopped(documents.store)],
        once_per_cluster={"reference-reminders": reminders.run_forever},
        on_pool=[bridge.attach],
        subject_keys=subject_keys(app),  # mounts /internal/unseal for the callers in SERVICE_PUBLIC_KEYS
    )


def _close_store_when_stopped(store: DocumentStore) -> Callable[[threading.Event], None]:
    def close(stop: threading.Event) -> None:
        stop.wait()
        store.close()

    return close

