"""Security, sign-in, form errors and Spanish pages, on a fake gateway."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from portal.sessions import MemorySessionStore

from .conftest import ACCOUNT, FakeGateway, csrf_of, problem, sign_in


def test_every_page_has_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "style=" not in response.text and "onclick" not in response.text and "<script>" not in response.text


def test_session_cookie_is_httponly_lax_and_secure_only_behind_https(client: TestClient) -> None:
    plain = client.get("/").headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    client.cookies.clear()
    behind_https = client.get("/", headers={"x-forwarded-proto": "https"}).headers["set-cookie"].lower()
    assert "secure" in behind_https


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, gateway: FakeGateway) -> None:
    csrf_of(client)
    response = client.post("/account/sign-in", data={"email": "ana@example.org", "password": "x" * 12})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    wrong = client.post("/account/sign-in", data={"email": "a@b.c", "password": "x" * 12, "csrf_token": "nope"})
    assert wrong.status_code == 403
    assert not [r for r in gateway.requests if r.url.path == "/auth/login"]


def test_signing_in_keeps_the_token_server_side_and_rotates_the_session(
        client: TestClient, gateway: FakeGateway, store: MemorySessionStore) -> None:
    csrf_of(client)
    before = client.cookies.get("portal_session")
    sign_in(client, gateway)
    after = client.cookies.get("portal_session")
    assert after and after != before
    assert len(store.rows) == 1
    row = next(iter(store.rows.values()))
    assert row.access_token == "tok-123"
    assert row.account == {"id": "a1", "tenant": "itmhca", "roles": ["applicant"], "language": "en",
                           "email_verified": True}  # never the name or email: read from the gateway per page
    assert "tok-123" not in str(client.cookies)
    gateway.on("GET", "/auth/me", lambda r: httpx.Response(200, json=ACCOUNT))
    page = client.get("/")
    assert "You are signed in as Ana." in page.text


def test_sign_in_goes_back_to_next_but_never_off_site(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/login", lambda r: httpx.Response(200, json={
        "access_token": "t", "expires_at": "2099-01-01T00:00:00Z", "account": ACCOUNT}))
    token = csrf_of(client, "/account/sign-in")
    response = client.post("/account/sign-in", data={"email": "ana@example.org", "password": "p" * 12,
                                                     "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["location"] == "/dashboard"


def test_a_signed_in_page_redirects_to_sign_in_with_next(client: TestClient) -> None:
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/sign-in?next=/account"


def test_wrong_password_is_a_field_error_with_summary(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/login", lambda r: problem(401, "INVALID_CREDENTIALS"))
    token = csrf_of(client, "/account/sign-in")
    response = client.post("/account/sign-in", data={"email": "ana@example.org", "password": "p" * 12,
                                                     "csrf_token": token})
    assert response.status_code == 422
    assert "<title>Error: Sign in" in response.text
    assert 'href="#email"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="ana@example.org"' in response.text


def test_api_field_errors_map_to_the_form_fields(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/signup", lambda r: problem(422, "VALIDATION_FAILED", errors=[
        {"location": "body.email", "message": "value is not a valid email address", "type": "value_error"}]))
    token = csrf_of(client, "/account/sign-up")
    response = client.post("/account/sign-up", data={"name": "Ana", "email": "ana@x", "password": "p" * 12,
                                                      "language": "en", "csrf_token": token})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text and "value is not a valid email address" in response.text
    taken = client.post("/account/sign-up", data={"name": "Ana", "email": "ana@example.org", "password": "p" * 12,
                                                   "language": "en", "csrf_token": token})
    assert taken.status_code == 422
    gateway.on("POST", "/auth/signup", lambda r: problem(409, "EMAIL_TAKEN"))
    taken = client.post("/account/sign-up", data={"name": "Ana", "email": "ana@example.org", "password": "p" * 12,
                                                   "language": "en", "csrf_token": token})
    assert "An account with this email address already exists" in taken.text


def test_spanish_from_accept_language_and_from_the_switch(client: TestClient) -> None:
    spanish = client.get("/account/sign-in", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in spanish.text and "Iniciar sesión" in spanish.text
    token = csrf_of(client)
    switched = client.post("/language", data={"language": "es", "next": "/verify", "csrf_token": token})
    assert switched.status_code == 303 and switched.headers["location"] == "/verify"
    assert "Verificar una credencial" in client.get("/verify").text


def test_forgot_password_never_says_whether_the_account_exists(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/password-reset/request", lambda r: httpx.Response(202))
    token = csrf_of(client, "/account/password/forgot")
    known = client.post("/account/password/forgot", data={"email": "ana@example.org", "csrf_token": token})
    gateway.on("POST", "/auth/password-reset/request", lambda r: problem(404, "NOT_FOUND"))
    unknown = client.post("/account/password/forgot", data={"email": "zoe@example.org", "csrf_token": token})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ana@", "x@") == unknown.text.replace("zoe@", "x@")


def test_email_is_confirmed_on_post_only(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/auth/email-verification", lambda r: problem(410, "LINK_EXPIRED"))
    page = client.get("/account/verify/abc")
    assert page.status_code == 200 and not [r for r in gateway.requests if "email-verification" in r.url.path]
    token = csrf_of(client)
    expired = client.post("/account/verify/abc", data={"csrf_token": token})
    assert expired.status_code == 410 and "This link has expired" in expired.text


def test_gateway_down_is_a_friendly_503(client: TestClient, gateway: FakeGateway) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    gateway.on("GET", "/references/t1", down)
    response = client.get("/rate/t1")
    assert response.status_code == 503 and "the service is unavailable" in response.text
    assert "Traceback" not in response.text


def test_unknown_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/no/such/page", headers={"accept-language": "es"})
    assert response.status_code == 404 and "Página no encontrada" in response.text
