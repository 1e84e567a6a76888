"""OpenTelemetry traces for every process: W3C trace context over HTTP (`traceparent`) and over Kafka (the
CloudEvents distributed-tracing extension, `ce_traceparent`), and the spans servicekit makes.

Export is chosen by the environment, once per process (`configure_tracing`):
- `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set: OTLP/HTTP (batched);
- `OTEL_TRACES_FILE` set (tests): each finished span appended to that file as one JSON line;
- neither: spans are still made (logs carry their ids) but nothing is exported, so no collector is needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .logs import correlation_id
from .redaction import redact

TRACES_FILE_ENV = "OTEL_TRACES_FILE"
OTLP_ENDPOINT_ENVS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"

_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("servicekit")
_configured: list[str] = []
_lock = threading.Lock()


@dataclass(frozen=True)
class TraceContext:
    """W3C trace context as carried in headers and stored with events."""

    traceparent: str
    tracestate: str | None = None


def configure_tracing(service: str) -> None:
    """Install this process's tracer provider (idempotent: the first service name wins)."""
    with _lock:
        if _configured:
            return
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(RedactingSpanProcessor())  # first: before any exporter sees a span
        if any(os.environ.get(name) for name in OTLP_ENDPOINT_ENVS):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        traces_file = os.environ.get(TRACES_FILE_ENV)
        if traces_file:
            provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(traces_file)))
        trace.set_tracer_provider(provider)
        _configured.append(service)


class RedactingSpanProcessor(SpanProcessor):
    """Redacts emailed links' secrets from URL attributes as each span starts, whichever library made it."""

    URL_ATTRIBUTES = ("url.path", "url.full", "url.query", "http.target", "http.url")

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        attributes = span.attributes or {}
        for key in self.URL_ATTRIBUTES:
            value = attributes.get(key)
            if not isinstance(value, str):
                continue
            cleaned = redact(f"?{value}")[1:] if key == "url.query" else redact(value)  # a query without its "?"
            if cleaned != value:
                span.set_attribute(key, cleaned)


class JsonLinesSpanExporter(SpanExporter):
    """Appends each finished span to a file as one JSON object per line (one write per span: processes
    sharing the file do not interleave lines). For tests; production exports OTLP."""

    def __init__(self, path: str) -> None:
        self.path = path

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(json.dumps(span_as_dict(span), default=str) + "\n" for span in spans).encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines)
        finally:
            os.close(fd)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


def span_as_dict(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    parent = span.parent
    return {
        "service": span.resource.attributes.get("service.name"),
        "name": span.name,
        "kind": span.kind.name,
        "trace_id": trace.format_trace_id(context.trace_id) if context else None,
        "span_id": trace.format_span_id(context.span_id) if context else None,
        "parent_span_id": trace.format_span_id(parent.span_id) if parent else None,
        "start": span.start_time,
        "end": span.end_time,
        "status": span.status.status_code.name,
        "attributes": dict(span.attributes or {}),
    }


def current_trace() -> TraceContext | None:
    """The active span's context as W3C headers, None outside any span."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    if TRACEPARENT not in carrier:
        return None
    return TraceContext(carrier[TRACEPARENT], carrier.get(TRACESTATE))


def context_of(traceparent: str | None, tracestate: str | None = None) -> otel_context.Context | None:
    """The parent context a W3C `traceparent` names; None when absent or malformed (a new trace starts)."""
    if not traceparent:
        return None
    carrier = {TRACEPARENT: traceparent} | ({TRACESTATE: tracestate} if tracestate else {})
    parent = _propagator.extract(carrier)
    return parent if trace.get_current_span(parent).get_span_context().is_valid else None


def inject_http(headers: Any) -> None:
    """Add the active span's `traceparent`/`tracestate` to outgoing HTTP headers (a mutable mapping)."""
    _propagator.inject(headers)


def kafka_header(headers: Sequence[tuple[str, bytes | None]], name: str) -> str | None:
    for key, value in headers:
        if key == name and value:
            with contextlib.suppress(UnicodeDecodeError):
                return value.decode()
    return None


@contextlib.contextmanager
def consuming(topic: str, partition: int, offset: int, headers: Sequence[tuple[str, bytes | None]],
              group: str) -> Iterator[trace.Span]:
    """A CONSUMER span for one record, child of the record's `ce_traceparent`; its `ce_id` is the correlation id
    of every log line meanwhile."""
    parent = context_of(kafka_header(headers, "ce_traceparent"), kafka_header(headers, "ce_tracestate"))
    ce_id = kafka_header(headers, "ce_id")
    attributes: dict[str, str | int] = {"messaging.system": "kafka", "messaging.operation.type": "process",
                  "messaging.destination.name": topic, "messaging.destination.partition.id": str(partition),
                  "messaging.kafka.offset": offset, "messaging.consumer.group.name": group,
                  "cloudevents.event_id": ce_id or "", "cloudevents.event_type": kafka_header(headers, "ce_type") or ""}
    token = correlation_id.set(ce_id)
    try:
        with _tracer.start_as_current_span(f"process {topic}", context=parent, kind=SpanKind.CONSUMER,
                                           attributes=attributes) as span:
            yield span
    finally:
        correlation_id.reset(token)


@contextlib.contextmanager
def publishing(topic: str, parent: TraceContext | None, ce_type: str) -> Iterator[TraceContext | None]:
    """A PRODUCER span for one record, child of the trace stored with the event that caused it; yields the
    context to put in the record's `ce_traceparent` (the producer span's own)."""
    context = context_of(parent.traceparent, parent.tracestate) if parent else None
    attributes = {"messaging.system": "kafka", "messaging.operation.type": "send",
                  "messaging.destination.name": topic, "cloudevents.event_type": ce_type}
    with _tracer.start_as_current_span(f"send {topic}", context=context, kind=SpanKind.PRODUCER,
                                       attributes=attributes):
        yield current_trace()


def server_span(method: str, path: str, parent: otel_context.Context | None, request_id: str | None) -> Any:
    """A SERVER span for one HTTP request (named `METHOD route` once the route is known); the path is redacted."""
    attributes: dict[str, str] = {"http.request.method": method, "url.path": redact(path)}
    if request_id:
        attributes["http.request_id"] = request_id
    return _tracer.start_as_current_span(method, context=parent, kind=SpanKind.SERVER, attributes=attributes)


def finish_server_span(span: trace.Span, method: str, route: str, status: int) -> None:
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


def client_span(method: str, host: str, path: str) -> Any:
    """A CLIENT span for one outgoing HTTP call."""
    return _tracer.start_as_current_span(method, kind=SpanKind.CLIENT, attributes={
        "http.request.method": method, "server.address": host, "url.path": redact(path)})

