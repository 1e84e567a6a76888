"""Fixtures for integration tests on the real engines: the service built by `bootstrap.build`, tokens, topics."""

from __future__ import annotations

import base64
import os
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from applications.bootstrap import build
from applications.config import ApplicationsSettings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from devstack.postgres import fresh_database
from endorsement_contracts import APPLICATIONS, Topic
from kafka import KafkaConsumer, TopicPartition
from sealed_reviews import ReviewsFeed, unsealer
from servicekit.identity import Identity, issue_token
from servicekit.runtime import Service, attach
from servicekit.service_identity import ServiceTokenSigner, public_key_text
from servicekit.shredding import SubjectKeys
from servicekit.topics import ensure_topics

REPO_TENANTS = Path(__file__).resolve().parents[4] / "config" / "tenants"
REPO_RULESETS = REPO_TENANTS.parent / "rulesets"
REFERENCE_LINK_KEY = "test-reference-link-key-0123456789abcdef"
PERSONAL_DATA_MASTER_KEY = base64.b64encode(b"applications-test-master-key-32b").decode()
RATER_INDEX_KEY = base64.b64encode(b"applications-test-rater-index-32").decode()
SERVICE_IDENTITY_KEY = Ed25519PrivateKey.generate()
"""Applications' own identity (it signs its calls to other services' `/internal/unseal`)."""
UNSEAL_CALLER = Ed25519PrivateKey.generate()
"""The identity of `notifications`, the one caller SERVICE_PUBLIC_KEYS lets open applications' tokens here."""
SECOND_TENANT = """
slug: lakes-aimh
name: Great Lakes Association for Infant Mental Health
categories:
  ECFA: Early Childhood Family Associate
  ECMHS: Early Childhood Mental Health Specialist
"""


@pytest.fixture(scope="session")
def tenants_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's tenant file plus a second association, to show a new file needs no code change."""
    folder = tmp_path_factory.mktemp("tenants")
    shutil.copy(REPO_TENANTS / "itmhca.yaml", folder / "itmhca.yaml")
    (folder / "lakes-aimh.yaml").write_text(SECOND_TENANT, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def rulesets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's rule sets, plus the second association's: two Alliance templates copied, no code."""
    folder = tmp_path_factory.mktemp("rulesets") / "rulesets"
    shutil.copytree(REPO_RULESETS, folder)
    (folder / "lakes-aimh").mkdir()
    for name in ("ECFA.yaml", "ECMHS.yaml"):
        shutil.copy(folder / "_alliance" / name, folder / "lakes-aimh" / name)
    return folder


@pytest.fixture(scope="session")
def topics(kafka_bootstrap: str) -> str:
    """Every contract topic, created explicitly with its partition count (tansu would auto-create 4)."""
    ensure_topics(kafka_bootstrap)
    return kafka_bootstrap


@pytest.fixture
def settings(database_url: str, topics: str, gateway_keys: tuple[str, str], tenants_dir: Path,
             rulesets_dir: Path) -> ApplicationsSettings:
    return ApplicationsSettings(
        database_url=database_url,
        kafka_bootstrap_servers=topics,
        kafka_enable_idempotence=False,
        gateway_public_key=gateway_keys[1],
        port=8001,
        tenants_dir=str(tenants_dir),
        rulesets_dir=str(rulesets_dir),
        applications_consumer_group=f"applications-test-{uuid4().hex[:8]}",  # each test reads the topics afresh
        kafka_session_timeout_ms=6000,
        kafka_heartbeat_interval_ms=1000,
        kafka_fetch_max_wait_ms=20,
        reference_link_key=REFERENCE_LINK_KEY,
        public_base_url="https://endorse.example",
        personal_data_master_key=PERSONAL_DATA_MASTER_KEY,  # type: ignore[arg-type]  # validated into SecretStr
        rater_index_key=RATER_INDEX_KEY,  # type: ignore[arg-type]
        service_identity_key=pem(SERVICE_IDENTITY_KEY),  # type: ignore[arg-type]
        service_public_keys=f"notifications={public_key_text(UNSEAL_CALLER)}",
        publish_v1_events=True,  # migration mode: tests compare each sealed v2 twin with its v1 event
    )


@pytest.fixture
def unseal_caller() -> ServiceTokenSigner:
    """Signs as `notifications`, which the settings' SERVICE_PUBLIC_KEYS let call this service's `/internal/unseal`."""
    return ServiceTokenSigner("notifications", UNSEAL_CALLER)


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode("ascii")


@pytest.fixture(scope="session")
def reviews_keys(postgres_server_url: str) -> Iterator[SubjectKeys]:
    """Stand-ins for the reviews service's keys: the reviews events the tests publish are sealed with them and the
    consumer opens them with them (`sealed_reviews.unsealer`). One database for the session, because the broker
    is the session's: a test's consumer reads the records of earlier tests too, and must open them."""
    with fresh_database(postgres_server_url, "reviewskeys") as url:
        keys = SubjectKeys(url, "reviews", os.urandom(32))
        keys.setup()
        try:
            yield keys
        finally:
            keys.close()


@pytest.fixture
def reviews(topics: str, reviews_keys: SubjectKeys) -> ReviewsFeed:
    """Publishes reviews events as the reviews relay does: sealed v2 twins on `endorsement.reviews.v2`."""
    return ReviewsFeed(topics, reviews_keys)


@dataclass
class Person:
    """Someone calling the API with a gateway-signed token."""

    tenant: str
    roles: frozenset[str]
    private_key: str
    account_id: UUID = field(default_factory=uuid4)
    name: str = "Dana Reyes"
    email: str = "dana@example.org"

    @property
    def headers(self) -> dict[str, str]:
        identity = Identity(account_id=self.account_id, tenant=self.tenant, roles=self.roles, email=self.email,
                            name=self.name)
        return {"Authorization": f"Bearer {issue_token(identity, self.private_key)}"}


@pytest.fixture
def person(gateway_keys: tuple[str, str]) -> Callable[..., Person]:
    def make(tenant: str = "itmhca", *roles: str, **fields: Any) -> Person:
        fields.setdefault("private_key", gateway_keys[0])
        return Person(tenant=tenant, roles=frozenset(roles or ("applicant",)), **fields)

    return make


@dataclass
class Running:
    service: Service
    http: httpx.AsyncClient

    async def catch_up(self) -> None:
        for runner in self.service.api.state.projections:
            await runner.catch_up()


@pytest.fixture
async def running(settings: ApplicationsSettings, reviews_keys: SubjectKeys,
                  request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    """The service as `python -m applications` builds it, with its lifespan (pool, relay, projections) running.

    The Kafka consumer of the reviews topic runs only for tests marked `consumes_reviews`: joining a consumer
    group takes seconds on the broker, and most tests drive the HTTP API and the relay only. It opens the sealed
    reviews records with `reviews_keys` (a `LocalUnsealer` in place of the reviews service's `/internal/unseal`)."""
    service = build(settings, unsealer=unsealer(reviews_keys))
    if request.node.get_closest_marker("consumes_reviews") is None:
        service = replace(service, consumer=None)
    attach(service)
    async with service.api.router.lifespan_context(service.api):
        transport = httpx.ASGITransport(app=service.api)
        async with httpx.AsyncClient(transport=transport, base_url="http://applications") as http:
            yield Running(service, http)


@pytest.fixture
def read_records() -> Callable[..., list[Any]]:
    return _read_records


def _read_records(bootstrap: str, key: str, *, count: int, timeout: float = 15.0, topic: Topic = APPLICATIONS,
                  ) -> list[Any]:
    """The records on the applications topic (or `topic`) keyed `key`, read from the start by a plain kafka-python
    consumer."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=500,
                             client_id="applications-tests-reader")
    partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                found.extend(r for r in batch if r.key == key.encode())
    finally:
        consumer.close()
    return found
