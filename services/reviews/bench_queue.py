"""Reviews queue throughput and read-model rebuild speed, on PostgreSQL (prints the figures; asserts nothing).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python services/reviews/bench_queue.py [--cases 1000] [--extra-open 2500] [--concurrency 1]

(a) Opens `--cases` ITMHCA cases through the consumer's handler (`ApplicationSubmitted`, as the broker would
    deliver it), then works each one through the HTTP API of the in-process FastAPI app (ASGI, same routes, identity
    tokens and problem handlers as the service; no broker, so no outbox relay runs): completeness, assign the
    reviewer, the reviewer accepts, recommends, the coordinator approves. Five calls per case.
(b) Opens `--extra-open` more cases so the store holds at least 10,000 events, then times
    `ProjectionRunner.rebuild()` of each review read model against a plain asyncpg `SELECT` of the same rows from
    the event store table, and against reading and decoding them through the recorder without applying them.
A fresh database is created on the server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from devstack.postgres import fresh_database
from endorsement_contracts import APPLICATIONS, ApplicationSubmitted, Person, decode, encode
from reviews.bootstrap import open_reviews_at
from reviews.config import SCHEMA, PseudonymKeys, competencies_path, load_competencies, load_tenants
from reviews.domain import review_case_id
from reviews.entrypoints.api import create_api
from reviews.entrypoints.consumer import handlers
from reviews.projections import EndorsementsProjection, ReviewCasesProjection, ReviewReportsProjection
from servicekit.clock import system_clock
from servicekit.consumer import IdempotentConsumer
from servicekit.identity import Identity, IdentityVerifier, generate_key_pair, issue_token
from servicekit.postgres import asyncpg_server_settings
from servicekit.problems import install_problem_handlers
from servicekit.projection import Projection, ProjectionRunner

CONFIG = Path(__file__).resolve().parents[2] / "config"
MENTOR = "reviewer.mentor@itmhca.example"


def open_cases(consumer: IdempotentConsumer, count: int, offset: int) -> list[UUID]:
    """`count` submissions through the consumer, each at its own offset; returns their case ids."""
    ids = []
    for n in range(count):
        event = ApplicationSubmitted(
            tenant="itmhca", occurred_at=datetime.now(UTC) - timedelta(hours=1), application_id=uuid4(),
            submission_number=1, applicant=Person(account_id=uuid4(), name=f"Applicant {offset + n}",
                                                  email=f"applicant{offset + n}@example.org"),
            category="IFS", category_name="Infant Family Specialist", rule_set_version="itmhca/IFS/2025-01-01",
        )
        record = encode(event, event_id=uuid4(), source="/services/applications")
        outcome = consumer.process(decode(record.headers, record.value),
                                   consumer.tracking_for(APPLICATIONS.name, 0, offset + n))
        assert outcome == "processed", outcome
        ids.append(review_case_id(event.application_id, 1))
    return ids


def headers(private_key: str, *, roles: tuple[str, ...], email: str, name: str) -> dict[str, str]:
    identity = Identity(account_id=uuid4(), tenant="itmhca", roles=frozenset(roles), email=email, name=name)
    return {"Authorization": f"Bearer {issue_token(identity, private_key)}"}


async def timed(label: str, call: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    started = time.perf_counter()
    count = await call()
    seconds = time.perf_counter() - started
    print(f"  {label:<44} {count:>7} events  {seconds:8.3f} s  {count / seconds:>10,.0f} events/s")
    return count, seconds


async def work_queue(api: Any, private_key: str, case_ids: list[UUID], concurrency: int) -> list[float]:
    """Five calls per case; returns each call's latency in seconds."""
    latencies: list[float] = []
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://reviews", timeout=60) as client:

        async def call(path: str, body: dict[str, Any], auth: dict[str, str]) -> None:
            started = time.perf_counter()
            response = await client.post(path, json=body, headers=auth)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text

        async def work(case_id: UUID) -> None:
            # tokens live two minutes: issue them per case
            coordinator = headers(private_key, roles=("coordinator",), email="cora@itmhca.example", name="Cora")
            mentor = headers(private_key, roles=("reviewer",), email=MENTOR, name="Mia Mentor")
            cases, assigned = f"/reviews/cases/{case_id}", f"/reviews/assignments/{case_id}"
            await call(f"{cases}/completeness", {"outcome": "complete"}, coordinator)
            await call(f"{cases}/reviewers", {"email": MENTOR}, coordinator)
            await call(f"{assigned}/accept", {}, mentor)
            await call(f"{assigned}/recommendation", {"recommendation": "endorse"}, mentor)
            await call(f"{cases}/approve", {}, coordinator)

        queue: asyncio.Queue[UUID] = asyncio.Queue()
        for case_id in case_ids:
            queue.put_nowait(case_id)

        async def worker() -> None:
            while not queue.empty():
                await work(queue.get_nowait())

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def bench(database_url: str, cases: int, extra: int, concurrency: int) -> None:
    tenants = load_tenants(CONFIG / "tenants")
    master_key = os.urandom(32)  # a fresh database
    reviews = open_reviews_at(database_url, master_key, PseudonymKeys.derived_from(master_key))
    consumer = IdempotentConsumer(reviews, group_id="bench",
                                  handlers=handlers(reviews, tenants, holdings=lambda tenant, account_id: []))
    private_key, public_key = generate_key_pair()
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10,
                                     server_settings=asyncpg_server_settings(SCHEMA))
    api = create_api(reviews, tenants, system_clock)
    install_problem_handlers(api)
    api.state.identity_verifier = IdentityVerifier(public_key)
    api.state.pool = pool
    api.state.competencies = load_competencies(competencies_path(CONFIG / "tenants", None))
    try:
        print(f"(a) {cases} queued cases, assigned and decided through the HTTP API (concurrency {concurrency})")
        started = time.perf_counter()
        case_ids = await asyncio.to_thread(open_cases, consumer, cases, 0)
        opened = time.perf_counter() - started
        print(f"  opened through the consumer handler: {opened:.2f} s ({cases / opened:,.0f} cases/s)")
        started = time.perf_counter()
        latencies = await work_queue(api, private_key, case_ids, concurrency)
        worked = time.perf_counter() - started
        latencies.sort()
        print(f"  assign + accept + recommend + decide, {len(latencies)} calls: {worked:.2f} s "
              f"({cases / worked:,.1f} cases/s, {len(latencies) / worked:,.0f} calls/s)")
        print(f"  per call: median {statistics.median(latencies) * 1000:.1f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")

        await asyncio.to_thread(open_cases, consumer, extra, cases)
        events = reviews.recorder.max_notification_id() or 0
        print(f"(b) rebuild speed over {events} stored events")
        async with pool.acquire() as conn:
            table = await conn.fetchval("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
                                        "AND table_name LIKE '%events' ORDER BY table_name LIMIT 1", SCHEMA)

        async def raw_select() -> int:
            async with pool.acquire() as conn:
                rows = await conn.fetch(f'SELECT * FROM "{SCHEMA}"."{table}" ORDER BY notification_id')
            return len(rows)

        def read_and_decode() -> int:
            count, position = 0, 1
            while batch := reviews.process_recorder.select_notifications(position, 500):
                for notification in batch:
                    reviews.mapper.to_domain_event(notification)
                count += len(batch)
                position = batch[-1].id + 1
            return count

        async def decoded() -> int:
            return await asyncio.to_thread(read_and_decode)

        await timed(f"raw asyncpg SELECT * FROM {table}", raw_select)
        await timed("recorder read + decode (no writes)", decoded)
        projections: list[Projection] = [ReviewCasesProjection(), ReviewReportsProjection(), EndorsementsProjection()]
        for projection in projections:
            runner = ProjectionRunner(reviews, pool, projection)
            await runner.setup()
            await runner.catch_up()
            await timed(f"rebuild() {projection.name}", runner.rebuild)
    finally:
        await pool.close()
        reviews.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--extra-open", type=int, default=2500, help="more opened cases, for >= 10,000 events")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with fresh_database(server, "bench") as url:
        asyncio.run(bench(url, args.cases, args.extra_open, args.concurrency))


if __name__ == "__main__":
    main()
