"""The portal logs one JSON object per line, with the gateway's request id as correlation id."""

from __future__ import annotations

import json
import logging

from portal.logs import JsonFormatter


def test_a_log_line_is_one_json_object_with_the_correlation_id() -> None:
    record = logging.LogRecord("portal.access", logging.INFO, __file__, 1, "%s %s %s", ("GET", "/apply", 200), None)
    record.correlation_id = "req-1"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /apply 200"
    assert (line["service"], line["level"], line["logger"], line["correlation_id"]) == (
        "portal", "INFO", "portal.access", "req-1")
