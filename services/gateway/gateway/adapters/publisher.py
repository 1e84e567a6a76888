"""Publishing CloudEvents records to Kafka (kafka-python, in a worker thread), waiting for the acknowledgements."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from endorsement_contracts import KafkaRecord
from kafka import KafkaProducer

log = logging.getLogger(__name__)


class KafkaPublisher:
    """Connects on first use, so the gateway starts while the broker is away; reconnects after any failure."""

    def __init__(self, bootstrap_servers: str, *, enable_idempotence: bool, ack_timeout_seconds: float = 30,
                 client_id: str = "gateway-outbox-relay") -> None:
        self._bootstrap = [server.strip() for server in bootstrap_servers.split(",") if server.strip()]
        self._client_id = client_id
        self._idempotent = enable_idempotence
        self._ack_timeout = ack_timeout_seconds
        self._producer: KafkaProducer | None = None

    async def publish(self, records: Sequence[KafkaRecord]) -> None:
        """Return once the broker acknowledged every record (acks=all); raise otherwise."""
        await asyncio.to_thread(self._publish, list(records))

    async def close(self) -> None:
        await asyncio.to_thread(self._drop_producer)

    def _publish(self, records: list[KafkaRecord]) -> None:
        try:
            producer = self._producer or self._connect()
            deadline = time.monotonic() + self._ack_timeout  # one bound for the whole batch, not one per record
            futures = [producer.send(r.topic, key=r.key, value=r.value, headers=r.headers) for r in records]
            producer.flush(timeout=self._ack_timeout)
            for future in futures:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
        except Exception:
            self._drop_producer()
            raise

    def _connect(self) -> KafkaProducer:
        self._producer = KafkaProducer(
            bootstrap_servers=self._bootstrap,
            acks="all",
            enable_idempotence=self._idempotent,
            # Without idempotence a retried batch could overtake the next one: one request in flight keeps order.
            max_in_flight_requests_per_connection=5 if self._idempotent else 1,
            retries=5,
            linger_ms=1,
            max_block_ms=10_000,
            bootstrap_timeout_ms=5_000,  # give up soon when the broker is away: the relay tries again
            reconnect_backoff_max_ms=2_000,
            request_timeout_ms=10_000,
            client_id=self._client_id,
        )
        return self._producer

    def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=2)
            except Exception:  # closing a broken producer must not hide the first failure
                log.debug("closing the Kafka producer failed", exc_info=True)
