"""`POST /credentials/verify` under attack: the blank-node cycle is answered with a failed check, the work runs
in worker processes, each client is rate-limited (429 + Retry-After) and a saturated verifier says so (503)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest
from credentials.config import TenantProfile
from credentials.entrypoints.api import create_api
from credentials.entrypoints.rate_limit import ClientAddresses, RateLimit, TokenBuckets
from credentials.vc.pool import CanonicalizationPool
from servicekit.problems import install_problem_handlers

from .vc.test_vc_blank_nodes import blank_node_cycle
from .world import World, check


def client_for(world: World, *, rate_limit: RateLimit | None = None,
               pool: CanonicalizationPool | None = None) -> httpx.AsyncClient:
    api = create_api(world.app, world.issuers, world.checker, rate_limit=rate_limit, pool=pool)
    install_problem_handlers(api)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://credentials")


def limit(burst: int, trusted: Sequence[str] = ("127.0.0.1/32",)) -> RateLimit:
    return RateLimit(TokenBuckets(rate_per_second=0.01, burst=burst), ClientAddresses(trusted))


@pytest.fixture
async def pooled(tenants: dict[str, TenantProfile]) -> AsyncIterator[tuple[World, httpx.AsyncClient]]:
    world, pool = World(tenants), CanonicalizationPool(1, deadline_seconds=30)
    try:
        async with client_for(world, pool=pool) as client:
            yield world, client
    finally:
        pool.shutdown()


async def test_the_blank_node_cycle_is_refused_and_normal_verification_still_passes(
    pooled: tuple[World, httpx.AsyncClient],
) -> None:
    world, client = pooled
    credential = world.issue().document
    attack = blank_node_cycle(credential)  # signed by a key the service trusts, so it reaches canonicalization

    answer = await client.post("/credentials/verify", json={"verifiableCredential": attack})
    assert answer.status_code == 200
    result = answer.json()
    assert result["verified"] is False
    proof = check(result, "proof")
    assert proof["status"] == "failed" and proof["code"] == "MALFORMED"
    assert "links between blank nodes" in proof["detail"]

    normal = (await client.post("/credentials/verify", json={"verifiableCredential": credential})).json()
    assert normal["verified"] is True, normal


async def test_each_client_is_rate_limited_with_retry_after(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    body = {"verifiableCredential": world.issue().document}
    async with client_for(world, rate_limit=limit(burst=2)) as client:
        first = {"x-forwarded-for": "203.0.113.7"}  # as the gateway forwards it (the peer is a trusted proxy)
        assert [(await client.post("/credentials/verify", json=body, headers=first)).status_code
                for _ in range(2)] == [200, 200]
        refused = await client.post("/credentials/verify", json=body, headers=first)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "RATE_LIMITED" and int(refused.headers["retry-after"]) >= 1
        other = await client.post("/credentials/verify", json=body, headers={"x-forwarded-for": "198.51.100.2"})
        assert other.status_code == 200  # another client keeps its own bucket


async def test_forwarded_addresses_count_only_from_trusted_proxies(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    body = {"verifiableCredential": world.issue().document}
    async with client_for(world, rate_limit=limit(burst=1, trusted=["10.0.0.0/8"])) as client:
        assert (await client.post("/credentials/verify", json=body)).status_code == 200
        spoofed = await client.post("/credentials/verify", json=body, headers={"x-forwarded-for": "192.0.2.9"})
        assert spoofed.status_code == 429  # the peer (127.0.0.1) is no trusted proxy: its header is ignored


async def test_a_saturated_verifier_answers_503_with_retry_after(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    pool = CanonicalizationPool(1, max_pending=0)  # every slot taken
    body: dict[str, Any] = {"verifiableCredential": copy.deepcopy(world.issue().document)}
    async with client_for(world, pool=pool) as client:
        answer = await client.post("/credentials/verify", json=body)
    assert answer.status_code == 503 and answer.json()["code"] == "VERIFIER_BUSY"
    assert answer.headers["retry-after"] == "1"
