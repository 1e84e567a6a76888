"""How long one event-store write waits when PostgreSQL is dead, bounded (now) against eventsourcing's defaults.

Run: `.venv/bin/python bench/database_outage.py` (starts its own embedded PostgreSQL, stops it with SIGQUIT).
Baseline: the previous settings (POSTGRES_CONNECT_TIMEOUT=10, eventsourcing's recorders: 10 tries of a 10 s
wait); it is cut off at --cap seconds. Now: servicekit.postgres (2 tries of DATABASE_TIMEOUT_SECONDS / 2).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import signal
import tempfile
import time
from pathlib import Path

from devstack.ports import PortRegistry
from devstack.postgres import start_embedded_postgres
from devstack.processes import Supervisor
from eventsourcing.domain import Aggregate, event
from servicekit.eventstore import TrackedApplication
from servicekit.postgres import ensure_schema, eventsourcing_env


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


class Notes(TrackedApplication):
    pass


def baseline_env(url: str) -> dict[str, str]:
    env = eventsourcing_env(url, "bench_outage")
    env["POSTGRES_CONNECT_TIMEOUT"] = "10"
    del env["APPLICATION_RECORDER_TOPIC"], env["PROCESS_RECORDER_TOPIC"]
    return env


def seconds_to_fail(app: Notes, cap: float) -> str:
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(app.save, Note("x"))
        try:
            future.result(timeout=cap)
        except concurrent.futures.TimeoutError:
            return f"> {cap:.0f} s (still waiting)"
        except Exception as exc:  # noqa: BLE001 - the failure is what we time
            return f"{time.monotonic() - started:.2f} s ({type(exc).__name__})"
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    return "did not fail"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=120.0, help="give up waiting for the baseline after this")
    parser.add_argument("--wait", type=float, default=2.0, help="DATABASE_TIMEOUT_SECONDS for the bounded run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outage-") as tmp:
        supervisor = Supervisor(Path(tmp) / "logs", use_watchdog=False)
        url = start_embedded_postgres(supervisor, Path(tmp) / "pgdata", PortRegistry(None).port("pg"), durable=False)
        try:
            ensure_schema(url, "bench_outage")
            bounded = Notes(env=eventsourcing_env(url, "bench_outage", wait_seconds=args.wait))
            before = Notes(env=baseline_env(url))
            bounded.save(Note("warm"))
            before.save(Note("warm"))
            supervisor.kill("postgres", signal.SIGQUIT)
            print(f"write with the database dead, bounded (DATABASE_TIMEOUT_SECONDS={args.wait:g}): "
                  f"{seconds_to_fail(bounded, args.cap)}")
            print("write with the database dead, baseline (eventsourcing defaults): "
                  f"{seconds_to_fail(before, args.cap)}")
        finally:
            supervisor.stop_all()


if __name__ == "__main__":
    main()
