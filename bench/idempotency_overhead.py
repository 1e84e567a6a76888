"""What an Idempotency-Key costs a forwarded POST, and what a replay costs, beside a POST without one.

Run: `.venv/bin/python bench/idempotency_overhead.py [--requests 300]`

It starts PostgreSQL and a Kafka-protocol broker (devstack, test mode), a small upstream service (uvicorn on a free
port, answering each POST with 201 at once) and the gateway in this process (its lifespan, driven through httpx's
ASGI transport, so no client socket is measured). One applicant sends `--requests` POST /applications one after
another, three ways, all in the same run: without the header (the baseline), each with a new key (claim + keep
the answer), and all with one key (replays). Figures are per request: median and 95th percentile, in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import uvicorn
from argon2 import PasswordHasher
from devstack.engines import start_engines
from devstack.postgres import fresh_database
from devstack.topics import ensure_topics
from endorsement_contracts import ACCOUNTS
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from gateway.bootstrap import build
from gateway.config import GatewaySettings
from servicekit.identity import generate_key_pair

REPO = Path(__file__).resolve().parents[1]
EMAIL = "bench@example.org"
PASSWORD = secrets.token_urlsafe(16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_upstream() -> tuple[str, uvicorn.Server]:
    app = FastAPI()

    @app.post("/{path:path}")
    async def created() -> JSONResponse:
        return JSONResponse({"id": str(uuid.uuid4())}, status_code=201, headers={"location": "/applications/1"})

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


async def timed(count: int, send: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    latencies = []
    for index in range(count):
        started = time.perf_counter()
        answer = await send(index)
        latencies.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 201, answer.text
    return latencies


def row(name: str, latencies: list[float]) -> str:
    p95 = statistics.quantiles(latencies, n=20)[-1]
    return f"{name:<34} median {statistics.median(latencies):6.2f} ms   p95 {p95:6.2f} ms"


async def measure(settings: GatewaySettings, count: int) -> None:
    app = build(settings, password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://gateway") as client:
        signed_up = await client.post("/auth/signup", json={"tenant": "itmhca", "email": EMAIL, "name": "Bench",
                                                            "password": PASSWORD})
        assert signed_up.status_code == 201, signed_up.text
        async with app.state.runtime.pool.acquire() as conn:
            await conn.execute("UPDATE gateway.accounts SET email_verified_at = now()")
        login = await client.post("/auth/login", json={"tenant": "itmhca", "email": EMAIL, "password": PASSWORD})
        auth = {"authorization": f"Bearer {login.json()['access_token']}"}
        body = {"category": "IFS"}

        async def plain(_: int) -> httpx.Response:
            return await client.post("/applications", json=body, headers=auth)

        async def new_key(index: int) -> httpx.Response:
            return await client.post("/applications", json=body, headers={**auth, "idempotency-key": f"k-{index}"})

        async def replay(_: int) -> httpx.Response:
            return await client.post("/applications", json=body, headers={**auth, "idempotency-key": "k-0"})

        await timed(20, plain)  # warm-up
        print(f"{count} sequential POST /applications through the gateway (in-process), same run:")
        print(row("without Idempotency-Key (baseline)", await timed(count, plain)))
        print(row("with a new key each (claim + keep)", await timed(count, new_key)))
        print(row("repeat of a kept key (replay)", await timed(count, replay)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    upstream_url, upstream = start_upstream()
    with tempfile.TemporaryDirectory() as data_dir, start_engines(Path(data_dir), "test") as engines, \
            fresh_database(engines.database_url, "bench") as database_url:
        ensure_topics(engines.kafka_bootstrap, {ACCOUNTS.name: ACCOUNTS.partitions})
        settings = GatewaySettings(
            database_url=database_url, kafka_bootstrap_servers=engines.kafka_bootstrap,
            kafka_enable_idempotence=False, gateway_signing_key=generate_key_pair()[0],
            gateway_seed_password=secrets.token_urlsafe(16), tenants_dir=REPO / "config" / "tenants",
            applications_url=upstream_url)
        asyncio.run(measure(settings, args.requests))
    upstream.should_exit = True


if __name__ == "__main__":
    main()
