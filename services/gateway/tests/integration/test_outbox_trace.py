"""Account events join the trace of the request that wrote them: `ce_traceparent` on the broker's records."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from .conftest import Gateway
from .test_outbox import eventually_published, header, read_topic

EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def tracer_provider() -> None:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))


def trace_id(traceparent: str) -> str:
    return traceparent.split("-")[1]


async def test_sign_up_records_carry_the_trace_of_the_sign_up_request(gateway: Gateway, kafka_bootstrap: str) -> None:
    """Given a sign-up through the gateway, then its outbox rows keep the request's trace context, and the
    records on the broker carry a `ce_traceparent` in that trace (a producer span, child of the request's)."""
    EXPORTER.clear()
    account = await gateway.sign_up("traced@example.org", verified=False)
    request_spans = [s for s in EXPORTER.get_finished_spans() if s.name == "POST /auth/signup"]
    assert len(request_spans) == 1
    context = request_spans[0].get_span_context()
    assert context is not None
    request_trace = f"{context.trace_id:032x}"
    pool = gateway.app.state.runtime.pool
    await eventually_published(pool)
    async with pool.acquire() as conn:
        stored = await conn.fetch("SELECT traceparent FROM gateway.outbox WHERE payload IS NULL AND traceparent"
                                  " LIKE '%' || $1 || '%'", request_trace)
    assert len(stored) == 2, "both sign-up rows keep the request's trace"
    found = await asyncio.to_thread(read_topic, kafka_bootstrap, lambda r: r.key == account["id"].encode(), 2)
    assert {trace_id(header(r, "ce_traceparent")) for r in found} == {request_trace}
    producers = {f"{s.context.span_id:016x}" for s in EXPORTER.get_finished_spans()
                 if s.kind is trace.SpanKind.PRODUCER and s.context is not None}
    assert {header(r, "ce_traceparent").split("-")[2] for r in found} <= producers
