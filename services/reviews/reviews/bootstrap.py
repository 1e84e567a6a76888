"""Composition root: builds the reviews service from its settings."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from servicekit.clock import Clock, business_clock
from servicekit.consumer import IdempotentConsumer, Unsealer
from servicekit.outbox import OutboxRelay
from servicekit.postgres import ensure_schema, eventsourcing_env
from servicekit.runtime import Service, relay_producer
from servicekit.sealed_twins import TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY
from servicekit.sweeps import PoolBridge
from servicekit.unseal import UnsealClient

from .application import Reviews
from .config import (
    EVENT_SOURCE,
    SCHEMA,
    SERVICE_NAME,
    PseudonymKeys,
    ReviewsSettings,
    TenantCatalog,
    competencies_path,
    load_competencies,
    load_tenants,
)
from .domain.personal import keyed_fingerprint
from .entrypoints.api import create_api
from .entrypoints.consumer import Holdings, consumed_handlers
from .lapse_sweep import LapseSweep, projection_candidates
from .projections import EndorsementsProjection, ReviewCasesProjection, ReviewReportsProjection, held_by
from .projections.examinations import ExaminationsProjection
from .projections.retention import RegisterRetentionProjection
from .retention_sweep import RetentionSweep, retention_candidates
from .reviewer_subjects import LegacyReviewerSubjects
from .translation import Translator
from .twin_subjects import ReviewsSubjects


def open_reviews(settings: ReviewsSettings) -> Reviews:
    """The application on PostgreSQL with its subject keys; raises servicekit's MissingMasterKey when
    PERSONAL_DATA_MASTER_KEY is unset outside development and tests, MissingPseudonymKeys when FINGERPRINT_KEY
    and REVIEWER_SUBJECT_KEY are, and servicekit's MissingRaterIndexKeyError when RATER_INDEX_KEY is, before
    touching the database."""
    return open_reviews_at(settings.database_url, settings.master_key(), settings.pseudonym_keys(),
                           rater_index_key=settings.rater_index_key_bytes(),
                           previous_master_keys=settings.previous_master_keys())


def open_reviews_at(database_url: str, master_key: bytes, pseudonyms: PseudonymKeys, *,
                    rater_index_key: bytes = DEVELOPMENT_RATER_INDEX_KEY,
                    previous_master_keys: Sequence[bytes] = ()) -> Reviews:
    """Subject keys wrapped under `previous_master_keys` still open (master key rotation, docs/erasure.md); the
    fingerprints are keyed by `pseudonyms`, which a rotation leaves as they are; reviewers' and scorers' subjects by
    `rater_index_key`. Before anything consumes, the `reviewer:` subjects of the reviewers assigned since the last
    start are paired with their address subjects (`reviewer_subjects.py`), so that erasing an address reaches both
    (also before `reseal` seals the plain addresses of older events)."""
    ensure_schema(database_url, SCHEMA)
    keys = SubjectKeys(database_url, SCHEMA, master_key, previous_master_keys=previous_master_keys)
    keys.setup()
    legacy = LegacyReviewerSubjects(database_url, SCHEMA)
    legacy.setup()
    reviews = Reviews(eventsourcing_env(database_url, SCHEMA), keys=keys,  # the keys close with the application
                      fingerprint=keyed_fingerprint(pseudonyms.fingerprint), rater_index_key=rater_index_key,
                      legacy_subjects=legacy)
    legacy.backfill(reviews, pseudonyms.reviewer_subjects)
    return reviews


def register_holdings(reviews: Reviews, bridge: PoolBridge) -> Holdings:
    """A holder's endorsements from the register read model, for the consumer's worker thread: asked once the
    register has applied every event stored so far (a grant saved just before the question is never missed)."""
    def holdings(tenant: str, account_id: UUID) -> list[UUID]:
        seen = reviews.recorder.max_notification_id() or 0
        return bridge.run(lambda pool: held_by(pool, tenant, account_id, seen_up_to=seen))

    return holdings


def subject_keys(reviews: Reviews) -> SubjectKeys:
    """The application's subject keys (`open_reviews` gives it a `SubjectKeys`): they seal the v2 twins and open
    them for other services at `/internal/unseal`."""
    if not isinstance(reviews.keys, SubjectKeys):
        raise TypeError("the reviews application was not opened with servicekit SubjectKeys")
    return reviews.keys


def build(settings: ReviewsSettings, *, tenants: TenantCatalog | None = None,
          clock: Clock | None = None, unsealer: Unsealer | None = None) -> Service:
    """Everything the process runs; tests call it too (then `servicekit.runtime.attach` and the lifespan).

    Business time (API decisions, the lapse and register retention sweeps) is `clock`, by default the settings'
    (`servicekit.clock`). The consumer opens the applications service's sealed fields with `unsealer`, by default
    its `/internal/unseal` (`UnsealClient`: SERVICE_IDENTITY_KEY, UNSEAL_URLS); tests may give a
    `servicekit.sealed_twins.LocalUnsealer`."""
    clock = clock or business_clock(settings)
    catalog = tenants if tenants is not None else load_tenants(settings.tenants_dir, settings.reviews_config_dir)
    competencies = load_competencies(competencies_path(settings.tenants_dir, settings.competencies_file))
    reviews = open_reviews(settings)
    keys = subject_keys(reviews)
    bridge = PoolBridge()
    consumer = IdempotentConsumer(
        reviews,
        group_id=settings.reviews_consumer_group,
        handlers=consumed_handlers(reviews, catalog, holdings=register_holdings(reviews, bridge)),
        unsealer=unsealer if unsealer is not None else UnsealClient.from_settings(SERVICE_NAME, settings),
    )
    producer = relay_producer(settings)
    # each reviews event's sealed v2 twin (erasure answers have no twin); with PUBLISH_V1_EVENTS (migration only)
    # the plaintext v1 event first, under the same ce_id
    twin = TwinSealer(keys, ReviewsSubjects(reviews))
    relay = OutboxRelay(reviews, Translator(reviews), producer, source=EVENT_SOURCE, twin=twin,
                        twin_only=not settings.publish_v1_events)
    sweep = LapseSweep(reviews, catalog, projection_candidates(bridge), interval=settings.lapse_sweep_seconds,
                       clock=clock)
    retention = RetentionSweep(reviews, catalog, retention_candidates(reviews, bridge),
                               interval=settings.retention_sweep_seconds, clock=clock)
    api = create_api(reviews, catalog, clock)
    api.state.lapse_sweep = sweep
    api.state.retention_sweep = retention
    api.state.competencies = competencies
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=reviews,
        api=api,
        consumer=consumer,
        relays=[relay],
        projections=[ReviewCasesProjection(), EndorsementsProjection(), ReviewReportsProjection(),
                     ExaminationsProjection(), RegisterRetentionProjection()],
        once_per_cluster={"lapse-sweep": sweep.run_forever, "retention-sweep": retention.run_forever},
        on_pool=[bridge.attach],
        subject_keys=keys,  # mounts /internal/unseal for the services in SERVICE_PUBLIC_KEYS
    )
