"""Several replicas of a service behind the gateway: taken in turn, validated, and failed over only when safe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from gateway.config import GatewaySettings
from gateway.forwarding.proxy import Forwarder
from pydantic import ValidationError
from servicekit.identity import generate_key_pair
from servicekit.problems import Problem
from starlette.requests import Request

PRIVATE_PEM, _ = generate_key_pair()
A, B = "http://10.0.0.1:8001", "http://10.0.0.2:8001"


def settings(**values: Any) -> GatewaySettings:
    base: dict[str, Any] = {"database_url": "postgresql://gw@127.0.0.1/gw", "gateway_signing_key": PRIVATE_PEM,
                            "kafka_bootstrap_servers": "127.0.0.1:9092"}
    return GatewaySettings(**{**base, **values})


def test_a_service_url_may_list_replicas() -> None:
    configured = settings(applications_url=f" {A}/ , {B}")
    assert configured.upstream_replicas()["applications"] == (A, B)
    assert configured.upstream_urls()["applications"] == A
    assert configured.upstream_replicas()["reviews"] == ("http://127.0.0.1:8002",)


@pytest.mark.parametrize("value", [f"{A},", f"{A},ftp://x", f"{A},{A}", "http://h:port", f"{A}?x=1"])
def test_each_replica_url_is_checked(value: str) -> None:
    with pytest.raises(ValidationError):
        settings(applications_url=value)


class Replicas:
    """Fake replicas by host: each answers with its name, or fails the way it is told to."""

    def __init__(self, failures: dict[str, Exception]) -> None:
        self.failures = failures
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.seen.append(host)
        if host in self.failures:
            raise self.failures[host]
        return httpx.Response(200, text=host)


def incoming(method: str) -> Request:
    scope = {"type": "http", "method": method, "path": "/applications/x", "raw_path": b"/applications/x",
             "query_string": b"", "headers": [], "client": ("192.0.2.1", 1234)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}" if method == "POST" else b"", "more_body": False}

    return Request(scope, receive)


async def forward(replicas: Replicas, method: str, times: int = 1) -> list[str]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(replicas)) as client:
        forwarder = Forwarder(client, {"applications": (A, B)})
        answers = [await forwarder.forward(incoming(method), "applications", None) for _ in range(times)]
    return [bytes(answer.body).decode() for answer in answers]


async def test_requests_go_to_the_replicas_in_turn() -> None:
    assert await forward(Replicas({}), "GET", times=4) == ["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2"]


async def test_a_request_that_never_reached_a_replica_goes_to_the_next_whatever_its_method() -> None:
    replicas = Replicas({"10.0.0.1": httpx.ConnectError("refused")})
    assert await forward(replicas, "POST", times=2) == ["10.0.0.2", "10.0.0.2"]
    assert replicas.seen == ["10.0.0.1", "10.0.0.2", "10.0.0.2"]


async def test_a_get_that_failed_on_the_way_is_repeated_on_the_next_replica() -> None:
    replicas = Replicas({"10.0.0.1": httpx.ReadError("reset")})
    assert await forward(replicas, "GET") == ["10.0.0.2"]


async def test_a_post_that_may_have_reached_a_replica_is_not_repeated() -> None:
    replicas = Replicas({"10.0.0.1": httpx.ReadError("reset")})
    with pytest.raises(Problem) as refused:
        await forward(replicas, "POST")
    assert refused.value.status == 502
    assert replicas.seen == ["10.0.0.1"]


async def test_no_replica_reachable_is_503() -> None:
    replicas = Replicas({"10.0.0.1": httpx.ConnectError("refused"), "10.0.0.2": httpx.ConnectError("refused")})
    with pytest.raises(Problem) as refused:
        await forward(replicas, "POST")
    assert refused.value.status == 503
