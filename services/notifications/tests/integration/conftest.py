"""Real engines for the notifications integration tests: an SMTP server that keeps messages, topics, settings."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from endorsement_contracts import IntegrationEvent, encode
from notifications.bootstrap import build
from notifications.config import NotificationsSettings
from servicekit.runtime import Service, attach
from servicekit.shredding import InvalidToken, SubjectKeys
from servicekit.topics import ensure_topics
from servicekit.unseal import UnsealRefused


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Mailbox:
    """An aiosmtpd server on a fixed port that keeps what it accepts; it can be down, and refuse recipients."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), bytes(envelope.original_content or b""))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A running SMTP server."""
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def stopped_mailbox() -> Iterator[Mailbox]:
    """An SMTP server that is down until the test starts it."""
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def topics(kafka_bootstrap: str) -> str:
    """The platform's topics, created with their partition counts; returns the bootstrap servers."""
    ensure_topics(kafka_bootstrap)
    return kafka_bootstrap


@pytest.fixture
def make_settings(
    database_url: str, gateway_keys: tuple[str, str], tenants_dir: Path,
) -> Callable[..., NotificationsSettings]:
    def make(**overrides: Any) -> NotificationsSettings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "kafka_bootstrap_servers": "127.0.0.1:1",
            "kafka_enable_idempotence": False,
            "kafka_session_timeout_ms": 6000,
            "kafka_heartbeat_interval_ms": 1000,
            "kafka_fetch_max_wait_ms": 20,
            "gateway_public_key": gateway_keys[1],
            "tenants_dir": str(tenants_dir),
            "consumer_group": f"notifications-test-{uuid4().hex[:8]}",
            "smtp_timeout_seconds": 2.0,
            "mail_poll_seconds": 0.05,
            "mail_retry_max_seconds": 0.4,
            "public_base_url": "https://endorse.example.org",
            "environment": "test",  # a master key derived per database, the fixed development rater index key
        }
        values.update(overrides)
        return NotificationsSettings(**values)

    return make


async def eventually(check: Callable[[], Any] | Callable[[], Awaitable[Any]], within: float = 20.0) -> Any:
    """Poll until `check()` returns something truthy; fail with the last value after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s (last: {result!r})")
        await asyncio.sleep(0.05)


@pytest.fixture
def wait() -> Callable[..., Awaitable[Any]]:
    return eventually


@pytest.fixture
def producer_keys(database_url: str) -> Iterator[SubjectKeys]:
    """The test producers' key store on the real PostgreSQL (their own schema of the test's database)."""
    keys = SubjectKeys(database_url, "test_producers", os.urandom(32))
    keys.setup()
    yield keys
    keys.close()


@pytest.fixture
def publish(producers: Any) -> Callable[[AIOKafkaProducer, IntegrationEvent, str], Awaitable[Any]]:
    """Publish a v1 event as its producer's relay does for this service: its sealed v2 twin, under `event_id`
    (`PersonErased`, of no sealed topic, as it is); returns the record's metadata (topic, partition, offset)."""

    async def send(client: AIOKafkaProducer, event: IntegrationEvent, event_id: str) -> Any:
        record = encode(producers.sealed(event, event_id), event_id=event_id, source="/tests/notifications")
        return await client.send_and_wait(record.topic, value=record.value, key=record.key, headers=record.headers)

    return send


class ProducersUnseal:
    """The test producers' `/internal/unseal`, in process: it opens their tokens with their keys, and refuses a token
    sealed elsewhere as they do (422 `UNSEALABLE_TOKEN`, so the record is dead-lettered). The broker is shared: the
    service also reads the records of earlier tests, sealed with keys kept in those tests' databases."""

    def __init__(self, producers: Any) -> None:
        self.local = producers.unsealer

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]:
        try:
            opened: dict[str, str | None] = await self.local.open_many(producer, tokens)
        except InvalidToken as exc:
            raise UnsealRefused(producer, "UNSEALABLE_TOKEN") from exc
        return opened


@pytest.fixture
def running(producers: Any) -> Callable[[NotificationsSettings], AbstractAsyncContextManager[Service]]:
    """Run the service as `serve()` would (lifespan: pool, projections, consumer, sender), without a port; its
    unsealer opens the test producers' tokens with their keys (`ProducersUnseal`) instead of calling them."""

    @asynccontextmanager
    async def run(settings: NotificationsSettings) -> AsyncIterator[Service]:
        service = build(settings, unsealer=ProducersUnseal(producers))
        attach(service)
        async with service.api.router.lifespan_context(service.api):
            yield service

    return run
