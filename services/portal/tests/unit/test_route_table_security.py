"""Security rules checked on every route of the portal's route table, so a new page cannot slip past them: CSRF on
every write, sign-in on every account page, `next` never off-site, the security headers and no inline script or
style on every HTML page (and in every template), the session cookie's flags, and no secret in any log record.

The table comes from `portal.bootstrap.build` itself; a route with a path parameter this module has no sample
value for fails loudly (add it to SAMPLES), and a new public page must be added to PUBLIC_PAGES on purpose."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from portal.bootstrap import build
from portal.config import PortalSettings
from portal.sessions import MemorySessionStore, PortalSession
from portal.web.context import COOKIE
from portal.web.security import CSRF_FIELD
from portal.web.templating import TEMPLATES_DIR

from ..apply.test_apply_pages import APP_ID, REPORT
from ..apply.test_apply_pages import FakeGateway as ApplyGateway

SETTINGS = PortalSettings.model_validate({
    "database_url": "postgresql://unused/unused", "environment": "test", "portal_tenant": "itmhca",
    "portal_session_key": "unit-test-key-0123456789-abcdefghijklmnop"})
# secrets that must never reach a log record
LINK_TOKEN = "linkSECRET0123456789abcdef"
BEARER = "bearerSECRET0123456789abcdef"
PASSWORD = "passwordSECRET-0123456789"
SAMPLES = {"token": LINK_TOKEN, "app_id": APP_ID, "tab": "training", "entry_id": "t1", "document_id": "d1",
           "ref_id": "r1", "kind": "registration", "endorsement_id": "e1"}
# pages anyone may open without an account (GET); every other GET page needs one
PUBLIC_PAGES = {"/", "/portal/healthz", "/portal/livez", "/portal/readyz",
                "/account/sign-up", "/account/sign-in", "/account/verify/{token}",
                "/account/password/forgot", "/account/password/reset/{token}", "/rate/{token}",
                "/rate/{token}/decline", "/verify"}
# writes anyone may make (still with the CSRF token); every other write needs an account
PUBLIC_WRITES = {"/language", "/account/sign-up", "/account/sign-in", "/account/sign-out", "/account/verify/{token}",
                 "/account/password/forgot", "/account/password/reset/{token}", "/rate/{token}",
                 "/rate/{token}/decline", "/verify"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OFF_SITE = ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "\\\\evil.example",
            "///evil.example/x", "/\t/evil.example", "https:evil.example", "//evil.example@good/x"]
ACCOUNT = {"id": "a1", "tenant": "itmhca", "email": "ana@example.org", "name": "Ana", "roles": ["applicant"],
           "language": "en", "email_verified": True}
SIGNED_IN_SESSION = "session-id-of-a-signed-in-browser"
CSRF = "csrf-of-the-signed-in-browser"


@dataclass(frozen=True)
class Route:
    method: str
    path: str

    @property
    def url(self) -> str:
        def sample(match: re.Match[str]) -> str:
            name = match[1]
            assert name in SAMPLES, f"{self.method} {self.path}: add a sample value for {{{name}}} to SAMPLES"
            return SAMPLES[name]
        return re.sub(r"\{(\w+)(?::\w+)?\}", sample, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def route_table() -> list[Route]:
    app = build(SETTINGS, store=MemorySessionStore())
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD" and route.path:
                found.add(Route(method, route.path))
    return sorted(found, key=lambda r: (r.path, r.method))


ROUTES = route_table()
PAGES = [r for r in ROUTES if r.method == "GET"]
WRITES = [r for r in ROUTES if r.method in WRITE_METHODS]
ACCOUNT_PAGES = [r for r in PAGES if r.path not in PUBLIC_PAGES]
ACCOUNT_WRITES = [r for r in WRITES if r.path not in PUBLIC_WRITES]


class Gateway:
    """The gateway's public API with an application, a reference request and an account; records every call."""

    def __init__(self) -> None:
        self.applications = ApplyGateway()
        self.requests: list[httpx.Request] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 - one answer per route
        self.requests.append(request)
        path = request.url.path
        if self.down and not path.startswith("/tenants"):
            raise httpx.ConnectError(f"connection refused: {request.url}")
        if path == "/auth/login":
            return httpx.Response(200, json={"access_token": BEARER, "expires_at": "2099-01-01T00:00:00Z",
                                             "account": ACCOUNT})
        if path in ("/auth/me", "/auth/signup"):
            return httpx.Response(200, json=ACCOUNT)
        if path.startswith("/auth/"):
            return httpx.Response(204)
        if path == f"/references/{LINK_TOKEN}" and request.method == "GET":
            return httpx.Response(200, json={
                "applicant_name": "Ana", "category": "IFS", "category_name": "Infant Family Specialist",
                "rater_name": "Bea", "rater_kind": "supervisor", "waived": True, "expires_at": "2027-12-16T07:00:00Z",
                "items": [{"id": "i1", "domain": "Theory", "name": "Knows development"}],
                "scale": [{"value": 1, "label": "Rarely"}, {"value": 0, "label": "Not enough"}],
                "max_not_enough_information": 1})
        if path == f"/applications/{APP_ID}/requirements":
            return httpx.Response(200, json=REPORT)
        answer = self.applications(request)
        if answer.status_code == 404:  # as the gateway says it: without echoing the path
            return httpx.Response(404, json={"status": 404, "code": "NOT_FOUND", "title": "Not Found",
                                             "detail": "Not Found"})
        return answer

    def calls(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def store() -> MemorySessionStore:
    return MemorySessionStore()


@pytest.fixture
def anonymous(gateway: Gateway, store: MemorySessionStore) -> Iterator[TestClient]:
    app = build(SETTINGS, store=store, transport=httpx.MockTransport(gateway))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def seed_signed_in(store: MemorySessionStore) -> None:
    asyncio.run(store.save(PortalSession(
        id=SIGNED_IN_SESSION, csrf_token=CSRF, expires_at=datetime.now(UTC) + timedelta(hours=1),
        access_token=BEARER, account=dict(ACCOUNT), language="en")))


@pytest.fixture
def signed_in(gateway: Gateway, store: MemorySessionStore) -> Iterator[TestClient]:
    seed_signed_in(store)
    app = build(SETTINGS, store=store, transport=httpx.MockTransport(gateway))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        client.cookies.set(COOKIE, SIGNED_IN_SESSION)
        yield client


def fresh_browser(client: TestClient, store: MemorySessionStore, signed: bool) -> str:
    """Back to a signed-out browser with a session, or to the signed-in one (a sign-in or sign-out on the route
    before rotated it); the CSRF token to use."""
    client.cookies.clear()
    if signed:
        seed_signed_in(store)
        client.cookies.set(COOKIE, SIGNED_IN_SESSION)
        return CSRF
    return csrf_of(client)


def csrf_of(client: TestClient) -> str:
    html = client.get("/").text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "the landing page carries the CSRF token"
    return found[1]


def on_site(location: str) -> bool:
    """A Location a browser resolves to this site: a path, read the way browsers read it (tabs and newlines
    dropped, backslashes as slashes)."""
    seen = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(seen)
    return seen.startswith("/") and not seen.startswith("//") and not parts.scheme and not parts.netloc


def test_the_route_table_is_what_these_tests_think_it_is() -> None:
    paths = {r.path for r in ROUTES}
    assert paths >= PUBLIC_PAGES, f"gone from the portal: {PUBLIC_PAGES - paths}"
    assert paths >= PUBLIC_WRITES, f"gone from the portal: {PUBLIC_WRITES - paths}"
    assert len(WRITES) > 20 and len(ACCOUNT_PAGES) > 20
    for route in ROUTES:
        assert route.url  # every path parameter has a sample value


# --- CSRF --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("route", WRITES, ids=str)
def test_every_write_refuses_a_missing_or_wrong_csrf_token(route: Route, signed_in: TestClient,
                                                            gateway: Gateway) -> None:
    signed_in.get("/")  # the tenant profile is read once, before counting
    before = len(gateway.requests)
    attempts: list[dict[str, Any]] = [
        {"data": {"name": "x", "password": PASSWORD}},
        {"data": {"name": "x", CSRF_FIELD: "not-the-token"}},
        {"data": {CSRF_FIELD: ""}},
        {"headers": {"x-csrf-token": "not-the-token"}, "data": {CSRF_FIELD: CSRF}},  # the header is what is checked
        {"json": {CSRF_FIELD: CSRF}},
        {"files": {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}, "data": {"kind": "cv"}},
    ]
    for attempt in attempts:
        response = signed_in.request(route.method, route.url, **attempt)
        assert response.status_code == 403, f"{route} with {sorted(attempt)}: {response.status_code}"
        assert "This form has expired" in response.text
    assert gateway.calls()[before:] == [], f"{route} called the gateway without a valid CSRF token"


@pytest.mark.parametrize("route", WRITES, ids=str)
def test_every_write_refuses_a_browser_without_a_session(route: Route, anonymous: TestClient,
                                                         gateway: Gateway) -> None:
    anonymous.get("/portal/healthz")
    before = len(gateway.requests)
    response = anonymous.request(route.method, route.url, data={CSRF_FIELD: "guessed"})
    if route.path in PUBLIC_WRITES:
        assert response.status_code == 403, f"{route}: {response.status_code}"
    else:
        assert response.status_code in (303, 403), f"{route}: {response.status_code}"
    assert [c for c in gateway.calls()[before:] if not c.startswith("GET /tenants")] == []


# --- sign-in -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("route", ACCOUNT_PAGES, ids=str)
def test_every_account_page_sends_a_signed_out_person_to_sign_in(route: Route, anonymous: TestClient,
                                                                 gateway: Gateway) -> None:
    response = anonymous.get(route.url, params={"from": "x"})
    assert response.status_code == 303, f"{route}: {response.status_code}"
    assert response.headers["location"] == f"/account/sign-in?next={quote(route.url + '?from=x', safe='/')}"
    assert not [c for c in gateway.calls() if not c.startswith("GET /tenants")]


@pytest.mark.parametrize("route", ACCOUNT_WRITES, ids=str)
def test_every_account_write_sends_a_signed_out_person_to_sign_in(route: Route, anonymous: TestClient,
                                                                  gateway: Gateway) -> None:
    token = csrf_of(anonymous)
    response = anonymous.request(route.method, route.url, data={CSRF_FIELD: token})
    assert response.status_code == 303, f"{route}: {response.status_code}"
    assert response.headers["location"].startswith("/account/sign-in?next=")
    assert not [c for c in gateway.calls() if not c.startswith("GET /tenants")]


@pytest.mark.parametrize("route", [r for r in PAGES if r.path in PUBLIC_PAGES], ids=str)
def test_public_pages_open_without_an_account(route: Route, anonymous: TestClient) -> None:
    response = anonymous.get(route.url)
    assert response.status_code == 200, f"{route}: {response.status_code}"


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_site(target: str, anonymous: TestClient, signed_in: TestClient,
                                   store: MemorySessionStore) -> None:
    csrf_of(anonymous)
    form = anonymous.get("/account/sign-in", params={"next": target})
    typed = re.search(r'name="next" value="([^"]*)"', form.text)
    assert typed and on_site(typed[1].replace("&amp;", "&")), typed
    redirects: list[httpx.Response] = []
    # every route, asked to go back to `next`, with or without an account
    for client, signed in ((anonymous, False), (signed_in, True)):
        for route in ROUTES:
            csrf = fresh_browser(client, store, signed)
            if route.method == "GET":
                response = client.get(route.url, params={"next": target})
            elif route.method in WRITE_METHODS:
                response = client.request(route.method, route.url, data={
                    CSRF_FIELD: csrf, "next": target, "email": "ana@example.org", "password": PASSWORD,
                    "language": "es"})
            else:
                continue
            if response.is_redirect:
                redirects.append(response)
    assert len(redirects) > 30
    for response in redirects:
        location = response.headers["location"]
        assert on_site(location), f"{response.request.method} {response.request.url.path} -> {location}"
        if location.startswith("/account/sign-in?"):
            assert "evil.example" not in location.split("next=", 1)[1].split("%3F", 1)[0]


# --- headers and markup ------------------------------------------------------------------------------------

class _InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' refuses: inline script, <style>, style= and on…= attributes,
    javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            self._in_script = "src" not in names
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def assert_secure_html(response: httpx.Response, what: str) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, what
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), what
    assert inline_code(response.text) == [], what


def test_every_html_response_has_the_security_headers_and_no_inline_code(
        anonymous: TestClient, signed_in: TestClient, store: MemorySessionStore) -> None:
    checked = 0
    crashed: list[str] = []
    for client, signed in ((anonymous, False), (signed_in, True)):
        for route in ROUTES:
            csrf = fresh_browser(client, store, signed)
            if route.method == "GET":
                responses = [client.get(route.url), client.get(route.url, headers={"hx-request": "true"})]
            else:
                responses = [client.request(route.method, route.url, data={CSRF_FIELD: csrf}),
                             client.request(route.method, route.url, data={})]  # the 403 page
            for response in responses:
                crashed.extend([f"{route}"] if response.status_code == 500 else [])
                if response.headers.get("content-type", "").startswith("text/html"):
                    assert_secure_html(response, f"{route} -> {response.status_code}")
                    checked += 1
        for extra in ("/no-such-page", "/static/nope.css", f"/apply/{APP_ID}/nope/x/y/z"):
            response = client.get(extra)
            if response.headers.get("content-type", "").startswith("text/html"):
                assert_secure_html(response, extra)
                checked += 1
        response = client.request("DELETE", "/")  # 405
        assert_secure_html(response, "DELETE /")
    assert checked > 100
    assert crashed == [], "pages that crashed (500) on the fake gateway"


def test_no_template_writes_inline_script_style_or_event_handlers() -> None:
    templates = sorted(Path(TEMPLATES_DIR).rglob("*.html"))
    assert len(templates) > 20
    for template in templates:
        source = template.read_text(encoding="utf-8")
        # the Jinja syntax is no HTML: blank it out, keeping the markup around it
        markup = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", source, flags=re.DOTALL)
        problems = inline_code(markup)
        problems += [f"style= or on…= written by Jinja: {m}" for m in
                     re.findall(r"\s(style|on[a-z]+)\s*=\s*[\"']?\{\{", source)]
        assert problems == [], f"{template.relative_to(TEMPLATES_DIR)}: {problems}"


# --- the session cookie ------------------------------------------------------------------------------------

def _cookie_of(response: httpx.Response) -> str:
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(f"{COOKIE}=")]
    assert len(cookies) == 1, response.headers
    return cookies[0].lower()


def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(anonymous: TestClient) -> None:
    plain = _cookie_of(anonymous.get("/"))
    assert "httponly" in plain and "samesite=lax" in plain and "path=/" in plain
    anonymous.cookies.clear()
    https = {"x-forwarded-proto": "https"}
    behind_https = _cookie_of(anonymous.get("/", headers=https))
    assert "httponly" in behind_https and "samesite=lax" in behind_https and "; secure" in behind_https
    token = csrf_of(anonymous)
    signed = anonymous.post("/account/sign-in", headers=https, data={
        CSRF_FIELD: token, "email": "ana@example.org", "password": PASSWORD})
    assert signed.status_code == 303
    rotated = _cookie_of(signed)
    assert "httponly" in rotated and "samesite=lax" in rotated and "; secure" in rotated


def test_sign_in_rotates_the_session_and_sign_out_deletes_it(anonymous: TestClient, store: MemorySessionStore,
                                                            gateway: Gateway) -> None:
    token = csrf_of(anonymous)
    before = anonymous.cookies.get(COOKIE)
    assert before and len(store.rows) == 1
    response = anonymous.post("/account/sign-in", data={CSRF_FIELD: token, "email": "a@b.c", "password": PASSWORD})
    assert response.status_code == 303
    after = anonymous.cookies.get(COOKIE)
    assert after and after != before
    assert len(store.rows) == 1 and asyncio.run(store.load(before)) is None  # the old id is gone server-side
    signed = asyncio.run(store.load(after))
    assert signed is not None and signed.signed_in and signed.csrf_token != token
    # the old cookie (say, planted by an attacker before sign-in) is worth nothing now
    anonymous.cookies.set(COOKIE, before)
    assert anonymous.get("/account").status_code == 303
    anonymous.cookies.set(COOKIE, after)

    assert anonymous.get("/account").status_code == 200
    out = anonymous.post("/account/sign-out", data={CSRF_FIELD: signed.csrf_token})
    assert out.status_code == 303
    assert "POST /auth/logout" in gateway.calls()
    assert asyncio.run(store.load(after)) is None
    assert all(row.access_token is None for row in store.rows.values())
    anonymous.cookies.set(COOKIE, after)  # replaying the signed-out cookie
    assert anonymous.get("/account").status_code == 303


# --- logs --------------------------------------------------------------------------------------------------

def test_no_log_record_carries_a_secret(anonymous: TestClient, signed_in: TestClient, gateway: Gateway,
                                        store: MemorySessionStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for client, signed in ((anonymous, False), (signed_in, True)):
        for route in ROUTES:
            csrf = fresh_browser(client, store, signed)
            if route.method == "GET":
                client.get(route.url, params={"next": route.url})
            elif route.method in WRITE_METHODS:
                client.request(route.method, route.url, headers={"authorization": f"Bearer {BEARER}"}, data={
                    CSRF_FIELD: csrf, "email": "ana@example.org", "password": PASSWORD, "new_password": PASSWORD,
                    "current_password": PASSWORD, "confirm_password": PASSWORD, "next": route.url})
    # the gateway down (its error names the URL) on the pages with a token in their address
    gateway.down = True
    for path in (f"/rate/{LINK_TOKEN}", f"/rate/{LINK_TOKEN}/decline", f"/apply/{APP_ID}", "/dashboard"):
        assert signed_in.get(path).status_code == 503
    signed_in.post(f"/account/password/reset/{LINK_TOKEN}", data={
        CSRF_FIELD: CSRF, "new_password": PASSWORD, "confirm_password": PASSWORD})
    assert len(caplog.records) > 50, "the portal logs its requests"
    secrets = (LINK_TOKEN, BEARER, PASSWORD, f"/account/verify/{LINK_TOKEN}", f"/rate/{LINK_TOKEN}")
    for record in caplog.records:
        text = logging.Formatter().format(record) + repr(record.__dict__)
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{record.name} {record.levelname}: {record.getMessage()[:200]}"

