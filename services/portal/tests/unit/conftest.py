"""A portal on a fake gateway (httpx.MockTransport) and in-memory sessions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.sessions import MemorySessionStore

PROFILE = {
    "slug": "itmhca", "name": "Infant Toddler Mental Health Coalition of Arizona", "short_name": "ITMHCA",
    "timezone": "America/Phoenix", "languages": ["en", "es"], "default_language": "en",
    "categories": {"IFS": "Infant Family Specialist"}, "contact_email": "help@example.org",
    "website": "https://example.org",
}
ACCOUNT = {"id": "a1", "tenant": "itmhca", "email": "ana@example.org", "name": "Ana", "roles": ["applicant"],
           "language": "en", "email_verified": True}

Handler = Callable[[httpx.Request], httpx.Response | None]


class FakeGateway:
    """Answers the gateway's public API from canned handlers; records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Handler] = {}
        self.on("GET", "/tenants", lambda r: httpx.Response(200, json=[{"slug": "itmhca"}]))
        self.on("GET", "/tenants/itmhca/profile", lambda r: httpx.Response(200, json=PROFILE))

    def on(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def json_of(self, request: httpx.Request) -> Any:
        return json.loads(request.content or b"null")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        response = handler(request) if handler else None
        if response is None:
            return httpx.Response(404, json={"code": "NOT_FOUND", "title": "Not found", "detail": "no route"})
        return response

    def last(self, method: str, path: str) -> httpx.Request:
        return [r for r in self.requests if r.method == method and r.url.path == path][-1]


def problem(status: int, code: str, detail: str = "", errors: list[dict[str, Any]] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "code": code, "title": code, "detail": detail or code}
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


@pytest.fixture
def settings() -> PortalSettings:
    return PortalSettings(database_url="postgresql://unused/unused",
                          portal_session_key="unit-test-key-0123456789-abcdefghijklmnop",
                          environment="test")


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def store() -> MemorySessionStore:
    return MemorySessionStore()


@pytest.fixture
def client(settings: PortalSettings, gateway: FakeGateway, store: MemorySessionStore) -> Iterator[TestClient]:
    app = build(settings, store=store, transport=httpx.MockTransport(gateway))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/") -> str:
    """Open a page (which starts the session) and read the CSRF token from its meta tag."""
    html = client.get(path).text
    marker = '<meta name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def sign_in(client: TestClient, gateway: FakeGateway, account: dict[str, Any] | None = None) -> None:
    who = account or ACCOUNT
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "tok-123", "expires_at": "2099-01-01T00:00:00Z", "account": who}))
    gateway.on("GET", "/auth/me", lambda r: httpx.Response(200, json=who))
    token = csrf_of(client, "/account/sign-in")
    response = client.post("/account/sign-in", data={"email": who["email"], "password": "pw-long-enough-1",
                                                     "csrf_token": token})
    assert response.status_code == 303, response.text
