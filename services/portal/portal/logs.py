"""The portal's log lines: one JSON object per line (time, level, logger, message, service, correlation_id: the
gateway's X-Request-ID), or `LOG_FORMAT=text` for people. The portal imports no platform code, so this is its own
small formatter; the services' is `servicekit.logs`."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": "portal",
        }
        correlation = getattr(record, "correlation_id", None)
        if correlation:
            entry["correlation_id"] = correlation
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging() -> None:
    """One stderr handler for every logger of the process; run uvicorn with `log_config=None` afterwards."""
    handler = logging.StreamHandler(sys.stderr)
    text = os.environ.get("LOG_FORMAT", "json").strip().lower() == "text"
    handler.setFormatter(logging.Formatter(TEXT_FORMAT) if text else JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
