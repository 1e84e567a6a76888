"""The session keeps no personal data: notices are fixed text, the name and email come from the gateway per page."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from .conftest import ACCOUNT, FakeGateway, problem, sign_in

PACKAGE = Path(__file__).resolve().parents[2] / "portal"


def _fixed_text(node: ast.expr) -> bool:
    """`N_("…")`, a module constant (`common.STALE`), or a choice between such."""
    if isinstance(node, ast.IfExp):
        return _fixed_text(node.body) and _fixed_text(node.orelse)
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id == "N_" and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name.isupper()


def test_every_notice_is_fixed_text_so_no_session_row_holds_a_name() -> None:
    calls = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "flash":
                calls.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", node))
    assert len(calls) > 10
    formatted = [where for where, call in calls if not call.args or not _fixed_text(call.args[0])]
    assert not formatted, f"flash() with text built at run time (it may hold a name): {formatted}"


def test_the_name_is_read_once_per_page_and_never_kept(client: TestClient, gateway: FakeGateway) -> None:
    sign_in(client, gateway)
    before = len([r for r in gateway.requests if r.url.path == "/auth/me"])
    page = client.get("/account")  # the page context and the settings form both want it
    assert page.status_code == 200 and "ana@example.org" in page.text and 'value="Ana"' in page.text
    assert len([r for r in gateway.requests if r.url.path == "/auth/me"]) == before + 1
    gateway.on("GET", "/auth/me", lambda r: httpx.Response(200, json={**ACCOUNT, "name": "Ana Renamed"}))
    assert "You are signed in as Ana Renamed." in client.get("/").text  # never from an earlier request


def test_a_gateway_that_no_longer_knows_the_token_signs_the_person_out(
        client: TestClient, gateway: FakeGateway) -> None:
    sign_in(client, gateway)
    gateway.on("GET", "/auth/me", lambda r: problem(401, "UNAUTHORIZED"))
    home = client.get("/")
    assert home.status_code == 200 and "Sign out" not in home.text and "Create an account" in home.text
    assert client.get("/account").headers["location"] == "/account/sign-in?next=/account"


def test_the_unconfirmed_email_banner_reads_the_address_from_the_gateway(
        client: TestClient, gateway: FakeGateway) -> None:
    sign_in(client, gateway, {**ACCOUNT, "email_verified": False})
    assert "we sent a link to <strong>ana@example.org</strong>" in client.get("/verify").text
    gateway.on("GET", "/auth/me", lambda r: httpx.Response(200, json=ACCOUNT))  # confirmed on another device
    assert "Please confirm your email address" not in client.get("/verify").text
