"""The blank-node attack on `POST /credentials/verify` (issue 10, item 5), before and after the fix.

Run: `.venv/bin/python bench/verify_blank_nodes.py [--attackers 16] [--duration 5]`

Needs no engine: the credentials service's core runs in memory (the unit tests' `World`: tenant data, keys,
status lists) and its real HTTP route (`create_api`) is called through httpx's ASGI transport, in this process's
event loop, as uvicorn would run it (one event loop, verification in threads).
1. One verification of the attack document (6 alike blank nodes referencing each other, ~5.3 KB, signed by a
   key the service trusts so that it reaches canonicalization): *before* = canonicalizing it directly with pyld
   (RDFC-1.0, no bound, no time budget), *after* = the service's path (bounds, then the worker pool).
2. Normal-verification latency alone, then while `--attackers` clients post the attack document in a loop:
   *before* = the old route (canonicalization in the request's thread, no blank-node bound: limits lifted),
   *after* = the service's route (bounds + 2 worker processes). Each beside its baseline from the same run.
   The rate limit is off here (every request comes from this one client); it is tested separately.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "services" / "credentials" / "tests" / "unit"))
sys.path.insert(0, str(REPO / "services" / "credentials" / "tests"))

from credentials.config import load_tenants  # noqa: E402
from credentials.entrypoints.api import create_api  # noqa: E402
from credentials.vc import blank_nodes, jsonld_processor  # noqa: E402
from credentials.vc.loader import DEFAULT_LOADER  # noqa: E402
from credentials.vc.pool import CanonicalizationPool  # noqa: E402
from pyld import jsonld  # type: ignore[import-untyped, unused-ignore]  # noqa: E402
from servicekit.problems import install_problem_handlers  # noqa: E402
from unit.vc.test_vc_blank_nodes import blank_node_cycle  # noqa: E402
from unit.world import World  # noqa: E402

LIFTED = {"MAX_BLANK_NODES": 10**9, "MAX_BLANK_NODE_EDGES": 10**9, "MAX_N_DEGREE_WORK": 10**12}


def pyld_canonicalize(document: dict[str, Any]) -> float:
    """Seconds pyld alone takes to canonicalize `document` (the old path, without any budget)."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {**jsonld_processor._options(DEFAULT_LOADER), "algorithm": "URDNA2015", "format": "application/n-quads"}
    started = time.perf_counter()
    jsonld.JsonLdProcessor().normalize(unsecured, options)
    return time.perf_counter() - started


BUSY: list[int] = [0]  # 503 VERIFIER_BUSY answers, counted apart from the latencies


async def post(client: httpx.AsyncClient, document: dict[str, Any]) -> float:
    started = time.perf_counter()
    answer = await client.post("/credentials/verify", json={"verifiableCredential": document})
    assert answer.status_code in (200, 503), answer.text
    BUSY[0] += answer.status_code == 503
    return time.perf_counter() - started


async def latencies(client: httpx.AsyncClient, document: dict[str, Any], duration: float) -> list[float]:
    found: list[float] = []
    until = time.perf_counter() + duration
    while time.perf_counter() < until:
        found.append(await post(client, document))
        await asyncio.sleep(0.02)
    return found


async def under_attack(client: httpx.AsyncClient, normal: dict[str, Any], attack: dict[str, Any],
                       attackers: int, duration: float) -> tuple[list[float], list[float], int]:
    BUSY[0] = 0
    stop = asyncio.Event()
    attack_times: list[float] = []

    async def attacker() -> None:
        while not stop.is_set():
            attack_times.append(await post(client, attack))

    tasks = [asyncio.create_task(attacker()) for _ in range(attackers)]
    await asyncio.sleep(0.2)
    found = await latencies(client, normal, duration)
    stop.set()
    await asyncio.gather(*tasks)
    return found, attack_times, len(attack_times)


def describe(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms (n={len(ordered)})"


async def run_mode(name: str, world: World, pool: CanonicalizationPool | None, normal: dict[str, Any],
                   attack: dict[str, Any], args: argparse.Namespace) -> None:
    api = create_api(world.app, world.issuers, world.checker, pool=pool)
    install_problem_handlers(api)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://credentials",
                                 timeout=60) as client:
        await post(client, normal)  # warm-up (starts the pool's workers)
        one_attack = await post(client, attack)
        baseline = await latencies(client, normal, args.duration)
        during, attack_times, count = await under_attack(client, normal, attack, args.attackers, args.duration)
    print(f"[{name}] one attack verification over HTTP: {one_attack * 1000:.1f} ms")
    print(f"[{name}] normal verification alone           : {describe(baseline)}")
    print(f"[{name}] normal verification, {args.attackers} attackers : {describe(during)}")
    print(f"[{name}] attack requests answered during load : {count} ({describe(attack_times)}); "
          f"503 VERIFIER_BUSY answers under load: {BUSY[0]}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attackers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    world = World(load_tenants(REPO / "config" / "tenants"))
    normal = world.issue().document
    attack = blank_node_cycle(normal)
    print(f"attack document: {len(httpx.Request('POST', 'http://x', json=attack).content)} bytes")

    before = pyld_canonicalize(attack)
    pool = CanonicalizationPool(args.workers, deadline_seconds=30)
    from credentials.verification import verify_presented

    started = time.perf_counter()
    result = await asyncio.to_thread(verify_presented, attack, {}, issuer_resolver=world.issuers.resolve,
                                     status_check=world.checker, clock=lambda: world.now, hasher=pool.hash_data)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    result = await asyncio.to_thread(verify_presented, attack, {}, issuer_resolver=world.issuers.resolve,
                                     status_check=world.checker, clock=lambda: world.now, hasher=pool.hash_data)
    after = time.perf_counter() - started
    proof = next(check for check in result["checks"] if check["check"] == "proof")
    print(f"one attack canonicalization, before (pyld directly)   : {before * 1000:8.1f} ms")
    print(f"one attack verification, after (service path, pool)   : {after * 1000:8.1f} ms "
          f"(first, starting the workers: {cold * 1000:.0f} ms) -> {proof['status']} {proof.get('code')}: "
          f"{proof.get('detail')}")

    saved = {name: getattr(blank_nodes, name) for name in LIFTED}
    for name, value in LIFTED.items():
        setattr(blank_nodes, name, value)
    try:
        await run_mode("before", world, None, normal, attack, args)
    finally:
        for name, value in saved.items():
            setattr(blank_nodes, name, value)
    try:
        await run_mode("after", world, pool, normal, attack, args)
    finally:
        pool.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
