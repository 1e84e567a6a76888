"""Issue 10 item 13: one submission through the gateway is one trace across every service and through Kafka; every
process serves Prometheus metrics at /metrics and logs JSON lines that carry the trace and correlation ids.

The stack runs with OTEL_TRACES_FILE: every process appends its finished spans to that file as JSON lines (the
test exporter of servicekit.telemetry), so the test reads whole traces back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.stack import Stack, start_stack

from . import stack_client
from .stack_client import COORDINATOR, approve, eventually, login, review_case, sign_up_applicant, submit_application

SERVICES = {"gateway", "applications", "reviews", "credentials", "notifications"}
Span = dict[str, Any]


@pytest.fixture(scope="module")
def traces_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("traces") / "spans.jsonl"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, traces_file: Path) -> Iterator[Stack]:
    """The stack of tests/e2e/conftest.py, with every process exporting its spans to `traces_file`."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OTEL_TRACES_FILE", str(traces_file))  # the processes inherit it, restarted ones too
        env.delenv("LOG_FORMAT", raising=False)
        running = start_stack(tmp_path_factory.mktemp("stack"), "test")
        stack_client.MAIL_DIR = running.engines.mail_dir
        try:
            yield running
        finally:
            running.stop()


def spans(path: Path) -> list[Span]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def trace_of(path: Path, trace_id: str) -> list[Span]:
    return [span for span in spans(path) if span["trace_id"] == trace_id]


def gateway_request(path: Path, method: str, url_path_end: str) -> Span:
    """The gateway's SERVER span of the last `method` request whose path ends with `url_path_end`.

    A server span ends after the response has been sent, so the client may read the file before it is there."""

    def found() -> Span | None:
        matching = [span for span in spans(path) if span["service"] == "gateway" and span["kind"] == "SERVER"
                    and span["attributes"].get("http.request.method") == method
                    and str(span["attributes"].get("url.path", "")).endswith(url_path_end)]
        return matching[-1] if matching else None

    return eventually(found, 30, f"the gateway's span for {method} …{url_path_end}")


def linked_across_kafka(trace: list[Span]) -> list[tuple[str, str]]:
    """(producer service, consumer service) of every consumer span whose parent is a producer span."""
    by_id = {span["span_id"]: span for span in trace}
    return [(by_id[span["parent_span_id"]]["service"], span["service"]) for span in trace
            if span["kind"] == "CONSUMER" and by_id.get(span["parent_span_id"], {}).get("kind") == "PRODUCER"]


def test_one_submission_is_one_trace_across_every_service(stack: Stack, gateway: httpx.Client,
                                                          mail_dir: Path, traces_file: Path) -> None:
    _, applicant = sign_up_applicant(gateway, "Tess Trace")
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator, mail_dir=mail_dir)
    root = gateway_request(traces_file, "POST", f"/applications/{application_id}/submit")
    assert root["parent_span_id"] is None, "the gateway starts the trace of a public request"
    assert root["name"] == "POST /applications/{path:path}"

    def whole_trace() -> list[Span] | None:
        trace = trace_of(traces_file, root["trace_id"])
        complete = {span["service"] for span in trace} >= SERVICES and set(linked_across_kafka(trace)) >= {
            ("applications", "reviews"), ("applications", "notifications"), ("reviews", "credentials")}
        return trace if complete else None

    trace = eventually(whole_trace, 60, "spans of every service in the submission's trace, linked across Kafka")
    by_id = {span["span_id"]: span for span in trace}
    [server] = [s for s in trace if s["service"] == "applications" and s["kind"] == "SERVER"
                and s["attributes"].get("http.route") == "/applications/{application_id}/submit"]
    assert by_id[server["parent_span_id"]]["kind"] == "CLIENT", "the gateway's forwarded call is the parent"
    assert by_id[server["parent_span_id"]]["service"] == "gateway"
    links = linked_across_kafka(trace)
    assert ("applications", "reviews") in links, links  # ApplicationSubmitted opens the case
    assert ("applications", "notifications") in links, links
    assert ("reviews", "credentials") in links, links  # ReviewOpened, published in the same trace
    assert all(span["end"] >= span["start"] for span in trace)

    # the approval is another request, so another trace: grant -> credential -> email
    case = review_case(gateway, coordinator, application_id)
    approve(gateway, coordinator, case["id"])
    grant = gateway_request(traces_file, "POST", f"/reviews/cases/{case['id']}/approve")

    def issued() -> list[Span] | None:
        trace = trace_of(traces_file, grant["trace_id"])
        sent = {(s["service"], s["attributes"].get("messaging.destination.name")) for s in trace
                if s["kind"] == "PRODUCER"}
        consumed = {s["service"] for s in trace if s["kind"] == "CONSUMER"}
        done = ("credentials", "endorsement.credentials.v1") in sent and "notifications" in consumed
        return trace if done else None

    grant_trace = eventually(issued, 60, "the credential issued and the email queued in the approval's trace")
    assert ("reviews", "credentials") in linked_across_kafka(grant_trace)


def test_metrics_show_request_latency_outbox_backlog_and_consumer_lag(stack: Stack, gateway: httpx.Client) -> None:
    assert gateway.get("/healthz").status_code == 200
    gateway_metrics = gateway.get("/metrics")
    assert gateway_metrics.status_code == 200  # the test runs on loopback: an internal scraper
    assert gateway_metrics.headers["content-type"].startswith("text/plain")
    assert "http_server_request_duration_seconds_bucket{" in gateway_metrics.text
    assert 'route="/healthz"' in gateway_metrics.text
    assert 'outbox_backlog{relay="gateway/outbox"}' in gateway_metrics.text

    with httpx.Client(base_url=stack.url("applications"), timeout=30) as applications:
        assert applications.get("/healthz").status_code == 200
        def scrape() -> str | None:
            text = applications.get("/metrics").text
            return text if "kafka_consumer_lag{" in text else None

        text = eventually(scrape, 60, "the applications service's consumer lag")
    assert "http_server_request_duration_seconds_bucket{" in text
    assert 'route="/healthz"' in text
    assert 'outbox_backlog{relay="applications/' in text
    assert "kafka_consumer_lag{" in text
    assert "kafka_dead_lettered_records_total" in text or "kafka_dead_lettered_records" in text

    # the services' own metrics are not public: the gateway forwards no /metrics path of theirs
    assert gateway.get("/applications/metrics").status_code in (401, 404)


def test_logs_are_json_lines_with_trace_and_correlation_ids(stack: Stack, gateway: httpx.Client) -> None:
    request_id = "trace-test-request-1"
    assert gateway.get("/credentials/does-not-exist", headers={"x-request-id": request_id}).status_code == 404
    logs = {path.stem: path for path in stack.supervisor.log_dir.glob("*.log")}

    def logged() -> list[dict[str, Any]] | None:
        lines = [json.loads(line) for line in logs["credentials"].read_text(encoding="utf-8").splitlines()
                 if line.startswith("{")]
        mine = [line for line in lines if line.get("correlation_id") == request_id]
        return mine or None

    [*_, line] = eventually(logged, 30, "the credentials service's access log line of the request")
    assert line["service"] == "credentials"
    assert {"time", "level", "logger", "message", "trace_id", "span_id"} <= line.keys()
    gateway_lines = [json.loads(text) for text in logs["gateway"].read_text(encoding="utf-8").splitlines()
                     if text.startswith("{")]
    assert any(entry.get("trace_id") == line["trace_id"] for entry in gateway_lines), \
        "the gateway's log line of the same request is in the same trace"
