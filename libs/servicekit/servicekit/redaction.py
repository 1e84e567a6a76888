"""No secret in any log line: single-use links' tokens and secret query parameters are redacted from every record.

Emailed links carry their secret in the path (`/references/<token>`, `/rate/<token>`, `/account/verify/<token>`,
`/account/password/reset/<token>`) or in the query (`?token=…`). They pass through uvicorn's access log, httpx's
request log and error messages. `install_log_redaction()` rewrites every log record as it is created, whichever
logger or handler it goes to, so no configuration done later (uvicorn's own) can bring the secrets back.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
SECRET_PATH = re.compile(
    r"(?P<before>^|[\s\"'(=\[]|://[^/\s\"']+)"
    r"(?P<prefix>/(?:references|rate|account/verify|account/password/reset)/)"
    r"[^/?#\s\"'\[\]]+"
)
"""A path whose segment after the prefix is a one-time secret; sub-paths (`/draft`, `/decline`) stay readable."""
SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&;](?:token|code|key|secret|signature|password|access_token)=)[^&;#\s\"']*", re.IGNORECASE
)
"""A query parameter whose value is a secret, wherever a query string appears in the text."""
QUIET_LOGGERS = ("httpx", "httpcore")
"""HTTP clients that log every request's URL at INFO: kept at WARNING."""


def redact(text: str) -> str:
    """`text` with the secrets of emailed links and secret query parameters replaced by `[redacted]`."""
    if "/" not in text and "=" not in text:
        return text
    text = SECRET_PATH.sub(lambda m: f"{m['before']}{m['prefix']}{REDACTED}", text)
    return SECRET_PARAMETER.sub(lambda m: f"{m['name']}{REDACTED}", text)


def _redact_argument(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (int, float, bytes)):
        return value
    shown = str(value)  # e.g. an httpx.URL: replaced by its redacted text only when it held a secret
    cleaned = redact(shown)
    return value if cleaned == shown else cleaned


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redacts the message, its arguments and any exception text of `record` in place."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    elif record.msg is not None and not isinstance(record.msg, (int, float)):
        record.msg = _redact_argument(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_argument(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _redact_argument(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingRecordFactory:
    """Wraps the current log record factory: every record is redacted when it is made."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


class RedactSecrets(logging.Filter):
    """The same redaction as a filter, for a handler or logger configured outside this process's factory."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_log_redaction() -> None:
    """Every log record of this process is redacted from now on; httpx and httpcore log at WARNING. Idempotent."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, RedactingRecordFactory):
        logging.setLogRecordFactory(RedactingRecordFactory(current))
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
