"""The runtime owns its relays' producers: `relay_producer(settings)` makes one, and shutting the service down
closes every relay's producer (no service closes its own), on the real database and broker."""

from __future__ import annotations

from typing import Any

import pytest
from endorsement_contracts import partition_counts
from fastapi import FastAPI
from kafka.errors import IllegalStateError
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.outbox import OutboxRelay
from servicekit.runtime import Service, attach, relay_producer
from servicekit.settings import ServiceSettings

SCHEMA = "relay_producers"
TOPIC = sorted(partition_counts())[0]


class Notes(TrackedApplication):
    pass


def nothing(_: Any) -> None:
    return None


async def test_shutting_a_service_down_closes_every_relays_producer(
        database_url: str, kafka_bootstrap: str, gateway_keys: tuple[str, str]) -> None:
    settings = ServiceSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                               kafka_enable_idempotence=False, gateway_public_key=gateway_keys[1], port=1)
    notes = open_application(Notes, database_url, SCHEMA)
    relays = [OutboxRelay(notes, nothing, relay_producer(settings), source="/test/notes", name=name)
              for name in ("first", "second")]
    assert all(relay.producer.config["bootstrap_servers"] == kafka_bootstrap.split(",") for relay in relays)
    service = Service(name="relay-producers", schema=SCHEMA, settings=settings, app=notes, api=FastAPI(),
                      relays=relays)
    attach(service)

    async with service.api.router.lifespan_context(service.api):
        for relay in relays:  # open while the service runs: it reads a contract topic's partitions (no record)
            assert relay.producer.partitions_for(TOPIC) == set(range(partition_counts()[TOPIC]))

    for relay in relays:
        with pytest.raises(IllegalStateError, match="already closed"):
            relay.producer.send(TOPIC, b"after shutdown")
