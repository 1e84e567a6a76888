"""Aggregated /healthz, the portal page and the OpenAPI document."""

from __future__ import annotations

import base64
import hashlib
import re

from gateway.entrypoints.portal_page import SCRIPT, STYLE

from .conftest import FakeService, Gateway, MakeGateway, free_port

Upstreams = dict[str, FakeService]


async def test_health_is_ok_when_everything_is(gateway: Gateway) -> None:
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {"gateway", "applications", "reviews", "credentials", "notifications"}
    assert all(check["status"] == "ok" for check in body["services"].values())


async def test_health_names_a_service_that_is_down(make_gateway: MakeGateway, upstreams: Upstreams) -> None:
    gateway = await make_gateway(notifications_url=f"http://127.0.0.1:{free_port()}")
    upstreams["reviews"].healthy = False
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "degraded"
    assert body["services"]["notifications"] == {"status": "failing", "detail": "not reachable"}
    assert body["services"]["reviews"] == {"status": "failing", "detail": "/healthz answered HTTP 503"}
    assert body["services"]["applications"]["status"] == "ok"
    assert body["services"]["gateway"]["status"] == "ok"


async def test_the_portal_page_is_self_contained_and_labelled(gateway: Gateway) -> None:
    answer = await gateway.client.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<html lang="en">' in page
    assert 'name="viewport"' in page
    assert "Infant Toddler Mental Health Coalition of Arizona" in page
    assert '"tenant": "itmhca"' in page
    assert "<link" not in page and "src=" not in page and "@import" not in page and "url(" not in page
    fields = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', page)
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    assert fields and set(fields) <= labels
    csp = answer.headers["content-security-policy"]
    for source in (SCRIPT, STYLE):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
        assert source in page
    assert "default-src 'none'" in csp


async def test_openapi_describes_the_gateways_own_routes(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()
    assert document["info"]["title"] == "Endorsement API gateway"
    assert document["info"]["version"]
    assert "forwarded" in document["info"]["description"]
    assert {"/auth/signup", "/auth/login", "/auth/logout", "/auth/me", "/healthz"} <= set(document["paths"])
    assert not any(path.startswith(("/applications", "/credentials")) for path in document["paths"])
    assert (await gateway.client.get("/docs")).status_code == 404  # its page would load scripts from a CDN


async def test_unknown_paths_and_methods_are_problems(gateway: Gateway) -> None:
    missing = await gateway.client.get("/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong_method = await gateway.client.get("/auth/login")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"
