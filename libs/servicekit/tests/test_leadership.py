"""Leadership on real PostgreSQL and the real broker: one replica runs a job at a time, and another takes over
when the holder dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from endorsement_contracts import APPLICATIONS
from kafka import KafkaConsumer
from servicekit.eventstore import open_application
from servicekit.leadership import Leadership, LeaseTiming, LockSession
from servicekit.topics import ensure_topics

sys.path.insert(0, str(Path(__file__).parent))
from relay_replica import SCHEMA, SOURCE, Draft, Drafts

FAST = LeaseTiming(retry_seconds=0.1, check_seconds=0.3, check_timeout_seconds=2.0)
HOLDERS = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'leader %%'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def holders(database_url: str) -> list[str]:
    """The OS pids of the processes holding an advisory lock in this database (from the lock session's name)."""
    with psycopg.connect(database_url) as conn:
        return [row[0].removeprefix("leader ") for row in conn.execute(HOLDERS).fetchall()]


def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


async def until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        await asyncio.sleep(0.02)


async def test_one_replica_runs_the_job_and_another_takes_over_when_its_session_ends(database_url: str) -> None:
    """Given two replicas competing for one job, then exactly one runs it, never both at once;
    when the leader's session is ended by the server, the other runs it within seconds."""
    running: set[str] = set()
    overlaps: list[set[str]] = []
    runs: dict[str, int] = defaultdict(int)

    def job(replica: str) -> Callable[[], Any]:
        async def run() -> None:
            if running:
                overlaps.append({*running, replica})
            running.add(replica)
            try:
                while True:
                    runs[replica] += 1
                    await asyncio.sleep(0.01)
            finally:
                running.discard(replica)

        return run

    sessions = {name: LockSession(database_url, FAST) for name in ("a", "b")}
    leaderships = {name: Leadership(session, "test/job:tick") for name, session in sessions.items()}
    tasks = [asyncio.create_task(leaderships[name].run(job(name))) for name in sessions]
    try:
        await until(lambda: len(running) == 1, 10, "a leader")
        first = next(iter(running))
        other = "b" if first == "a" else "a"
        await asyncio.sleep(1.0)  # the other keeps asking meanwhile
        assert runs[other] == 0 and not leaderships[other].held
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = %s AND datname = current_database()", (f"leader {os.getpid()}",))
        # both sessions share this test's pid: both are ended; one of them leads again, on a new session
        await until(lambda: len(running) == 1 and sum(lead.terms for lead in leaderships.values()) >= 2, 10,
                    "a new leader")
        await asyncio.sleep(0.5)
        assert not overlaps, f"two replicas ran the job at once: {overlaps}"
        assert sum(lead.held for lead in leaderships.values()) == 1
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for session in sessions.values():
            await session.close()


@pytest.fixture
def replicas(database_url: str, kafka_bootstrap: str,
             tmp_path: Path) -> Iterator[dict[int, subprocess.Popen[bytes]]]:
    """Two relay replicas as processes, by OS pid (their logs in the test's tmp_path)."""
    ensure_topics(kafka_bootstrap)
    script = Path(__file__).parent / "relay_replica.py"
    started = []
    for index in range(2):
        with (tmp_path / f"replica-{index}.log").open("wb") as log:
            started.append(subprocess.Popen([sys.executable, str(script), database_url, kafka_bootstrap],
                                            stdout=log, stderr=subprocess.STDOUT))
    try:
        yield {process.pid: process for process in started}
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def submit_rounds(app: Drafts, drafts: list[Draft], rounds: int) -> None:
    for _ in range(rounds):
        for draft in drafts:
            draft.submit()
        app.save(*drafts)


def published(bootstrap: str, keys: set[str], expect: int, timeout: float = 30) -> list[Any]:
    """Our records on the topic, in partition order, once at least `expect` are there (or the time is up)."""
    consumer = KafkaConsumer(APPLICATIONS.name, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             group_id=None, consumer_timeout_ms=500)
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found.extend(r for r in consumer if r.key.decode() in keys)
        if len(found) >= expect:
            break
    found.extend(r for r in consumer if r.key.decode() in keys)  # anything more (a duplicate) shows up too
    consumer.close()
    return found


def sequence_by_key(records: list[Any]) -> dict[str, list[int]]:
    import json

    by_key: dict[str, list[int]] = defaultdict(list)
    for record in records:
        assert dict(record.headers)["ce_source"].decode() == SOURCE
        by_key[record.key.decode()].append(json.loads(record.value)["submission_number"])
    return by_key


def test_killing_the_relay_leader_hands_over_without_duplicates_or_disorder(
    database_url: str, kafka_bootstrap: str, replicas: dict[int, subprocess.Popen[bytes]]
) -> None:
    """Given two relay replicas on one database, when events are written, then one replica holds the lock and
    every record is published once; when the holder is SIGKILLed and more events are written, then the other
    takes over and publishes them: per key, each record exactly once and in order."""
    app = open_application(Drafts, database_url, SCHEMA)
    drafts = [Draft("itmhca") for _ in range(5)]
    app.save(*drafts)
    keys = {str(draft.id) for draft in drafts}
    eventually(lambda: len(holders(database_url)) == 1, 30, "one replica taking the relay's lock")
    first = int(holders(database_url)[0])
    assert first in replicas
    submit_rounds(app, drafts, 4)
    eventually(lambda: app.position("outbox") == app.recorder.max_notification_id(), 30, "the first relay")

    replicas[first].send_signal(signal.SIGKILL)
    replicas[first].wait(10)
    submit_rounds(app, drafts, 4)
    eventually(lambda: holders(database_url) not in ([], [str(first)]), 10, "the other replica taking over")
    second = int(holders(database_url)[0])
    assert second != first and second in replicas
    eventually(lambda: app.position("outbox") == app.recorder.max_notification_id(), 30, "the second relay")

    by_key = sequence_by_key(published(kafka_bootstrap, keys, expect=5 * 8))
    assert by_key == {key: list(range(1, 9)) for key in keys}, "each record once, in order, per key"
    app.close()


def test_killing_the_leader_while_it_publishes_loses_nothing_and_keeps_order(
    database_url: str, kafka_bootstrap: str, replicas: dict[int, subprocess.Popen[bytes]]
) -> None:
    """Given two relay replicas and events written without pause, when the holder is SIGKILLed mid-stream,
    then every record reaches the topic, the first copy of each is in order per key, and a copy appears twice
    only if it was in the batch the holder had published but not yet recorded (at-least-once; ce_id dedups)."""
    app = open_application(Drafts, database_url, SCHEMA)
    drafts = [Draft("itmhca") for _ in range(5)]
    app.save(*drafts)
    keys = {str(draft.id) for draft in drafts}
    eventually(lambda: len(holders(database_url)) == 1, 30, "one replica taking the relay's lock")
    first = int(holders(database_url)[0])
    submit_rounds(app, drafts, 5)
    replicas[first].send_signal(signal.SIGKILL)
    submit_rounds(app, drafts, 5)
    eventually(lambda: app.position("outbox") == app.recorder.max_notification_id(), 30, "the second relay")

    records = published(kafka_bootstrap, keys, expect=5 * 10)
    ids = [dict(r.headers)["ce_id"].decode() for r in records]
    repeated = len(ids) - len(set(ids))
    assert repeated <= 10, "at most the one batch (10 notifications) in flight at the kill is published again"
    firsts: dict[str, list[int]] = defaultdict(list)
    seen: set[str] = set()
    for record, ce_id in zip(records, ids, strict=True):
        if ce_id not in seen:
            seen.add(ce_id)
            firsts[record.key.decode()].append(sequence_by_key([record])[record.key.decode()][0])
    assert firsts == {key: list(range(1, 11)) for key in keys}
    app.close()
