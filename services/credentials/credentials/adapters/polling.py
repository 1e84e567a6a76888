"""A background loop with its own PostgreSQL connection: runs a step until told to stop.

A step returns how much it did; the loop polls again at once while there is work and waits otherwise.
Failures (database down, a bug in one step) are logged and retried with backoff, on a new connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from credentials.webhooks.tables import connect

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0

Step = Callable[[psycopg.Connection], int]


def run_polling(name: str, database_url: str, schema: str, step: Step, stop: threading.Event,
                poll_seconds: float) -> None:
    conn: psycopg.Connection | None = None
    backoff = poll_seconds
    while not stop.is_set():
        try:
            if conn is None or conn.closed:
                conn = connect(database_url, schema)
            done = step(conn)
            backoff = poll_seconds
        except Exception:
            log.exception("%s failed; retrying in %.1f s", name, backoff)
            if conn is not None:
                conn.close()
            conn = None
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            continue
        if done == 0:
            stop.wait(poll_seconds)
    if conn is not None:
        conn.close()
