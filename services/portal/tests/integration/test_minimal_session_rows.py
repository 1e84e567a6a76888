"""Session rows on real PostgreSQL identify nobody: no name, no email, no typed text (erasure, slice 8).

The portal runs whole (its lifespan creates the table) on a fake gateway; each test reads the rows as the
erasure proof does (`SELECT t::text`) and looks for the person's details.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.sessions import PostgresSessionStore

NAME, EMAIL = "Zelda Quixmarker", "zq-7f3a@example.org"
RATER_NAME, RATER_EMAIL = "Bea Raterlast", "bea-raterlast@example.org"
ACCOUNT = {"id": "0b6f7c1e-0000-4000-8000-000000000001", "tenant": "itmhca", "email": EMAIL, "name": NAME,
           "roles": ["applicant"], "created_at": "2026-12-01T10:00:00Z", "language": "en", "email_verified": True}
PROFILE = {"slug": "itmhca", "name": "Coalition", "short_name": "ITMHCA", "timezone": "America/Phoenix",
           "languages": ["en", "es"], "default_language": "en", "categories": {}}
UNAUTHORIZED = {"status": 401, "code": "UNAUTHORIZED", "title": "Unauthorized", "detail": "Sign in again."}


class Gateway:
    """The gateway's public API as far as these pages need it; `erase()` deletes the account and its sessions."""

    def __init__(self) -> None:
        self.erased = False
        self.calls: list[str] = []

    def erase(self) -> None:
        self.erased = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.calls.append(f"{method} {path}")
        public = {"/tenants/itmhca/profile": (200, PROFILE),
                  "/auth/login": (200, {"access_token": "bearer-1", "expires_at": "2099-01-01T00:00:00Z",
                                        "account": ACCOUNT}),
                  "/auth/signup": (409, {"status": 409, "code": "EMAIL_TAKEN", "detail": "taken"})}
        signed_in = {("GET", "/auth/me"): (200, ACCOUNT), ("GET", "/applications"): (200, {"items": []}),
                     ("POST", "/applications/app-1/references"): (201, {"id": "r1"})}
        if path in public:
            status, body = public[path]
        elif self.erased or request.headers.get("authorization") != "Bearer bearer-1":
            status, body = 401, UNAUTHORIZED
        else:
            status, body = signed_in.get((method, path), (404, {"status": 404, "code": "NOT_FOUND"}))
        return httpx.Response(status, json=body)


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def portal(database_url: str, gateway: Gateway) -> Iterator[TestClient]:
    settings = PortalSettings(database_url=database_url, environment="test", portal_tenant="itmhca",
                              portal_session_key="integration-key-0123456789-abcdefghijkl")
    app = build(settings, transport=httpx.MockTransport(gateway))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def rows(database_url: str) -> list[str]:
    """Every session row as text, as the erasure proof greps every table."""
    async def read() -> list[str]:
        conn = await asyncpg.connect(database_url)
        try:
            return [str(r[0]) for r in await conn.fetch("SELECT t::text FROM portal.sessions t")]
        finally:
            await conn.close()
    return asyncio.run(read())


def signed_in_rows(database_url: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            found = await conn.fetchval(
                "SELECT count(*) FROM portal.sessions WHERE token IS NOT NULL OR account IS NOT NULL")
            return int(found)
        finally:
            await conn.close()
    return asyncio.run(count())


def csrf(client: TestClient, path: str = "/account/sign-in") -> str:
    html = client.get(path).text
    marker = '<meta name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def sign_in(client: TestClient) -> None:
    response = client.post("/account/sign-in", data={"email": EMAIL, "password": "pw-long-enough-1",
                                                     "csrf_token": csrf(client)})
    assert response.status_code == 303, response.text


def assert_identifies_nobody(database_url: str, *details: str) -> None:
    found = rows(database_url)
    assert found, "no session row was written"
    for text in found:
        for detail in details:
            assert detail.lower() not in text.lower(), f"{detail!r} is in a session row"


def test_a_signed_in_row_holds_no_name_or_email_and_the_page_still_shows_the_name(
        portal: TestClient, database_url: str) -> None:
    sign_in(portal)
    home = portal.get("/")
    assert f"You are signed in as {NAME}." in home.text
    settings = portal.get("/account")
    assert EMAIL in settings.text and f'value="{NAME}"' in settings.text
    assert_identifies_nobody(database_url, NAME, EMAIL, "Quixmarker", "zq-7f3a", "2026-12-01")
    (row,) = rows(database_url)
    assert ACCOUNT["id"] in row and "applicant" in row  # who it is, as an id, and what they may do


def test_form_errors_and_notices_leave_no_typed_text_in_the_row(
        portal: TestClient, database_url: str, gateway: Gateway) -> None:
    token = csrf(portal, "/account/sign-up")
    refused = portal.post("/account/sign-up", data={"name": NAME, "email": EMAIL, "password": "p" * 12,
                                                    "language": "en", "csrf_token": token})
    assert refused.status_code == 422 and f'value="{EMAIL}"' in refused.text  # shown again, from this request
    assert_identifies_nobody(database_url, NAME, EMAIL)

    sign_in(portal)
    token = csrf(portal, "/account")
    settings = portal.post("/account", data={"name": "Zelda Newsurname", "language": "xx", "csrf_token": token})
    assert settings.status_code == 422 and 'value="Zelda Newsurname"' in settings.text
    named = portal.post("/apply/app-1/references", data={
        "slot": "1", "name": RATER_NAME, "email": RATER_EMAIL, "kind": "supervisor", "csrf_token": token})
    assert named.status_code == 303
    assert_identifies_nobody(database_url, NAME, EMAIL, "Newsurname", RATER_NAME, RATER_EMAIL)
    notice = portal.get("/")
    assert "We emailed the rater a link to the reference form." in notice.text


def test_an_account_deleted_at_the_gateway_is_signed_out_on_the_next_page(
        portal: TestClient, database_url: str, gateway: Gateway) -> None:
    sign_in(portal)
    assert portal.get("/dashboard").status_code == 200
    gateway.erase()

    next_page = portal.get("/dashboard")
    assert next_page.status_code == 303
    assert next_page.headers["location"] == "/account/sign-in?next=/dashboard"
    assert signed_in_rows(database_url) == 0  # the row is gone; the browser's new one is anonymous
    assert all(ACCOUNT["id"] not in row for row in rows(database_url))
    home = portal.get("/")
    assert home.status_code == 200 and "Sign in" in home.text and "Sign out" not in home.text


LEGACY_ACCOUNT = {**ACCOUNT}
LEGACY_DATA = {"flash": [{"message": f"We emailed {RATER_NAME} a link.", "kind": "success"}],
               "form": {"name": NAME}}


async def migrate(database_url: str) -> list[asyncpg.Record]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        await PostgresSessionStore.create_schema(pool)
        await pool.execute(
            "INSERT INTO portal.sessions (id_hash, csrf_token, account, data, expires_at) VALUES"
            " ('legacy', 'c', $1::jsonb, $2::jsonb, now() + interval '1 hour'),"
            " ('minimal', 'c', $3::jsonb, $4::jsonb, now() + interval '1 hour'),"
            " ('anonymous', 'c', NULL, '{}'::jsonb, now() + interval '1 hour')",
            json.dumps(LEGACY_ACCOUNT), json.dumps(LEGACY_DATA), json.dumps({"id": "a2", "roles": []}),
            json.dumps({"notices": [{"message": "Saved", "kind": "success"}]}))
        await PostgresSessionStore.create_schema(pool)  # the next start-up strips the legacy row
        first: list[Any] = await pool.fetch("SELECT id_hash, account, data, xmin FROM portal.sessions ORDER BY 1")
        await PostgresSessionStore.create_schema(pool)  # and the one after changes nothing
        second: list[Any] = await pool.fetch("SELECT id_hash, account, data, xmin FROM portal.sessions ORDER BY 1")
        assert [tuple(r) for r in first] == [tuple(r) for r in second]
        return first
    finally:
        await pool.close()


def test_start_up_strips_rows_written_before_sessions_were_minimal(database_url: str) -> None:
    by_id = {r["id_hash"]: r for r in asyncio.run(migrate(database_url))}
    assert json.loads(by_id["legacy"]["account"]) == {key: ACCOUNT[key] for key in
                                                      ("id", "tenant", "roles", "language", "email_verified")}
    assert json.loads(by_id["legacy"]["data"]) == {}
    assert json.loads(by_id["minimal"]["account"]) == {"id": "a2", "roles": []}
    assert json.loads(by_id["minimal"]["data"]) == {"notices": [{"message": "Saved", "kind": "success"}]}
    assert by_id["anonymous"]["account"] is None
    assert_identifies_nobody(database_url, NAME, EMAIL, RATER_NAME)
