"""A starting service waits for its database (bounded), instead of exiting when the first connection fails: the
engines may still be starting beside it, or a loaded machine may answer a connection late (servicekit.postgres)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import psycopg
import pytest
from eventsourcing.domain import Aggregate
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.postgres import ensure_schema, wait_at_startup


class Things(TrackedApplication):
    pass


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            end.close()


@contextmanager
def database_refusing_first(database_url: str, refused: int) -> Iterator[str]:
    """A TCP front of the database that hangs up on its first `refused` connections (a server still starting),
    then forwards; yields the URL through it."""
    url = urlparse(database_url)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen = 0

    def serve() -> None:
        nonlocal seen
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            seen += 1
            if seen <= refused:
                client.close()
                continue
            upstream = socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield url._replace(netloc=f"{url.username}@127.0.0.1:{port}").geturl()
    finally:
        listener.close()


def test_a_service_starting_before_its_database_answers_waits_and_starts(
        database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with database_refusing_first(database_url, refused=3) as late_url, caplog.at_level(logging.WARNING):
        app = open_application(Things, late_url, "startup_wait")
        try:
            app.save(Aggregate())
        finally:
            app.close()
    waits = [r.getMessage() for r in caplog.records if "could not reach the database yet" in r.getMessage()]
    assert waits and all("OperationalError" in w for w in waits), waits


def test_a_database_that_never_answers_stops_the_start_after_the_bound(caplog: pytest.LogCaptureFixture) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there
    with caplog.at_level(logging.WARNING), pytest.raises(psycopg.OperationalError):
        ensure_schema(f"postgresql://nobody@127.0.0.1:{port}/none", "never", wait_seconds=0.5)
    assert any("creating the schema never could not reach the database yet" in r.getMessage() for r in caplog.records)


def test_a_start_up_step_failing_for_another_reason_is_not_retried() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("not a connection problem")

    with pytest.raises(ValueError, match="not a connection problem"):
        wait_at_startup(broken, "a broken step")
    assert calls == [1]
