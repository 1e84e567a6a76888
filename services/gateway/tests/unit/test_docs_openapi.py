"""One public OpenAPI document from the gateway's own and the services' documents (merge and fetch/cache rules)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from gateway.application.openapi_catalog import UpstreamDocuments
from gateway.application.openapi_merge import (
    SESSION_SCHEME,
    Access,
    Availability,
    UpstreamDocument,
    merge_openapi,
)
from gateway.forwarding.routes import FORWARDED_ROUTES
from openapi_spec_validator import validate

GATEWAY_DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Endorsement API gateway", "version": "0.1.0", "description": "The gateway."},
    "paths": {
        "/auth/login": {"post": {"operationId": "login", "tags": ["auth"], "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}}}}}},
        "/auth/me": {"get": {"operationId": "me", "responses": {"200": {"description": "ok"}}}},
    },
    "components": {"schemas": {
        "Token": {"type": "object", "properties": {"access_token": {"type": "string"}}},
        "ValidationError": {"type": "object", "title": "ValidationError"},
    }},
}
GATEWAY_ACCESS = {("/auth/login", "post"): Access.NONE, ("/auth/me", "get"): Access.REQUIRED}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def applications_doc() -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "Applications service", "version": "0.1.0"},
        "paths": {
            "/applications": {"post": {"operationId": "start", "tags": ["applications"],
                                       "security": [{"identity": []}],
                                       "parameters": [{"name": "Authorization", "in": "header", "required": True,
                                                       "schema": {"type": "string"}}],
                                       "responses": {"201": {"description": "started", **_json("Status")}}}},
            "/applications/{application_id}": {"get": {
                "operationId": "me",  # the same operationId as the gateway's own: must become unique
                "parameters": [{"name": "application_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "one", **_json("EndorsementOut")},
                              "422": {"description": "bad", **_json("ValidationError")}}}},
            "/references/{token}": {"get": {"operationId": "reference", "parameters": [
                {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}}},
            "/internal/replay": {"post": {"operationId": "replay", "responses": {"200": {"description": "ok"},
                                                                                  **{"500": _json("Unused")}}}},
            "/reviews/sneaky": {"get": {"operationId": "sneaky", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": {
                "Status": {"type": "string", "enum": ["draft", "submitted"]},
                "EndorsementOut": {"type": "object", "properties": {
                    "status": {"$ref": "#/components/schemas/Status"}, "id": {"type": "string"}}},
                "ValidationError": {"type": "object", "title": "ValidationError"},
                "Unused": {"type": "object"},
            },
            "securitySchemes": {"identity": {"type": "http", "scheme": "bearer"}},
        },
    }


def reviews_doc() -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "Reviews", "version": "0.2.0"},
        "paths": {"/reviews/endorsements/{endorsement_id}": {"get": {
            "operationId": "endorsement",
            "parameters": [{"name": "endorsement_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "one", **_json("EndorsementOut")}}}}},
        "components": {"schemas": {
            "Status": {"type": "string", "enum": ["open", "decided"]},
            "EndorsementOut": {"type": "object", "properties": {
                "status": {"$ref": "#/components/schemas/Status"}, "decided": {"type": "boolean"}}},
        }},
    }


def credentials_doc() -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "credentials", "version": "1.0.0"},
        "paths": {
            "/tenants/{slug}/did.json": {"get": {"operationId": "did", "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "DID document"}}}},
            "/credentials/{credential_id}": {"get": {"operationId": "credential", "parameters": [
                {"name": "credential_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "credential"}}}},
        },
    }


def merged(*upstreams: UpstreamDocument) -> dict[str, Any]:
    document = merge_openapi(GATEWAY_DOC, GATEWAY_ACCESS, upstreams, FORWARDED_ROUTES)
    validate(document)  # a valid OpenAPI 3.1 document, whatever the inputs
    return document


def all_upstreams() -> list[UpstreamDocument]:
    return [UpstreamDocument("applications", applications_doc()), UpstreamDocument("reviews", reviews_doc()),
            UpstreamDocument("credentials", credentials_doc())]


def test_keeps_only_the_paths_the_gateway_forwards_to_that_service() -> None:
    document = merged(*all_upstreams())

    assert set(document["paths"]) == {
        "/auth/login", "/auth/me", "/applications", "/applications/{application_id}", "/references/{token}",
        "/reviews/endorsements/{endorsement_id}", "/tenants/{slug}/did.json", "/credentials/{credential_id}"}
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/", "description": document["servers"][0]["description"]}]


def test_schemas_are_merged_and_prefixed_only_where_services_disagree() -> None:
    document = merged(*all_upstreams())
    schemas = document["components"]["schemas"]

    assert set(schemas) == {"Token", "ValidationError", "ApplicationsStatus", "ReviewsStatus",
                            "ApplicationsEndorsementOut", "ReviewsEndorsementOut"}  # unused schemas dropped
    assert schemas["ApplicationsEndorsementOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ApplicationsStatus"}
    assert schemas["ReviewsEndorsementOut"]["properties"]["status"] == {"$ref": "#/components/schemas/ReviewsStatus"}
    application = document["paths"]["/applications/{application_id}"]["get"]
    assert application["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApplicationsEndorsementOut"}
    assert application["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"}  # the same schema everywhere: one name, no prefix
    review = document["paths"]["/reviews/endorsements/{endorsement_id}"]["get"]
    assert review["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReviewsEndorsementOut"}


def test_only_the_gateways_session_scheme_is_declared_and_required_where_the_gateway_requires_a_session() -> None:
    document = merged(*all_upstreams())
    paths = document["paths"]

    assert document["components"]["securitySchemes"] == {SESSION_SCHEME: {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"][
            SESSION_SCHEME]["description"]}}
    assert "POST /auth/login" in document["components"]["securitySchemes"][SESSION_SCHEME]["description"]
    start = paths["/applications"]["post"]
    assert start["security"] == [{SESSION_SCHEME: []}]
    # the services' internal Authorization header is the gateway's business; the Idempotency-Key is the client's
    assert [p["name"] for p in start["parameters"]] == ["Idempotency-Key"]
    assert "401" in start["responses"]
    assert paths["/auth/me"]["get"]["security"] == [{SESSION_SCHEME: []}]
    assert "security" not in paths["/auth/login"]["post"]
    for public in ("/references/{token}", "/tenants/{slug}/did.json", "/credentials/{credential_id}"):
        operation = paths[public]["get"]
        assert operation["security"] == [{}, {SESSION_SCHEME: []}], public  # optional: no requirement
        assert "401" not in operation["responses"]


def test_operations_are_tagged_by_service_and_operation_ids_stay_unique() -> None:
    document = merged(*all_upstreams())
    paths = document["paths"]

    assert paths["/auth/login"]["post"]["tags"] == ["gateway"]
    assert paths["/applications"]["post"]["tags"] == ["applications"]
    assert paths["/references/{token}"]["get"]["tags"] == ["applications"]
    assert paths["/reviews/endorsements/{endorsement_id}"]["get"]["tags"] == ["reviews"]
    assert paths["/tenants/{slug}/did.json"]["get"]["tags"] == ["credentials"]
    assert [tag["name"] for tag in document["tags"]] == ["gateway", "applications", "reviews", "credentials"]
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert paths["/applications/{application_id}"]["get"]["operationId"] == "applications_me"


def test_a_missing_service_document_is_said_not_hidden() -> None:
    document = merged(UpstreamDocument("applications", applications_doc()),
                      UpstreamDocument("reviews", None, Availability.UNAVAILABLE, "not reachable"),
                      UpstreamDocument("credentials", credentials_doc(), Availability.STALE, "no answer within 2 s"))

    assert not any(path.startswith("/reviews") for path in document["paths"])
    assert "/tenants/{slug}/did.json" in document["paths"]
    assert document["x-upstream-documents"] == {
        "applications": {"status": "ok"},
        "reviews": {"status": "unavailable", "detail": "not reachable"},
        "credentials": {"status": "stale", "detail": "no answer within 2 s"}}
    description = document["info"]["description"]
    assert description.startswith("The gateway.")
    assert "**reviews**" in description and "not reachable" in description
    assert "**credentials**" in description
    # Alone, the reviews service no longer disagrees with anyone: no prefix needed.
    assert "EndorsementOut" in document["components"]["schemas"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.asyncio
async def test_service_documents_are_cached_and_kept_when_a_service_stops_answering() -> None:
    calls: list[str] = []
    down: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        if request.url.host in down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "broken":
            return httpx.Response(200, text="<html>")
        return httpx.Response(200, json=reviews_doc())

    clock = Clock()
    documents = UpstreamDocuments(keep_seconds=60, retry_seconds=10, monotonic=clock)
    urls = {"reviews": "http://reviews", "credentials": "http://broken"}
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        first = await documents.current(client, urls)
        assert [(d.service, d.availability) for d in first] == [
            ("reviews", Availability.OK), ("credentials", Availability.UNAVAILABLE)]
        assert first[1].detail == "/openapi.json is not JSON"

        clock.now += 30
        await documents.current(client, urls)
        assert calls == ["reviews", "broken", "broken"]  # kept for 60 s; failures retried after 10 s

        clock.now += 31
        down.add("reviews")
        stale = await documents.current(client, urls)
        assert stale[0].availability is Availability.STALE
        assert stale[0].document == reviews_doc()
        assert stale[0].detail == "not reachable"

        clock.now += 11
        down.clear()
        again = await documents.current(client, urls)
        assert again[0].availability is Availability.OK


@pytest.mark.asyncio
async def test_a_service_document_comes_from_any_replica_that_answers() -> None:
    """Given reviews' first replica down and its second up, then the document comes from the second; with every
    replica failing, each replica's failure is told (by number, not address)."""
    down = {"reviews-1", "credentials-1"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host in down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "credentials-2":
            return httpx.Response(503)
        return httpx.Response(200, json=reviews_doc())

    documents = UpstreamDocuments(monotonic=Clock())
    urls = {"reviews": ["http://reviews-1", "http://reviews-2"], "credentials": ["http://credentials-1",
                                                                                  "http://credentials-2"]}
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        reviews, credentials = await documents.current(client, urls)
    assert reviews.availability is Availability.OK and reviews.document == reviews_doc()
    assert credentials.availability is Availability.UNAVAILABLE
    assert credentials.detail == "replica 1: not reachable; replica 2: /openapi.json answered HTTP 503"
