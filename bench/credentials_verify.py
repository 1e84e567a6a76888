"""Measure credential verification over HTTP against a bare FastAPI endpoint, and issuing throughput.

Run: `.venv/bin/python bench/credentials_verify.py [--duration 10] [--concurrency 64] [--issue 300]`

It starts what it needs: PostgreSQL and a Kafka-protocol broker (devstack, test mode, unless DATABASE_URL /
KAFKA_BOOTSTRAP_SERVERS are set), the credentials service (`python -m credentials`, one uvicorn process,
as deployed) and a bare FastAPI app under the same uvicorn settings whose POST handler only parses the
JSON body. Both get the same request (a signed Open Badges credential, size printed) from `--concurrency`
keep-alive connections (a minimal asyncio HTTP/1.1 client in this process) for `--duration` seconds after a 2 s warm-up.
Issuing is measured in this process through the application layer: sign (eddsa-rdfc-2022) + save the
credential's events to PostgreSQL, one after another, as the grant consumer does.
Client and servers share this machine's cores, so the bare endpoint's figure is bounded by the client too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
from credentials.adapters.keyring import IssuerDirectory, build_issuer_directory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.application import CredentialsApplication
from credentials.config import TenantProfile, load_tenants
from credentials.domain.grant import EndorsementGrant, Holder
from devstack.engines import start_engines
from devstack.ports import find_free_port
from devstack.postgres import fresh_database
from devstack.processes import ChildSpec
from devstack.readiness import http_ok
from devstack.topics import ensure_topics
from endorsement_contracts import partition_counts
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.identity import generate_key_pair
from servicekit.postgres import ensure_schema, eventsourcing_env

REPO = Path(__file__).resolve().parents[1]
TENANT = "itmhca"
PUBLIC_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Sample:
    name: str
    latencies: list[float]
    errors: int
    seconds: float

    def row(self) -> str:
        ordered = sorted(self.latencies) or [float("nan")]
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rate = len(self.latencies) / self.seconds
        return f"{self.name:<34} {len(self.latencies):>9} {rate:>9.1f} {p50:>8.1f} {p99:>8.1f} {self.errors:>7}"


def bare_app() -> FastAPI:
    """The baseline: the same uvicorn, FastAPI and JSON parsing, and no verification."""
    api = FastAPI()

    @api.post("/verify")
    async def verify(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"verified": isinstance(body, dict) and "verifiableCredential" in body})

    return api


class KeepAliveConnection:
    """One HTTP/1.1 keep-alive connection sending the same POST again and again.

    A deliberately minimal client: httpx's pool itself becomes the bottleneck with 64 concurrent requests
    (measured here: ~640 req/s with 1 client, ~110 req/s with 64, against the bare endpoint).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    @classmethod
    async def open(cls, url: str, body: bytes) -> KeepAliveConnection:
        target = httpx.URL(url)
        reader, writer = await asyncio.open_connection(target.host, target.port)
        head = (f"POST {target.raw_path.decode()} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        return cls(reader, writer, head.encode() + body)

    async def post(self) -> tuple[int, bytes]:
        self.writer.write(self.request)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def load(url: str, body: bytes, *, concurrency: int, duration: float, name: str) -> Sample:
    """`concurrency` clients sending the request back to back: 2 s of warm-up, then `duration` measured."""
    connections = [await KeepAliveConnection.open(url, body) for _ in range(concurrency)]
    try:
        await phase(connections, 2.0, name)
        return await phase(connections, duration, name)
    finally:
        for connection in connections:
            await connection.close()


async def phase(connections: list[KeepAliveConnection], seconds: float, name: str) -> Sample:
    """Only 200 answers that say `verified: true` count; anything else is an error."""
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    async def client_loop(connection: KeepAliveConnection) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, answer = await connection.post()
            if status == 200 and b'"verified":true' in answer:
                latencies.append(time.perf_counter() - started)
            else:
                failures.append(f"{status}: {answer[:200]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(connection) for connection in connections))
    if failures:
        print(f"{name}: {len(failures)} failures, first: {failures[0]}", file=sys.stderr)
    return Sample(name, latencies, len(failures), time.perf_counter() - started)


def signing_setup(seed_hex: str) -> tuple[dict[str, TenantProfile], IssuerDirectory]:
    tenants = load_tenants(REPO / "config" / "tenants")
    issuers = build_issuer_directory(tenants, {TENANT: [seed_hex]}, PUBLIC_BASE_URL)
    return tenants, issuers


def a_grant(name: str) -> EndorsementGrant:
    return EndorsementGrant(
        tenant=TENANT, endorsement_id=uuid.uuid4(), holder=Holder(uuid.uuid4(), name, "bench@example.org"),
        category="IFS", category_name="Infant Family Specialist", designation=None,
        effective_date=date.today() - timedelta(days=10), renewal_date=date.today() + timedelta(days=365),
    )


def issue_throughput(database_url: str, seed_hex: str, count: int) -> str:
    """Sign + save `count` credentials through the application layer on PostgreSQL, one after another."""
    tenants, issuers = signing_setup(seed_hex)
    ensure_schema(database_url, "credentials")
    app = CredentialsApplication(eventsourcing_env(database_url, "credentials"), tenants=tenants,
                                 signer=OpenBadgeSigner(issuers), public_base_url=PUBLIC_BASE_URL)
    sign_times, save_times = [], []
    started = time.perf_counter()
    for index in range(count):
        before_sign = time.perf_counter()
        credential = app.issue(a_grant(f"Zoë Núñez {index}"))
        assert credential is not None
        before_save = time.perf_counter()
        app.save(credential)
        sign_times.append(before_save - before_sign)
        save_times.append(time.perf_counter() - before_save)
    elapsed = time.perf_counter() - started
    app.close()
    return (f"issuing (sign + save, application layer, PostgreSQL): {count} in {elapsed:.1f} s = "
            f"{count / elapsed:.1f} credentials/s; median sign {statistics.median(sign_times) * 1000:.1f} ms, "
            f"median save {statistics.median(save_times) * 1000:.1f} ms")


def a_signed_credential(seed_hex: str) -> dict[str, object]:
    tenants, issuers = signing_setup(seed_hex)
    app = CredentialsApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, tenants=tenants,
                                 signer=OpenBadgeSigner(issuers), public_base_url=PUBLIC_BASE_URL)
    credential = app.issue(a_grant("Zoë Núñez 山田"))
    assert credential is not None
    return dict(credential.document)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--issue", type=int, default=300, help="credentials issued for the issuing figure")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        import uvicorn

        uvicorn.run(bare_app(), host="127.0.0.1", port=args.serve_bare, log_level="info")
        return 0

    seed_hex = secrets.token_hex(32)
    body = json.dumps({"verifiableCredential": a_signed_credential(seed_hex)}, ensure_ascii=False).encode()
    with tempfile.TemporaryDirectory() as data_dir, start_engines(Path(data_dir), "test") as engines:
        ensure_topics(engines.kafka_bootstrap, partition_counts())
        with fresh_database(engines.database_url, "bench") as service_db, \
                fresh_database(engines.database_url, "bench") as issuing_db:
            service_port, bare_port = find_free_port(), find_free_port()
            environment = {
                "DATABASE_URL": service_db, "KAFKA_BOOTSTRAP_SERVERS": engines.kafka_bootstrap,
                "KAFKA_ENABLE_IDEMPOTENCE": "false", "GATEWAY_PUBLIC_KEY": generate_key_pair()[1],
                "PORT": str(service_port), "TENANTS_DIR": str(REPO / "config" / "tenants"),
                "CREDENTIALS_SIGNING_KEYS": json.dumps({TENANT: [seed_hex]}), "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                # capacity, not the per-client limiter, is measured: every bench connection is one client here
                "CREDENTIALS_VERIFY_RATE_PER_SECOND": "1000000", "CREDENTIALS_VERIFY_BURST": "1000000",
            }
            engines.supervisor.start(ChildSpec(
                name="credentials", argv=[sys.executable, "-m", "credentials"], env=environment, cwd=REPO,
                ready=http_ok(f"http://127.0.0.1:{service_port}/healthz"), ready_timeout=60))
            engines.supervisor.start(ChildSpec(
                name="bare-fastapi", argv=[sys.executable, __file__, "--serve-bare", str(bare_port)], cwd=REPO,
                ready=http_ok(f"http://127.0.0.1:{bare_port}/docs"), ready_timeout=30))
            verify = asyncio.run(load(f"http://127.0.0.1:{service_port}/credentials/verify", body,
                                      concurrency=args.concurrency, duration=args.duration,
                                      name="POST /credentials/verify"))
            bare = asyncio.run(load(f"http://127.0.0.1:{bare_port}/verify", body, concurrency=args.concurrency,
                                    duration=args.duration, name="bare FastAPI POST (JSON parse)"))
            engines.supervisor.stop("credentials")
            engines.supervisor.stop("bare-fastapi")
            issuing = issue_throughput(issuing_db, seed_hex, args.issue)
    print(f"\n{args.concurrency} concurrent keep-alive clients, {args.duration:.0f} s each after a 2 s warm-up, "
          f"request body {len(body)} bytes")
    print(f"{'target':<34} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(verify.row())
    print(bare.row())
    ratio = (len(verify.latencies) / verify.seconds) / max(len(bare.latencies) / bare.seconds, 1e-9)
    print(f"verify / bare throughput ratio: {ratio:.3f}")
    print(issuing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
