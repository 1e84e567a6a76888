"""The calls the gateway throttles per client address carry the browser's address, not the portal's."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from portal.gateway_client import browser_address

from .conftest import ACCOUNT, FakeGateway, csrf_of

FROM_GATEWAY = {"x-forwarded-for": "198.51.100.23"}  # what the gateway's catch-all adds for the portal


def test_the_address_is_the_last_one_the_gateway_gave() -> None:
    assert browser_address({"x-forwarded-for": "198.51.100.23"}) == {"x-forwarded-for": "198.51.100.23"}
    assert browser_address({"x-forwarded-for": "192.0.2.1, 2001:db8::1"}) == {"x-forwarded-for": "2001:db8::1"}
    assert browser_address({}) == {}
    assert browser_address({"x-forwarded-for": "evil\r\nx: y"}) == {}


def test_sign_in_sends_the_browser_s_address(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "t", "expires_at": "2099-01-01T00:00:00Z", "account": ACCOUNT}))
    token = csrf_of(client, "/account/sign-in")
    client.post("/account/sign-in", data={"email": "ana@example.org", "password": "p" * 12, "csrf_token": token},
                headers=FROM_GATEWAY)
    assert gateway.last("POST", "/auth/login").headers["x-forwarded-for"] == "198.51.100.23"


def test_sign_up_and_password_reset_send_the_browser_s_address(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/signup", lambda r: httpx.Response(201, json=ACCOUNT))
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "t", "expires_at": "2099-01-01T00:00:00Z", "account": ACCOUNT}))
    gateway.on("POST", "/auth/password-reset/request", lambda r: httpx.Response(202))
    token = csrf_of(client, "/account/sign-up")
    client.post("/account/sign-up", data={"name": "Ana", "email": "ana@example.org", "password": "p" * 12,
                                          "language": "en", "csrf_token": token}, headers=FROM_GATEWAY)
    assert gateway.last("POST", "/auth/signup").headers["x-forwarded-for"] == "198.51.100.23"
    assert gateway.last("POST", "/auth/login").headers["x-forwarded-for"] == "198.51.100.23"
    token = csrf_of(client, "/account/password/forgot")  # signing in rotated it
    client.post("/account/password/forgot", data={"email": "ana@example.org", "csrf_token": token},
                headers={"x-forwarded-for": "203.0.113.9"})
    assert gateway.last("POST", "/auth/password-reset/request").headers["x-forwarded-for"] == "203.0.113.9"


def test_without_the_gateway_s_header_nothing_is_claimed(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "t", "expires_at": "2099-01-01T00:00:00Z", "account": ACCOUNT}))
    token = csrf_of(client, "/account/sign-in")
    client.post("/account/sign-in", data={"email": "ana@example.org", "password": "p" * 12, "csrf_token": token})
    assert "x-forwarded-for" not in gateway.last("POST", "/auth/login").headers


TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_a_page_s_calls_carry_the_trace_context_the_gateway_sent_so_page_and_calls_are_one_trace(
        client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "t", "expires_at": "2099-01-01T00:00:00Z", "account": ACCOUNT}))
    token = csrf_of(client, "/account/sign-in")
    client.post("/account/sign-in", data={"email": "ana@example.org", "password": "p" * 12, "csrf_token": token},
                headers={"traceparent": TRACE, "tracestate": "vendor=1"})
    sent = gateway.last("POST", "/auth/login").headers
    assert sent["traceparent"] == TRACE and sent["tracestate"] == "vendor=1"


def test_a_malformed_trace_context_is_not_passed_on() -> None:
    from portal.gateway_client import trace_context

    assert trace_context({"traceparent": "00-xyz-1-01", "tracestate": "a=b"}) == {}
    assert trace_context({}) == {}
    assert trace_context({"traceparent": TRACE.upper()}) == {"traceparent": TRACE}
