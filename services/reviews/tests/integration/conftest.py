"""The reviews service on the real engines: built by its composition root, run inside its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from endorsement_contracts import partition_counts
from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError
from reviews.bootstrap import build
from reviews.config import ReviewsSettings
from servicekit.identity import Identity, issue_token
from servicekit.runtime import Service, attach

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"


@pytest.fixture(scope="session")
def topics(kafka_bootstrap: str) -> str:
    """Every contract topic, created with its partition count (tansu would auto-create them with 4)."""
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    for name, partitions in partition_counts().items():
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics([NewTopic(name, partitions, 1)])
    admin.close()
    return kafka_bootstrap


@pytest.fixture
def settings(database_url: str, topics: str, gateway_keys: tuple[str, str]) -> ReviewsSettings:
    return ReviewsSettings(
        database_url=database_url,
        kafka_bootstrap_servers=topics,
        kafka_enable_idempotence=False,
        kafka_session_timeout_ms=6000,
        kafka_heartbeat_interval_ms=1000,
        kafka_fetch_max_wait_ms=20,
        gateway_public_key=gateway_keys[1],
        port=8002,
        tenants_dir=str(TENANTS_DIR),
        reviews_consumer_group=f"reviews-test-{uuid4().hex[:8]}",
    )


@dataclass
class Running:
    service: Service
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def run(service: Service) -> AsyncIterator[Running]:
    attach(service)
    async with service.api.router.lifespan_context(service.api):
        transport = httpx.ASGITransport(app=service.api)
        async with httpx.AsyncClient(transport=transport, base_url="http://reviews") as client:
            yield Running(service, client)


@pytest.fixture
async def running(settings: ReviewsSettings) -> AsyncIterator[Running]:
    """The whole service (consumer, relay, projection) as the process runs it; HTTP through ASGI."""
    async with run(build(settings)) as running:
        yield running


@pytest.fixture
async def running_api(settings: ReviewsSettings) -> AsyncIterator[Running]:
    """The service without its consumer: the session's other tests publish submissions on the shared topic,
    and API tests seed their own cases."""
    service = build(settings)
    service.consumer = None
    async with run(service) as running:
        yield running


Headers = dict[str, str]


@pytest.fixture
def auth(gateway_keys: tuple[str, str]) -> Callable[..., Headers]:
    """Headers with a gateway-signed token for an identity (a coordinator of itmhca unless told)."""

    def headers(*, roles: tuple[str, ...] = ("coordinator",), tenant: str = "itmhca",
                account_id: UUID | None = None, name: str = "Cora Coordinator") -> Headers:
        identity = Identity(account_id=account_id or uuid4(), tenant=tenant, roles=frozenset(roles),
                            email="cora@itmhca.example", name=name)
        return {"Authorization": f"Bearer {issue_token(identity, gateway_keys[0])}"}

    return headers


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 20.0, interval: float = 0.05) -> Any:
    """Poll until `check` returns something truthy; fail with the last value after `within` seconds."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


@pytest.fixture
def wait_for() -> Callable[..., Awaitable[Any]]:
    return eventually


def read_topic(bootstrap: str, topic: str, accept: Callable[[Any], bool], expect: int,
               within: float = 20.0) -> list[Any]:
    """Records of `topic` (all partitions, from the start) that `accept`, until `expect` are found."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                             consumer_timeout_ms=300)
    found: list[Any] = []
    deadline = time.monotonic() + within
    try:
        while len(found) < expect and time.monotonic() < deadline:
            found.extend(r for r in consumer if accept(r))
    finally:
        consumer.close()
    return found


@pytest.fixture
def read() -> Callable[..., list[Any]]:
    return read_topic
