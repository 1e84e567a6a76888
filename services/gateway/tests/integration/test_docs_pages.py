"""GET /openapi.json (the whole public API), /docs and /redoc (vendored viewers, offline, strict CSP)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from openapi_spec_validator import validate
from pydantic import create_model

from .conftest import Gateway, MakeGateway, free_port

# Both services name a schema `EndorsementOut`, with other fields: the merged document must tell them apart.
AppEndorsementOut = create_model("EndorsementOut", id=(str, ...), status=(str, ...))
ReviewEndorsementOut = create_model("EndorsementOut", id=(str, ...), decided=(bool, ...))


@dataclass
class DocServices:
    urls: dict[str, str]
    openapi_hits: dict[str, int] = field(default_factory=dict)


def _service(name: str, hits: dict[str, int]) -> FastAPI:
    """A small service with real FastAPI-made routes and models; counts the fetches of its document."""
    app = FastAPI(title=name, openapi_url=None, docs_url=None, redoc_url=None)
    if name == "applications":
        @app.get("/applications", response_model=list[AppEndorsementOut])  # type: ignore[valid-type]
        def applications(authorization: str = Header()) -> list[Any]:
            raise NotImplementedError

        @app.get("/applications/{application_id}", response_model=AppEndorsementOut)
        def one_application(application_id: str, authorization: str = Header()) -> Any:
            raise NotImplementedError

        @app.post("/internal/replay")  # not forwarded by the gateway: must not be published
        def replay() -> None:
            raise NotImplementedError

        @app.get("/references/{token}")
        def reference(token: str) -> dict[str, str]:
            raise NotImplementedError
    elif name == "reviews":
        @app.get("/reviews/endorsements/{endorsement_id}", response_model=ReviewEndorsementOut)
        def endorsement(endorsement_id: str) -> Any:
            raise NotImplementedError
    elif name == "credentials":
        @app.get("/tenants/{slug}/did.json")
        def did(slug: str) -> dict[str, Any]:
            raise NotImplementedError

    @app.get("/openapi.json", include_in_schema=False)
    def document() -> JSONResponse:
        hits[name] = hits.get(name, 0) + 1
        return JSONResponse(app.openapi())

    return app


@pytest.fixture(scope="module")
def doc_services() -> Iterator[DocServices]:
    services = DocServices(urls={})
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    for name in ("applications", "reviews", "credentials"):
        port = free_port()
        services.urls[name] = f"http://127.0.0.1:{port}"
        server = uvicorn.Server(uvicorn.Config(_service(name, services.openapi_hits), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
    services.urls["notifications"] = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    deadline = time.monotonic() + 10
    while not all(server.started for server, _ in servers):
        assert time.monotonic() < deadline, "services did not start"
        time.sleep(0.02)
    yield services
    for server, thread in servers:
        server.should_exit = True
        thread.join(5)


async def _gateway(make_gateway: MakeGateway, services: DocServices) -> Gateway:
    return await make_gateway(**{f"{name}_url": url for name, url in services.urls.items()})


async def test_one_document_describes_the_whole_public_api(make_gateway: MakeGateway,
                                                           doc_services: DocServices) -> None:
    gateway = await _gateway(make_gateway, doc_services)

    answer = await gateway.client.get("/openapi.json")

    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == "/"
    paths = document["paths"]
    assert {"/auth/signup", "/auth/login", "/auth/me", "/healthz", "/applications", "/applications/{application_id}",
            "/references/{token}", "/reviews/endorsements/{endorsement_id}", "/tenants/{slug}/did.json"} <= set(paths)
    assert "/internal/replay" not in paths
    assert not any(path in ("/openapi.json", "/docs", "/redoc") or path.startswith("/docs/") for path in paths)

    schemes = document["components"]["securitySchemes"]
    assert list(schemes) == ["sessionToken"] and schemes["sessionToken"]["scheme"] == "bearer"
    assert paths["/auth/me"]["get"]["security"] == [{"sessionToken": []}]
    assert "security" not in paths["/auth/login"]["post"]
    application = paths["/applications/{application_id}"]["get"]
    assert application["security"] == [{"sessionToken": []}]
    assert all(p["name"].lower() != "authorization" for p in application.get("parameters", []))
    assert paths["/tenants/{slug}/did.json"]["get"]["security"] == [{}, {"sessionToken": []}]
    assert application["tags"] == ["applications"]
    assert paths["/auth/login"]["post"]["tags"] == ["gateway"]
    assert paths["/reviews/endorsements/{endorsement_id}"]["get"]["tags"] == ["reviews"]

    schemas = document["components"]["schemas"]
    assert {"ApplicationsEndorsementOut", "ReviewsEndorsementOut"} <= set(schemas)
    assert "EndorsementOut" not in schemas
    assert application["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApplicationsEndorsementOut"}

    assert document["x-upstream-documents"]["notifications"] == {"status": "unavailable", "detail": "not reachable"}
    assert document["x-upstream-documents"]["applications"] == {"status": "ok"}
    assert "**notifications**" in document["info"]["description"]


async def test_the_services_documents_are_cached(make_gateway: MakeGateway, doc_services: DocServices) -> None:
    gateway = await _gateway(make_gateway, doc_services)
    before = dict(doc_services.openapi_hits)

    for _ in range(3):
        assert (await gateway.client.get("/openapi.json")).status_code == 200

    assert {name: doc_services.openapi_hits[name] - before.get(name, 0) for name in before} == {
        "applications": 1, "reviews": 1, "credentials": 1}


async def test_no_service_answering_still_gives_the_gateways_own_document(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(**{f"{name}_url": f"http://127.0.0.1:{free_port()}"
                                    for name in ("applications", "reviews", "credentials", "notifications")})

    answer = await gateway.client.get("/openapi.json")

    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert "/auth/login" in document["paths"]
    assert not any(path.startswith("/applications") for path in document["paths"])
    assert {entry["status"] for entry in document["x-upstream-documents"].values()} == {"unavailable"}


REMOTE = re.compile(r"https?://", re.IGNORECASE)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_work_offline_under_a_strict_policy(gateway: Gateway, page: str) -> None:
    answer = await gateway.client.get(page)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    assert not REMOTE.search(html)
    assert "<script>" not in html  # no inline script: every script has a src
    referenced = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert referenced and all(ref.startswith("/docs/assets/") for ref in referenced)
    assert 'data-openapi-url="/openapi.json"' in html
    for ref in referenced:
        asset = await gateway.client.get(ref)
        assert asset.status_code == 200, ref
        assert asset.headers["content-type"].startswith(("text/javascript", "text/css")), ref
        assert asset.headers["x-content-type-options"] == "nosniff"
        if not ref.startswith("/docs/assets/swagger-ui/") and not ref.startswith("/docs/assets/redoc/"):
            assert not REMOTE.search(asset.text), ref  # our own init scripts name no remote host
    directives = dict(part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    # Swagger UI needs no inline style; ReDoc (styled-components) does, and builds its search worker from a Blob.
    assert directives["style-src"] == ("'self'" if page == "/docs" else "'self' 'unsafe-inline'")
    assert directives.get("worker-src") == (None if page == "/docs" else "blob:")
    assert not REMOTE.search(answer.headers["content-security-policy"])


async def test_only_the_listed_assets_are_served(gateway: Gateway) -> None:
    for path in ("/docs/assets/vendor/README.md", "/docs/assets/vendor/redoc/LICENSE", "/docs/assets/",
                 "/docs/assets/swagger-ui/swagger-ui-bundle.js.map", "/docs/assets/%2e%2e/config.py"):
        answer = await gateway.client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
