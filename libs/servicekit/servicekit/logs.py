"""Process logging: one JSON object per line (time, level, logger, message, service, trace_id, span_id,
correlation_id), or `LOG_FORMAT=text` for people. Secrets are redacted from every record (`redaction`)."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

from .redaction import install_log_redaction, redact

LOG_FORMAT_ENV = "LOG_FORMAT"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
"""The request id (HTTP) or `ce_id` (Kafka record) being handled: set by servicekit's middleware and consumer."""


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; trace ids come from the span active where the record is logged."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "service": self.service,
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = trace.format_trace_id(span.trace_id)
            entry["span_id"] = trace.format_span_id(span.span_id)
        correlation = correlation_id.get()
        if correlation:
            entry["correlation_id"] = correlation
        if record.exc_info:
            entry["exception"] = redact(record.exc_text or self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, *, level: int = logging.INFO) -> None:
    """Route every logger of the process to one stderr handler, JSON unless LOG_FORMAT=text; idempotent.

    Run uvicorn with `log_config=None` afterwards, so its loggers (access log included) propagate here."""
    install_log_redaction()
    handler = logging.StreamHandler(sys.stderr)
    text = os.environ.get(LOG_FORMAT_ENV, "json").strip().lower() == "text"
    handler.setFormatter(logging.Formatter(TEXT_FORMAT) if text else JsonFormatter(service))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
