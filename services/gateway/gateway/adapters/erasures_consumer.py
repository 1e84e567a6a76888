"""The gateway's consumer of `endorsement.erasures.v1` (aiokafka): every replica in one group, from the earliest
record, committing each record's offset after its effect. Effects are idempotent, so a redelivery is harmless.
Records that cannot be decoded or do not belong go to the dead-letter topic with the reason (the headers
`servicekit.subscription.dead_letter` writes), and the partition moves on. The gateway starts and serves while the
broker is away: the consumer connects in the background and retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from endorsement_contracts import DEAD_LETTER, ERASURES, Envelope, KafkaRecord, UndeliverableMessage, decode
from servicekit.telemetry import consuming

log = logging.getLogger(__name__)
STOP_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 5.0


class Publisher(Protocol):
    async def publish(self, records: Sequence[KafkaRecord]) -> None: ...


class ErasuresConsumer:
    def __init__(self, bootstrap_servers: str, group_id: str, handle: Callable[[Envelope], Awaitable[object]],
                 dead_letters: Publisher, *, retry_seconds: float = 0.5, session_timeout_ms: int = 10_000,
                 heartbeat_interval_ms: int = 3_000) -> None:
        self._bootstrap = [server.strip() for server in bootstrap_servers.split(",") if server.strip()]
        self.group_id = group_id
        self._handle = handle
        self._dead_letters = dead_letters
        self._retry_seconds = retry_seconds
        self._group_timing = {"session_timeout_ms": session_timeout_ms,
                              "heartbeat_interval_ms": heartbeat_interval_ms}
        self.consuming = False
        """True while connected to the broker with the group joined; informative only: /readyz does not wait for
        it, since the gateway serves while the broker is away."""
        self.processed = 0
        self.dead_lettered = 0

    async def run_forever(self) -> None:
        """Consume until cancelled; a broker or database failure restarts from the last committed offsets."""
        backoff = self._retry_seconds
        while True:
            consumer = AIOKafkaConsumer(
                ERASURES.name, bootstrap_servers=self._bootstrap, group_id=self.group_id,
                client_id=self.group_id, auto_offset_reset="earliest", enable_auto_commit=False,
                **self._group_timing)
            try:
                await consumer.start()
                self.consuming = True
                backoff = self._retry_seconds
                await self._consume(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the consumer must outlive any outage
                log.warning("erasures consumer failed (%s: %s); retrying in %.1f s", type(exc).__name__, exc,
                            backoff)
            finally:
                self.consuming = False
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(consumer.stop(), STOP_SECONDS)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=1000, max_records=100)
            for partition, records in batches.items():
                for record in records:
                    await self._process(record)
                    await consumer.commit({TopicPartition(partition.topic, partition.partition): record.offset + 1})

    async def _process(self, record: Any) -> None:
        headers = [(name, value or b"") for name, value in record.headers or ()]
        with consuming(record.topic, record.partition, record.offset, headers, self.group_id):
            try:
                await self._handle(decode(headers, record.value))
                self.processed += 1
            except UndeliverableMessage as exc:
                await self._dead_letter(record, headers, exc.reason)

    async def _dead_letter(self, record: Any, headers: list[tuple[str, bytes]], reason: str) -> None:
        log.warning("dead-lettering %s/%s@%s: %s", record.topic, record.partition, record.offset, reason)
        about = {"dlq_reason": reason[:2000], "dlq_source_topic": record.topic,
                 "dlq_source_partition": str(record.partition), "dlq_source_offset": str(record.offset),
                 "dlq_consumer_group": self.group_id}
        kept = [(name, value) for name, value in headers if name not in about]
        await self._dead_letters.publish([KafkaRecord(
            topic=DEAD_LETTER.name, key=record.key or b"", value=record.value or b"",
            headers=kept + [(name, value.encode()) for name, value in about.items()])])
        self.dead_lettered += 1
