"""CloudEvents 1.0 Kafka binding, binary content mode: attributes in `ce_*` headers, data as the value.

The distributed-tracing extension rides along: W3C `traceparent`/`tracestate` as `ce_traceparent`/`ce_tracestate`,
optional on every record (absent on records published before tracing, and on untraced ones)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from pydantic import ValidationError

from .base import IntegrationEvent
from .events import EVENTS_BY_TYPE

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
TRACEPARENT_HEADER = "ce_traceparent"
TRACESTATE_HEADER = "ce_tracestate"

Headers = list[tuple[str, bytes]]


class UndeliverableMessage(Exception):
    """A record that no consumer can accept; `reason` goes into the dead-letter headers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class KafkaRecord:
    topic: str
    key: bytes
    value: bytes
    headers: Headers


@dataclass(frozen=True)
class Envelope:
    """A decoded CloudEvent: its attributes and the validated integration event."""

    id: str
    source: str
    type: str
    time: datetime
    event: IntegrationEvent
    traceparent: str | None = None
    """W3C trace context of whatever published the record (CloudEvents distributed-tracing extension)."""
    tracestate: str | None = None


def encode(event: IntegrationEvent, *, event_id: UUID | str, source: str, traceparent: str | None = None,
           tracestate: str | None = None) -> KafkaRecord:
    """Turn an integration event into a binary-mode CloudEvents Kafka record keyed by its aggregate id; a given
    W3C `traceparent` (and `tracestate`) travels as the distributed-tracing extension."""
    headers: Headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", str(event_id).encode()),
        ("ce_source", source.encode()),
        ("ce_type", event.type_name().encode()),
        ("ce_time", event.occurred_at.astimezone(UTC).isoformat().encode()),
        ("ce_subject", event.key.encode()),
        ("ce_tenant", event.tenant.encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    if traceparent:
        headers.append((TRACEPARENT_HEADER, traceparent.encode()))
        if tracestate:
            headers.append((TRACESTATE_HEADER, tracestate.encode()))
    value = event.model_dump_json().encode()
    return KafkaRecord(topic=event.topic, key=event.key.encode(), value=value, headers=headers)


def decode(headers: Headers | list[tuple[str, bytes | None]], value: bytes | None) -> Envelope:
    """Validate a record's CloudEvents headers and data; raise `UndeliverableMessage` with the reason."""
    attrs = _header_map(headers)
    missing = [h for h in REQUIRED_HEADERS if not attrs.get(h)]
    if missing:
        raise UndeliverableMessage(f"missing CloudEvents headers: {', '.join(missing)}")
    if attrs["ce_specversion"] != SPEC_VERSION:
        raise UndeliverableMessage(f"unsupported ce_specversion {attrs['ce_specversion']!r}")
    content_type = attrs.get("content-type", CONTENT_TYPE)
    if not content_type.startswith(CONTENT_TYPE):
        raise UndeliverableMessage(f"unsupported content-type {content_type!r}")
    event_class = EVENTS_BY_TYPE.get(attrs["ce_type"])
    if event_class is None:
        raise UndeliverableMessage(f"unknown ce_type {attrs['ce_type']!r}")
    try:
        time = datetime.fromisoformat(attrs["ce_time"])
    except ValueError:
        raise UndeliverableMessage(f"ce_time is not an RFC 3339 timestamp: {attrs['ce_time']!r}") from None
    if value is None:
        raise UndeliverableMessage("record has no value")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UndeliverableMessage(f"value is not JSON: {exc}") from None
    try:
        event = event_class.model_validate(data)
    except ValidationError as exc:
        raise UndeliverableMessage(f"{attrs['ce_type']} failed validation: {_summarise(exc)}") from None
    return Envelope(id=attrs["ce_id"], source=attrs["ce_source"], type=attrs["ce_type"], time=time, event=event,
                    traceparent=attrs.get(TRACEPARENT_HEADER) or None, tracestate=attrs.get(TRACESTATE_HEADER) or None)


def _header_map(headers: Headers | list[tuple[str, bytes | None]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, raw in headers:
        try:
            result[name] = (raw or b"").decode()
        except UnicodeDecodeError:
            raise UndeliverableMessage(f"header {name!r} is not UTF-8") from None
    return result


def _summarise(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(parts)
