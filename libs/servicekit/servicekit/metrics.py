"""Prometheus metrics of a process, served at `/metrics` in the text format (prometheus-client's default registry).

- `http_server_request_duration_seconds{route,method,status}`: request latency by route template;
- `kafka_consumer_lag{group,topic,partition}`: high watermark minus the next offset to process (tansu: the
  high watermark from the consumer's fetches, never `end_offsets`), for partitions this process consumed from;
- `outbox_backlog{relay}`: stored events the relay has not published yet;
- `kafka_dead_lettered_records_total{group}`, `webhook_delivery_failures_total`, `email_send_failures_total{kind}`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aiokafka import TopicPartition  # type: ignore[import-untyped]
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.responses import Response

if TYPE_CHECKING:
    from .outbox import OutboxRelay

log = logging.getLogger(__name__)

REQUEST_DURATION = Histogram(
    "http_server_request_duration_seconds", "HTTP request latency by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DEAD_LETTERED = Counter("kafka_dead_lettered_records", "Records this process sent to the dead-letter topic.",
                        ["group"])
WEBHOOK_FAILURES = Counter("webhook_delivery_failures", "Webhook delivery attempts that failed.")
EMAIL_FAILURES = Counter("email_send_failures", "Email send attempts that failed (transient: retried; "
                         "permanent: given up).", ["kind"])


class ConsumerLag(Collector):
    """Per partition: the consumer's last known high watermark minus the next offset to process."""

    def __init__(self) -> None:
        self._consumers: dict[str, Any] = {}
        self._positions: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def observe(self, group: str, consumer: Any, topic: str, partition: int, offset: int) -> None:
        """Record that `offset` of the partition is being processed (so `offset + 1` is the next one)."""
        with self._lock:
            self._consumers[group] = consumer
            self._positions[(group, topic, partition)] = offset + 1

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("kafka_consumer_lag", "Records not yet processed, per partition.",
                                   labels=["group", "topic", "partition"])
        with self._lock:
            positions = list(self._positions.items())
            consumers = dict(self._consumers)
        for (group, topic, partition), position in positions:
            highwater = _highwater(consumers.get(group), topic, partition)
            if highwater is not None:
                family.add_metric([group, topic, str(partition)], max(highwater - position, 0))
        yield family


def _highwater(consumer: Any, topic: str, partition: int) -> int | None:
    if consumer is None:
        return None
    try:
        value = consumer.highwater(TopicPartition(topic, partition))
    except Exception:  # noqa: BLE001 - e.g. the partition was revoked: no figure rather than a failed scrape
        return None
    return value if isinstance(value, int) else None


class OutboxBacklog(Collector):
    """Per relay: the notification log's last id minus the relay's recorded position (read at scrape time)."""

    def __init__(self) -> None:
        self._sources: dict[str, Callable[[], int]] = {}

    def watch(self, label: str, backlog: Callable[[], int]) -> None:
        self._sources[label] = backlog

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("outbox_backlog", "Stored events not yet published by the relay.",
                                   labels=["relay"])
        for label, backlog in list(self._sources.items()):
            try:
                family.add_metric([label], backlog())
            except Exception as exc:  # noqa: BLE001 - database away: the figure is missing, the scrape answers
                log.warning("outbox backlog of %s unknown: %s", label, type(exc).__name__)
        yield family


def relay_backlog(relay: OutboxRelay) -> int:
    """How many notifications `relay` has not relayed yet (its position in the broker epoch last read)."""
    scope = relay.epoch  # positions are kept per broker epoch (servicekit.epoch_scope)
    name = scope.name_last_known(relay.name) if scope is not None else relay.name
    last = relay.app.process_recorder.max_notification_id() or 0
    return max(last - relay.app.position(name), 0)


CONSUMER_LAG = ConsumerLag()
OUTBOX_BACKLOG = OutboxBacklog()
REGISTRY.register(CONSUMER_LAG)
REGISTRY.register(OUTBOX_BACKLOG)


def metrics_endpoint() -> Response:
    """`GET /metrics`: every metric of the process in Prometheus' text format. A plain `def`: the backlog reads
    the database synchronously, so it runs in the thread pool."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
