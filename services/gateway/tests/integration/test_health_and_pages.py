"""Aggregated /healthz and the OpenAPI document."""

from __future__ import annotations

from .conftest import FakeService, Gateway, MakeGateway, free_port

Upstreams = dict[str, FakeService]


async def test_health_is_ok_when_everything_is(gateway: Gateway) -> None:
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {"gateway", "applications", "reviews", "credentials", "notifications"}
    assert all(check["status"] == "ok" for check in body["services"].values())
    assert body["outbox"]["pending"] >= 0


async def test_health_names_a_service_that_is_down(make_gateway: MakeGateway, upstreams: Upstreams) -> None:
    gateway = await make_gateway(notifications_url=f"http://127.0.0.1:{free_port()}")
    upstreams["reviews"].healthy = False
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert body["code"] == "NOT_READY" and set(body["failing"]) == {"notifications", "reviews"}
    assert body["services"]["notifications"] == {"status": "failing", "detail": "not reachable",
                                                 "replicas": [{"status": "failing", "detail": "not reachable"}]}
    assert body["services"]["reviews"]["detail"] == "/healthz answered HTTP 503"
    assert body["services"]["applications"]["status"] == "ok"
    assert body["services"]["gateway"]["status"] == "ok"


async def test_health_asks_every_replica_and_a_service_is_ok_with_one(make_gateway: MakeGateway,
                                                                        upstreams: Upstreams) -> None:
    """Given reviews with a dead replica listed first and a live one, and notifications with both dead, then
    reviews is ok with each replica listed, notifications fails, and no replica's address is shown."""
    dead = f"http://127.0.0.1:{free_port()}"
    gateway = await make_gateway(reviews_url=f"{dead},{upstreams['reviews'].url}",
                                 notifications_url=f"{dead},http://127.0.0.1:{free_port()}")
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["failing"] == ["notifications"]
    assert body["services"]["reviews"] == {"status": "ok", "detail": "1 of 2 replicas healthy", "replicas": [
        {"status": "failing", "detail": "not reachable"}, {"status": "ok", "detail": "healthy"}]}
    assert body["services"]["notifications"]["detail"] == "0 of 2 replicas healthy"
    assert "127.0.0.1" not in answer.text


async def test_openapi_describes_the_gateways_own_routes(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()
    assert document["info"]["title"] == "Endorsement API gateway"
    assert document["info"]["version"]
    assert "forwarded" in document["info"]["description"]
    assert {"/auth/signup", "/auth/login", "/auth/logout", "/auth/me", "/healthz"} <= set(document["paths"])
    assert not any(path.startswith(("/applications", "/credentials")) for path in document["paths"])
    assert (await gateway.client.get("/docs")).status_code == 200  # vendored viewer: test_docs_pages.py


async def test_wrong_methods_on_gateway_routes_are_problems(gateway: Gateway) -> None:
    wrong_method = await gateway.client.get("/auth/login")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"
