"""The reviews service on the real engines: built by its composition root, run inside its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from devstack.postgres import fresh_database
from kafka import KafkaConsumer
from reviews.application import Reviews
from reviews.bootstrap import build, open_reviews
from reviews.config import ReviewsSettings, TenantCatalog, load_tenants
from servicekit.identity import Identity, issue_token
from servicekit.runtime import Service, attach
from servicekit.shredding import SubjectKeys
from servicekit.topics import ensure_topics

from .applications_twins import producer_keys, unsealer

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"


@pytest.fixture(scope="session")
def topics(kafka_bootstrap: str) -> str:
    """Every contract topic, created with its partition count (tansu would auto-create them with 4)."""
    ensure_topics(kafka_bootstrap)
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
        environment="test",  # the personal-data master key derived from the database (servicekit.settings)
        publish_v1_events=True,  # migration mode: tests compare each sealed v2 twin with its v1 event
    )


@pytest.fixture(scope="session")
def applications_keys(postgres_server_url: str) -> Iterator[SubjectKeys]:
    """The stand-in applications producer's keys: tests seal its events' v2 twins with them (`applications_twins`),
    and the service under test opens them through a `LocalUnsealer` over the same keys. One database for the whole
    session, as the broker is: a test's consumer also reads the records earlier tests published, and opens them."""
    with fresh_database(postgres_server_url, "apps") as url:
        keys = producer_keys(url)
        yield keys
        keys.close()


@pytest.fixture
def open_store(database_url: str) -> Callable[[], Reviews]:
    """Opens the event store as the service does (subject keys under the test master key), without the service."""
    store_settings = ReviewsSettings(database_url=database_url, kafka_bootstrap_servers="unused:9092",
                                     gateway_public_key="unused", environment="test")
    return lambda: open_reviews(store_settings)


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
async def running(settings: ReviewsSettings, applications_keys: SubjectKeys) -> AsyncIterator[Running]:
    """The whole service (consumer, relay, projection) as the process runs it; HTTP through ASGI. It opens the
    applications events' sealed fields with the stand-in producer's keys."""
    async with run(build(settings, unsealer=unsealer(applications_keys))) as running:
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
                account_id: UUID | None = None, name: str = "Cora Coordinator",
                email: str = "cora@itmhca.example") -> Headers:
        identity = Identity(account_id=account_id or uuid4(), tenant=tenant, roles=frozenset(roles),
                            email=email, name=name)
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


TWIN_TENANT = """
slug: twin-assoc
name: Twin Association
timezone: America/Phoenix
categories: {IFS: Infant Family Specialist, IMHS: Infant Mental Health Specialist}
review: {reviewers_per_case: 2}
renewal: {due: "12-15", removal: "02-01"}
"""
TWIN_REVIEWS = """
tenant: twin-assoc
policy: {sequential: true, blind: true, coordinator_decides_directly: false, denial_allowed: true}
categories: {IFS: {rank: 2}, IMHS: {rank: 3}}
reviewers:
  - {email: first@twin.example, name: First Reviewer, category: IMHS, trained: true, employer: North Clinic}
  - {email: second@twin.example, name: Second Reviewer, category: IMHS, trained: true, employer: South Clinic}
  - {email: novice@twin.example, name: Novice Reviewer, category: IFS, trained: false}
"""


@pytest.fixture
def two_associations(tmp_path: Path) -> TenantCatalog:
    """ITMHCA as shipped, and `twin-assoc`: two sequential blind reviewers, no direct decisions, denials allowed."""
    tenants, reviews = tmp_path / "tenants", tmp_path / "reviews"
    tenants.mkdir()
    reviews.mkdir()
    shutil.copy(TENANTS_DIR / "itmhca.yaml", tenants / "itmhca.yaml")
    shutil.copy(TENANTS_DIR.parent / "reviews" / "itmhca.yaml", reviews / "itmhca.yaml")
    (tenants / "twin-assoc.yaml").write_text(TWIN_TENANT)
    (reviews / "twin-assoc.yaml").write_text(TWIN_REVIEWS)
    return load_tenants(tenants, reviews)


Start = Callable[..., contextlib.AbstractAsyncContextManager[Running]]


@pytest.fixture
def start(settings: ReviewsSettings, applications_keys: SubjectKeys) -> Start:
    """Run the service built with other tenants, clock or settings: `async with start(tenants=...) as running`
    (opening the applications events' sealed fields with the stand-in producer's keys, unless told otherwise)."""

    def starting(*, consume: bool = True, settings_changes: dict[str, Any] | None = None,
                 **build_kwargs: Any) -> contextlib.AbstractAsyncContextManager[Running]:
        build_kwargs.setdefault("unsealer", unsealer(applications_keys))
        service = build(settings.model_copy(update=settings_changes or {}), **build_kwargs)
        if not consume:
            service.consumer = None
        return run(service)

    return starting
