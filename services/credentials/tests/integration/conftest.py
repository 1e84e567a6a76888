"""The credentials service on real engines: its own database per module, the session's broker.

The broker is shared with other services' tests, so the grants published here are for a tenant of their
own, `credtest` (ITMHCA's data under another slug): other consumers reject them rather than act on them.

`running_service` starts the whole service (API, consumer, relay, projection) the way `serve()` does,
minus uvicorn: the API is reached through httpx's ASGI transport in the test's event loop.

Reviews events are published as the reviews service's relay publishes them for this service: as sealed
`endorsement.reviews.v2` twins (`ReviewsTwins`), sealed with one key store for the whole session (every module's
service reads every record on the broker, so each must be able to open them all), which the service under test
opens through a `LocalUnsealer` standing in for the reviews service's `/internal/unseal`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord, TopicPartition
from credentials.bootstrap import build
from credentials.config import CredentialsSettings
from credentials.vc.multikey import Ed25519KeyPair
from endorsement_contracts import (
    EndorsementGranted,
    Envelope,
    IntegrationEvent,
    Person,
    decode,
    encode,
    partition_counts,
)
from endorsement_contracts.events import reviews_v2
from psycopg import sql
from servicekit.identity import Identity, generate_key_pair, issue_token
from servicekit.runtime import Service, attach
from servicekit.sealed_twins import FieldPath, LocalUnsealer, TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.topics import ensure_topics
from servicekit.unseal import sealed_tokens

PLATFORM_TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"
TENANT = "credtest"
ERASURE_TENANT = "erasuretest"
"""The tenant of test_erasure, which publishes its own grants on the broker this package's modules share: a
module's service reads every record there, so each tenant that appears on the broker belongs to one module and
the webhook modules (`itmhca`) see only what they cause."""
OLD_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
NEW_KEY = Ed25519KeyPair.from_seed(bytes(range(100, 132)))
SIGNING_KEYS = {
    TENANT: [OLD_KEY.seed.hex(), NEW_KEY.private_key_multibase],
    "itmhca": [Ed25519KeyPair.from_seed(bytes(range(50, 82))).seed.hex()],
    ERASURE_TENANT: [Ed25519KeyPair.from_seed(bytes(range(150, 182))).seed.hex()],
}
PUBLIC_BASE_URL = "https://verify.example.org"
PERSONAL_DATA_MASTER_KEY = base64.b64encode(bytes(range(7, 39))).decode()
UPSTREAM_SOURCE = "/services/reviews"
SERVICE_IDENTITY_KEY = generate_key_pair()[0]
"""This service's identity key, so `build(settings)` makes its production unsealer (`UnsealClient`) as it would
with ENVIRONMENT production; the services these tests run are given a `LocalUnsealer` instead."""
REVIEWS_MASTER_KEY = bytes(range(60, 92))


@pytest.fixture(scope="session")
def kafka_topics(kafka_bootstrap: str) -> str:
    """The platform's topics, created with their partition counts before anything consumes them."""
    ensure_topics(kafka_bootstrap)
    return kafka_bootstrap


@pytest.fixture(scope="session")
def tenants_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The platform's tenant files plus `credtest` and `erasuretest`, copies of ITMHCA's."""
    directory = tmp_path_factory.mktemp("tenants")
    for source in PLATFORM_TENANTS_DIR.glob("*.yaml"):
        (directory / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    itmhca = (PLATFORM_TENANTS_DIR / "itmhca.yaml").read_text(encoding="utf-8")
    for copy in (TENANT, ERASURE_TENANT):
        (directory / f"{copy}.yaml").write_text(itmhca.replace("slug: itmhca", f"slug: {copy}"), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def module_database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database shared by one module's tests (the service runs once per module)."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = postgres_server_url.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class ReviewsTwins:
    """The reviews service's side of `endorsement.reviews.v2` in these tests: its key store and its relay's twin
    step, with a simple policy (every sealed value under `account:<applicant account id>`; for a decision, the
    account of the grant published for its endorsement, else a stand-in account)."""

    def __init__(self, keys: SubjectKeys) -> None:
        self.keys = keys
        self.sealer = TwinSealer(keys, self.subject)
        self.holders: dict[uuid.UUID, uuid.UUID] = {}
        """Endorsement id -> the holder's account, from the grants sealed so far."""

    def subject(self, event: IntegrationEvent, path: FieldPath) -> str:
        sealed: Any = event  # a grant names its applicant; every decision names its endorsement
        if hasattr(sealed, "applicant"):
            return f"account:{sealed.applicant.account_id}"
        return f"account:{self.holders.get(sealed.endorsement_id, sealed.endorsement_id)}"

    def erase(self, subject: str) -> None:
        """Erase a subject at the producer: its values travel as erased tokens from now on."""
        self.keys.destroy(subject)

    def on_wire(self, event: IntegrationEvent, event_id: uuid.UUID) -> IntegrationEvent:
        """What the reviews relay publishes for this service: the sealed v2 twin (events without one: as they are)."""
        if isinstance(event, EndorsementGranted):
            self.holders[event.endorsement_id] = event.applicant.account_id
        return self.sealer(event, event_id) or event

    def envelope(self, event: IntegrationEvent, event_id: uuid.UUID) -> tuple[Envelope, dict[str, str | None]]:
        """The record a consumer decodes for `event` and the texts its unseal step opens for it."""
        record = encode(self.on_wire(event, event_id), event_id=event_id, source=UPSTREAM_SOURCE)
        envelope = decode(record.headers, record.value)
        return envelope, {token: self.keys.open(token) for token in sealed_tokens(envelope.event)}

    def unsealer(self) -> LocalUnsealer:
        return LocalUnsealer({"reviews": self.keys})


@pytest.fixture(scope="session")
def reviews_twins(postgres_server_url: str) -> Iterator[ReviewsTwins]:
    """One reviews key store for the session, in a database of its own."""
    name = f"t_reviews_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = postgres_server_url.rpartition("/")
    keys = SubjectKeys(f"{base}/{name}", "reviews", REVIEWS_MASTER_KEY)
    keys.setup()
    yield ReviewsTwins(keys)
    keys.close()
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def make_settings(
    database_url: str, kafka_bootstrap: str, gateway_public_key: str, tenants_dir: Path
) -> CredentialsSettings:
    return CredentialsSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=False,
        kafka_session_timeout_ms=6000,
        kafka_heartbeat_interval_ms=1000,
        kafka_fetch_max_wait_ms=20,
        gateway_public_key=gateway_public_key,
        tenants_dir=str(tenants_dir),
        credentials_signing_keys=SIGNING_KEYS,  # type: ignore[arg-type]  # validated into SecretStr
        credentials_consumer_group=f"credentials-test-{uuid.uuid4().hex[:8]}",
        public_base_url=PUBLIC_BASE_URL,
        personal_data_master_key=PERSONAL_DATA_MASTER_KEY,  # type: ignore[arg-type]  # validated into SecretStr
        service_identity_key=SERVICE_IDENTITY_KEY,  # type: ignore[arg-type]  # validated into SecretStr
    )


@pytest.fixture
def settings(
    database_url: str, kafka_bootstrap: str, gateway_keys: tuple[str, str], tenants_dir: Path
) -> CredentialsSettings:
    return make_settings(database_url, kafka_bootstrap, gateway_keys[1], tenants_dir)


@dataclass
class Running:
    service: Service
    client: httpx.AsyncClient
    kafka: Kafka
    gateway_private_key: str = field(repr=False)

    def token(self, *, tenant: str = TENANT, roles: frozenset[str] = frozenset({"coordinator"})) -> str:
        identity = Identity(uuid.uuid4(), tenant, roles, "coordinator@itmhca.example", "Coordinator")
        return issue_token(identity, self.gateway_private_key)

    async def processed(self, partition: int, offset: int, within: float = 20) -> None:
        """Wait until the consumer has recorded the position after `offset` (its effects are saved)."""
        consumer = self.service.consumer
        assert consumer is not None
        name = consumer.tracking_for(self.kafka.grants_topic, partition, offset).application_name
        await eventually(lambda: self.service.app.position(name) >= offset + 1, within)

    async def relayed(self, within: float = 20) -> None:
        """Wait until the outbox relay has published every stored event."""
        app = self.service.app
        await eventually(lambda: app.position("outbox") >= (app.process_recorder.max_notification_id() or 0), within)


@pytest.fixture(scope="module")
async def running_service(
    module_database_url: str, kafka_topics: str, gateway_keys: tuple[str, str], tenants_dir: Path,
    reviews_twins: ReviewsTwins,
) -> AsyncIterator[Running]:
    settings = make_settings(module_database_url, kafka_topics, gateway_keys[1], tenants_dir)
    async with start(settings, gateway_keys[0], reviews_twins) as running:
        yield running


@contextlib.asynccontextmanager
async def start(settings: CredentialsSettings, gateway_private_key: str,
                reviews: ReviewsTwins) -> AsyncIterator[Running]:
    """The whole service on `settings`, its API reached in-process, until the block ends; it opens reviews'
    sealed fields with `reviews`' keys."""
    service = build(settings, unsealer=reviews.unsealer())
    attach(service)
    kafka = Kafka(settings.kafka_bootstrap_servers, reviews)
    async with service.api.router.lifespan_context(service.api):
        transport = httpx.ASGITransport(app=service.api)
        async with httpx.AsyncClient(transport=transport, base_url="http://credentials.test") as client:
            await eventually(lambda: service.consumer is not None and service.consumer.stats.started, 30)
            yield Running(service, client, kafka, gateway_private_key)
    for relay in service.relays:
        relay.producer.close()


async def eventually(condition: Callable[[], bool] | Callable[[], Awaitable[bool]], within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        outcome = condition()
        if outcome if isinstance(outcome, bool) else await outcome:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.05)


def grant(
    *,
    tenant: str = TENANT,
    name: str = "Ana Núñez",
    email: str = "ana.nunez@example.org",
    category: str = "IFS",
    effective: date | None = None,
    renewal: date | None = None,
) -> EndorsementGranted:
    today = datetime.now(UTC).date()
    return EndorsementGranted(
        tenant=tenant,
        occurred_at=datetime.now(UTC),
        endorsement_id=uuid.uuid4(),
        review_case_id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        applicant=Person(account_id=uuid.uuid4(), name=name, email=email),
        category=category,
        category_name="Infant Family Specialist",
        designation=None,
        effective_date=effective or today - timedelta(days=30),
        renewal_date=renewal or today + timedelta(days=365),
        granted_by=uuid.uuid4(),
    )


class Kafka:
    """Publishes grants and decisions as the reviews service would (sealed v2 twins) and reads topics from the
    beginning, without a group."""

    grants_topic = reviews_v2.EndorsementGranted.topic

    def __init__(self, bootstrap: str, reviews: ReviewsTwins) -> None:
        self.bootstrap = bootstrap
        self.reviews = reviews

    async def publish(self, event: IntegrationEvent, *, event_id: uuid.UUID | str | None = None) -> tuple[int, int]:
        """Publish one CloudEvents record (a reviews event as its sealed v2 twin); returns its (partition, offset)."""
        identifier = uuid.UUID(str(event_id)) if event_id is not None else uuid.uuid4()
        return await self.publish_as_is(self.reviews.on_wire(event, identifier), event_id=identifier)

    async def publish_as_is(self, event: IntegrationEvent, *,
                            event_id: uuid.UUID | str | None = None) -> tuple[int, int]:
        """Publish `event` unchanged (e.g. a v1 event); returns its (partition, offset)."""
        record = encode(event, event_id=event_id or uuid.uuid4(), source=UPSTREAM_SOURCE)
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=False, acks="all")
        await producer.start()
        try:
            meta = await producer.send_and_wait(record.topic, record.value, key=record.key, headers=record.headers)
        finally:
            await producer.stop()
        return meta.partition, meta.offset

    async def read(
        self, topic: str, key: str, *, expect: int = 1, within: float = 20, linger: float = 0.0
    ) -> list[ConsumerRecord[bytes, bytes]]:
        """Records of `topic` with `key`: waits for `expect` of them, then `linger` seconds for any more."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        partitions = [TopicPartition(topic, p) for p in range(partition_counts()[topic])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + within
        try:
            while time.monotonic() < deadline:
                batches = await consumer.getmany(*partitions, timeout_ms=100)
                found += [r for records in batches.values() for r in records if r.key == key.encode()]
                if len(found) >= expect:
                    deadline = min(deadline, time.monotonic() + linger)
        finally:
            await consumer.stop()
        return found


def headers_of(record: Any) -> dict[str, str]:
    return {name: (value or b"").decode() for name, value in record.headers}
