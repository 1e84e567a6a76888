"""Trace context across HTTP, the event store (outbox) and Kafka headers, and what logs and metrics show of it.
No engines: an in-memory event store, a producer that keeps what it is given, an in-memory span exporter."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from endorsement_contracts import ApplicationSubmitted, Person, decode, encode
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Mapper
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from servicekit.eventstore import TRACEPARENT_KEY, TracingMapper, TrackedApplication
from servicekit.http_telemetry import TracingTransport, install_http_telemetry
from servicekit.logs import JsonFormatter, correlation_id
from servicekit.outbox import OutboxRelay
from servicekit.telemetry import RedactingSpanProcessor, consuming, current_trace

EXPORTER = InMemorySpanExporter()
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture(scope="module", autouse=True)
def tracer_provider() -> None:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))


@pytest.fixture(autouse=True)
def spans() -> Iterator[InMemorySpanExporter]:
    EXPORTER.clear()
    yield EXPORTER


tracer = trace.get_tracer("tests")


class Draft(Aggregate):
    @event("Created")
    def __init__(self, tenant: str, name: str) -> None:
        self.tenant = tenant
        self.name = name
        self.submitted = False

    @event("Submitted")
    def submit(self) -> None:
        self.submitted = True


SUBMITTED: Any = getattr(Draft, "Submitted")  # noqa: B009 - made by @event, unknown to type checkers


class Drafts(TrackedApplication):
    pass


def memory_app() -> Drafts:
    return Drafts(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def submitted(domain_event: Any) -> ApplicationSubmitted | None:
    if not isinstance(domain_event, SUBMITTED):
        return None
    return ApplicationSubmitted(
        tenant="itmhca", occurred_at=datetime.now(UTC), application_id=domain_event.originator_id,
        submission_number=1, applicant=Person(account_id=uuid4(), name="Ana", email="ana@example.org"),
        category="IFS", category_name="Infant Family Specialist", rule_set_version="test")


class Sent:
    def get(self, timeout: float) -> None:
        return None


class KeepingProducer:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def send(self, topic: str, **record: Any) -> Sent:
        self.records.append({"topic": topic, **record})
        return Sent()

    def flush(self, timeout: float | None = None) -> None:
        return None


def ids(span: ReadableSpan) -> tuple[str, str]:
    context = span.get_span_context()
    assert context is not None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def test_cloudevents_carry_the_trace_context_as_the_distributed_tracing_extension() -> None:
    submission = submitted(SUBMITTED(originator_id=uuid4(), originator_version=2, timestamp=datetime.now(UTC)))
    assert submission is not None
    record = encode(submission, event_id=uuid4(), source="/test", traceparent=TRACEPARENT, tracestate="k=v")
    assert ("ce_traceparent", TRACEPARENT.encode()) in record.headers
    assert ("ce_tracestate", b"k=v") in record.headers
    envelope = decode(record.headers, record.value)
    assert (envelope.traceparent, envelope.tracestate) == (TRACEPARENT, "k=v")

    untraced = encode(submission, event_id=uuid4(), source="/test")
    assert not [name for name, _ in untraced.headers if name.startswith("ce_trace")]
    assert decode(untraced.headers, untraced.value).traceparent is None


def test_events_saved_in_a_span_keep_its_context_and_decode_unchanged() -> None:
    app = memory_app()
    draft = Draft(tenant="itmhca", name="Ana")
    with tracer.start_as_current_span("request") as span:
        app.save(draft)
        expected = current_trace()
    [stored] = app.recorder.select_events(draft.id)
    assert TRACEPARENT_KEY.encode() in stored.state
    mapper = app.mapper
    assert isinstance(mapper, TracingMapper)
    domain_event, context = mapper.to_domain_event_and_trace(stored)
    assert context == expected
    assert context is not None and format(span.get_span_context().span_id, "016x") in context.traceparent
    assert TRACEPARENT_KEY not in vars(domain_event)
    assert app.repository.get(draft.id).name == "Ana"


def test_events_stored_before_tracing_or_outside_any_span_decode_without_a_trace() -> None:
    app = memory_app()
    old_style: Mapper[Any] = Mapper(transcoder=app.mapper.transcoder)  # how events were stored before this mapper
    draft = Draft(tenant="itmhca", name="Bo")
    [created] = draft.collect_events()
    stored = old_style.to_stored_event(created)
    mapper = app.mapper
    assert isinstance(mapper, TracingMapper)
    domain_event, context = mapper.to_domain_event_and_trace(stored)
    assert context is None
    assert vars(domain_event) == vars(old_style.to_domain_event(stored))

    untraced = Draft(tenant="itmhca", name="Cy")
    app.save(untraced)  # no span: nothing extra is stored
    [stored_untraced] = app.recorder.select_events(untraced.id)
    assert TRACEPARENT_KEY.encode() not in stored_untraced.state


def test_the_relay_publishes_in_the_trace_of_the_request_that_saved_the_event() -> None:
    app = memory_app()
    producer = KeepingProducer()
    relay = OutboxRelay(app, submitted, producer, source="/test")  # type: ignore[arg-type]
    draft = Draft(tenant="itmhca", name="Ana")
    draft.submit()
    with tracer.start_as_current_span("POST /applications/{id}/submit") as request:
        app.save(draft)
    assert relay.run_once() == 2
    [record] = producer.records
    headers = dict(record["headers"])
    request_trace, request_span = ids(request)  # type: ignore[arg-type]
    [producer_span] = [s for s in EXPORTER.get_finished_spans() if s.kind is trace.SpanKind.PRODUCER]
    producer_trace, producer_span_id = ids(producer_span)
    assert producer_trace == request_trace
    assert producer_span.parent is not None and format(producer_span.parent.span_id, "016x") == request_span
    assert headers["ce_traceparent"].decode().startswith(f"00-{producer_trace}-{producer_span_id}-")


def test_a_consumed_record_is_processed_in_a_child_span_with_its_ce_id_as_correlation_id() -> None:
    headers = [("ce_id", b"event-1"), ("ce_type", b"ApplicationSubmitted.v1"),
               ("ce_traceparent", TRACEPARENT.encode())]
    with consuming("endorsement.applications.v1", 3, 41, headers, "reviews") as span:
        assert correlation_id.get() == "event-1"
        inside = current_trace()
    assert correlation_id.get() is None
    [finished] = EXPORTER.get_finished_spans()
    assert finished.kind is trace.SpanKind.CONSUMER
    assert ids(finished)[0] == "0af7651916cd43dd8448eb211c80319c"
    assert finished.parent is not None and format(finished.parent.span_id, "016x") == "b7ad6b7169203331"
    assert inside is not None and inside.traceparent.split("-")[2] == format(span.get_span_context().span_id, "016x")

    with consuming("endorsement.applications.v1", 0, 0, [("ce_traceparent", b"garbage")], "reviews"):
        pass
    assert EXPORTER.get_finished_spans()[-1].parent is None  # a malformed context starts a new trace


def api_with_telemetry(trust_incoming: bool) -> FastAPI:
    api = FastAPI()

    @api.get("/items/{item_id}")
    def item(item_id: str) -> dict[str, str | None]:
        log = current_trace()
        return {"id": item_id, "traceparent": log.traceparent if log else None, "correlation": correlation_id.get()}

    install_http_telemetry(api, trust_incoming=trust_incoming)
    return api


async def test_requests_are_server_spans_timed_by_route_template() -> None:
    transport = httpx.ASGITransport(app=api_with_telemetry(trust_incoming=True))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/items/42", headers={"traceparent": TRACEPARENT, "x-request-id": "req-7"})
    assert answer.json()["correlation"] == "req-7"
    [server] = EXPORTER.get_finished_spans()
    assert server.name == "GET /items/{item_id}"
    assert server.kind is trace.SpanKind.SERVER
    assert ids(server)[0] == "0af7651916cd43dd8448eb211c80319c"
    assert answer.json()["traceparent"].split("-")[2] == ids(server)[1]
    count = REGISTRY.get_sample_value("http_server_request_duration_seconds_count",
                                      {"route": "/items/{item_id}", "method": "GET", "status": "200"})
    assert count is not None and count >= 1


async def test_a_public_edge_starts_its_own_trace_and_passes_it_on() -> None:
    seen: list[httpx.Request] = []
    def upstream_answers(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    upstream = TracingTransport(httpx.MockTransport(upstream_answers))
    edge = FastAPI()

    @edge.get("/forward")
    async def forward() -> dict[str, int]:
        async with httpx.AsyncClient(transport=upstream) as client:
            return {"status": (await client.get("http://service.internal/x")).status_code}

    install_http_telemetry(edge, trust_incoming=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://test") as client:
        answer = await client.get("/forward", headers={"traceparent": TRACEPARENT})
    assert answer.json() == {"status": 204}
    by_kind = {span.kind: span for span in EXPORTER.get_finished_spans()}
    server, client_span = by_kind[trace.SpanKind.SERVER], by_kind[trace.SpanKind.CLIENT]
    assert ids(server)[0] != "0af7651916cd43dd8448eb211c80319c"  # the client's context is not trusted
    assert ids(client_span)[0] == ids(server)[0]
    assert seen[0].headers["traceparent"].startswith(f"00-{ids(client_span)[0]}-{ids(client_span)[1]}-")


def test_json_log_lines_carry_trace_and_correlation_ids_and_no_secret() -> None:
    formatter = JsonFormatter("reviews")
    token = correlation_id.set("req-9")
    try:
        with tracer.start_as_current_span("work") as span:
            record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s "%s %s"', (
                "127.0.0.1", "GET", "/references/s3cr3t-token?token=abc"), None)
            line = json.loads(formatter.format(record))
    finally:
        correlation_id.reset(token)
    assert line["service"] == "reviews" and line["level"] == "INFO" and line["logger"] == "uvicorn.access"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")
    assert line["correlation_id"] == "req-9"
    assert "s3cr3t" not in line["message"] and "abc" not in line["message"]


def test_span_url_attributes_never_hold_an_emailed_links_secret() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactingSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("tests").start_as_current_span("GET", attributes={
            "url.path": "/references/s3cr3t-token", "url.query": "token=abc&page=2"}):
        pass
    [span] = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["url.path"] == "/references/[redacted]"
    assert "abc" not in str(span.attributes["url.query"])
