"""PostgreSQL connection facts in the shapes each driver wants, with every wait for the database bounded.

A request that meets a dead database must fail fast (503, see servicekit.problems), not hang:
- asyncpg pools: `asyncpg_pool_options` bounds connecting and every command;
- eventsourcing (psycopg): the pool's wait for a connection is POSTGRES_CONNECT_TIMEOUT, and its recorders
  retry a failed operation 10 times by default (10 x the wait). The recorders below retry once instead, so a
  call meets a dead database for at most about `wait_seconds`; a connection the server closed (restart) is
  still replaced transparently, since the pool checks each connection before lending it (pre-ping).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from typing import Any, TypedDict
from urllib.parse import unquote, urlparse

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
    PostgresProcessRecorder,
)
from eventsourcing.utils import retry
from psycopg import sql

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_WAIT_SECONDS = 2.0
"""Longest a call waits for a database connection before giving up (the 503 path)."""
DEFAULT_COMMAND_TIMEOUT_SECONDS = 10.0
"""Longest one asyncpg command may take (a hung server, not a slow query, is what this catches)."""
STARTUP_WAIT_SECONDS = 60.0
"""Longest a starting service waits for its database (engines starting beside it, a loaded machine) before it
exits: start-up is not a request, so it waits longer than a call does, saying why in its log."""
ATTEMPTS = 2
RETRY_WAIT_SECONDS = 0.2
_RETRIED_OPERATIONS = ("insert_events", "select_events", "select_notifications", "max_notification_id",
                       "insert_tracking", "max_tracking_id", "has_tracking_id")


def _bounded(recorder_class: type[Any], name: str) -> Any:
    """The recorder's operation without eventsourcing's 10 retries, retried ATTEMPTS times in all."""
    operation = getattr(recorder_class, name)
    unretried = getattr(operation, "__wrapped__", operation)
    return retry((InterfaceError, OperationalError), max_attempts=ATTEMPTS, wait=RETRY_WAIT_SECONDS)(unretried)


def ddl_lock_key(schema: str) -> int:
    """The advisory lock that serializes a schema's table creation: replicas starting together would race
    (`CREATE ... IF NOT EXISTS` is not safe concurrently, and eventsourcing records its migration once)."""
    return int.from_bytes(hashlib.sha256(f"{schema}/ddl".encode()).digest()[:8], "big", signed=True)


def wait_at_startup(operation: Callable[[], None], what: str, seconds: float = STARTUP_WAIT_SECONDS) -> None:
    """Run a start-up step that needs the database, again after each failure to reach it (backing off from 0.2 s
    to 2 s), until it succeeds or `seconds` have passed; then the last failure is raised. Any other error is
    raised at once."""
    deadline = time.monotonic() + seconds
    pause = 0.2
    while True:
        try:
            operation()
            return
        except (psycopg.OperationalError, OperationalError, InterfaceError) as error:
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("start-up: %s could not reach the database yet (%s); trying again in %.1f s",
                           what, type(error).__name__, pause)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


class _SerializedTableCreation:
    datastore: Any

    def create_table(self) -> None:
        wait_at_startup(self._create_table_serialized, f"creating the tables of {self.datastore.schema}")

    def _create_table_serialized(self) -> None:
        with self.datastore.get_connection() as conn, _session_lock(conn, ddl_lock_key(self.datastore.schema)):
            super().create_table()  # type: ignore[misc]


@contextlib.contextmanager
def _session_lock(conn: psycopg.Connection[Any], key: int) -> Iterator[None]:
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    conn.commit()
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        conn.commit()


class BoundedApplicationRecorder(_SerializedTableCreation, PostgresApplicationRecorder):
    """eventsourcing's application recorder, giving up on an unavailable database after ATTEMPTS tries."""


class BoundedProcessRecorder(_SerializedTableCreation, PostgresProcessRecorder):
    """eventsourcing's process recorder (events + tracking), giving up after ATTEMPTS tries."""


class SerializedAggregateRecorder(_SerializedTableCreation, PostgresAggregateRecorder):
    """eventsourcing's aggregate recorder (snapshots), its tables created one replica at a time."""


class ServicekitPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL persistence whose every recorder creates its tables one replica at a time, and
    whose new connections give up after POSTGRES_CONNECT_TIMEOUT (eventsourcing bounds only the wait for a pooled
    connection; a server whose host stopped answering held a new connection for the kernel's ~130 s)."""

    aggregate_recorder_class = SerializedAggregateRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        connect_timeout = self.env.get(self.POSTGRES_CONNECT_TIMEOUT) or "30"
        kwargs = self.datastore.pool.kwargs
        if isinstance(kwargs, dict):  # eventsourcing passes a dict
            kwargs.update(CONNECTION_TIMEOUTS, connect_timeout=int(connect_timeout))


CONNECTION_TIMEOUTS: dict[str, Any] = {
    "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    "tcp_user_timeout": 30000,
}
"""libpq settings of the event store's connections: a peer that vanished is found within about 30 s."""


for _name in _RETRIED_OPERATIONS:
    for _base, _bounded_class in ((PostgresApplicationRecorder, BoundedApplicationRecorder),
                                  (PostgresProcessRecorder, BoundedProcessRecorder)):
        if hasattr(_base, _name):
            setattr(_bounded_class, _name, _bounded(_base, _name))


def eventsourcing_env(database_url: str, schema: str, *,
                      wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS) -> dict[str, str]:
    """Environment for eventsourcing's PostgreSQL persistence, in the given schema, with bounded waits."""
    url = urlparse(database_url)
    if url.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {url.scheme!r}")
    return {
        "PERSISTENCE_MODULE": f"{__name__}:ServicekitPostgresFactory",
        "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": unquote(url.hostname or "127.0.0.1"),
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "5",
        # whole seconds only (eventsourcing parses an int); each of the ATTEMPTS waits this long at most
        "POSTGRES_CONNECT_TIMEOUT": str(max(1, math.ceil(wait_seconds / ATTEMPTS))),
        "POSTGRES_PRE_PING": "y",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:BoundedApplicationRecorder",
        "PROCESS_RECORDER_TOPIC": f"{__name__}:BoundedProcessRecorder",
        "CREATE_TABLE": "y",
    }


def ensure_schema(database_url: str, schema: str, *, wait_seconds: float = STARTUP_WAIT_SECONDS) -> None:
    """Create the service's schema if it does not exist yet: the first start-up step that needs the database, so
    it waits for it (`wait_at_startup`)."""

    def create() -> None:
        with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ddl_lock_key(schema),))
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))

    wait_at_startup(create, f"creating the schema {schema}", wait_seconds)


def asyncpg_server_settings(schema: str) -> dict[str, str]:
    """asyncpg `server_settings` that make unqualified names resolve in the service's schema."""
    return {"search_path": f"{schema},public", "application_name": schema}


class PoolTimeouts(TypedDict):
    timeout: float
    command_timeout: float


def asyncpg_pool_options(wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS,
                         command_timeout_seconds: float = DEFAULT_COMMAND_TIMEOUT_SECONDS) -> PoolTimeouts:
    """`asyncpg.create_pool` keywords that bound connecting (`timeout`) and each command (`command_timeout`)."""
    return {"timeout": wait_seconds, "command_timeout": command_timeout_seconds}
