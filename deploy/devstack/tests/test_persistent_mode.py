"""`make up` mode: PostgreSQL rows and Kafka records survive restarts and SIGKILL."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psutil
import psycopg
from devstack.engines import Engines, start_engines
from devstack.testing import consume_all, produce
from devstack.topics import ensure_topics

TOPIC = "persistent-events"


def _write(engines: Engines, n: int) -> None:
    with psycopg.connect(engines.database_url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (n int PRIMARY KEY)")
        conn.execute("INSERT INTO notes VALUES (%s)", (n,))
    ensure_topics(engines.kafka_bootstrap, {TOPIC: 2})
    produce(engines.kafka_bootstrap, TOPIC, f"key-{n}".encode(), f"note {n}".encode(), [])


def _read(engines: Engines, expected: int) -> tuple[list[int], list[bytes]]:
    with psycopg.connect(engines.database_url) as conn:
        rows = [r[0] for r in conn.execute("SELECT n FROM notes ORDER BY n").fetchall()]
    records = consume_all(engines.kafka_bootstrap, TOPIC, expected=expected)
    return rows, sorted(r.value for r in records)


def _all_pids(engines: Engines) -> list[int]:
    pids = []
    for pid in engines.supervisor.pids().values():
        pids.append(pid)
        pids.extend(c.pid for c in psutil.Process(pid).children(recursive=True))
    return pids


def test_data_survives_clean_restart_and_sigkill(data_dir: Path, no_engine_env: None) -> None:
    with start_engines(data_dir, mode="up") as first:
        _write(first, 1)
        first_env = first.env()
        first_pids = _all_pids(first)
    assert not [p for p in first_pids if psutil.pid_exists(p)]

    with start_engines(data_dir, mode="up") as second:
        assert second.env() == first_env  # the same ports again
        assert _read(second, expected=1) == ([1], [b"note 1"])
        _write(second, 2)
        time.sleep(0.5)
        second.supervisor.kill("tansu", signal.SIGKILL)
        second.supervisor.kill("seaweedfs", signal.SIGKILL)

    with start_engines(data_dir, mode="up") as third:
        assert _read(third, expected=2) == ([1, 2], [b"note 1", b"note 2"])
    assert (data_dir / "logs" / "seaweedfs.log").exists()
    assert (data_dir / "postgres" / "PG_VERSION").exists()
