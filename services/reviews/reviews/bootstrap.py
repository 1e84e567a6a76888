"""Composition root: builds the reviews service from its settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from servicekit.clock import business_clock
from servicekit.consumer import IdempotentConsumer
from servicekit.eventstore import open_application
from servicekit.outbox import OutboxRelay, kafka_producer
from servicekit.runtime import Service

from .application import Reviews
from .competencies import competencies_path, load_competencies
from .config import EVENT_SOURCE, SCHEMA, SERVICE_NAME, ReviewsSettings, TenantCatalog, load_tenants
from .entrypoints.api import create_api
from .entrypoints.consumer import handlers
from .lapse_sweep import LapseSweep, PoolBridge, projection_candidates
from .projections import EndorsementsProjection, ReviewCasesProjection, ReviewReportsProjection
from .projections.examinations import ExaminationsProjection
from .translation import Translator


def build(settings: ReviewsSettings, *, tenants: TenantCatalog | None = None,
          clock: Callable[[], datetime] | None = None) -> Service:
    """Everything the process runs; tests call it too (then `servicekit.runtime.attach` and the lifespan).

    Business time (API decisions, the lapse sweep) is `clock`, by default the settings' (`servicekit.clock`)."""
    clock = clock or business_clock(settings)
    catalog = tenants if tenants is not None else load_tenants(settings.tenants_dir, settings.reviews_config_dir)
    competencies = load_competencies(competencies_path(settings.tenants_dir, settings.competencies_file))
    reviews = open_application(Reviews, settings.database_url, SCHEMA)
    consumer = IdempotentConsumer(
        reviews,
        group_id=settings.reviews_consumer_group,
        handlers=handlers(reviews, catalog),
    )
    producer = kafka_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)
    relay = OutboxRelay(reviews, Translator(reviews), producer, source=EVENT_SOURCE)
    bridge = PoolBridge()
    sweep = LapseSweep(reviews, catalog, projection_candidates(bridge), interval=settings.lapse_sweep_seconds,
                       clock=clock)
    api = create_api(reviews, catalog, clock)
    api.state.lapse_sweep = sweep
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
                     ExaminationsProjection()],
        background=[sweep.run_forever],
        on_pool=[bridge.attach],
    )
