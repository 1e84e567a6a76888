"""Whatever no gateway or service route takes goes to the portal: headers, cookies, bytes, uploads, outages."""

from __future__ import annotations

from typing import Any

from .conftest import FakePortal, FakeService, Gateway, MakeGateway, free_port


async def test_pages_go_to_the_portal_with_the_browsers_headers(gateway: Gateway, portal: FakePortal) -> None:
    answer = await gateway.client.get("/dashboard?tab=2", headers={
        "cookie": "portal_session=s1", "accept-language": "es", "accept": "text/html", "hx-request": "true",
        "authorization": "Bearer not-for-the-portal", "x-other": "no", "user-agent": "test-browser"})
    assert answer.status_code == 200 and answer.text.startswith("<!doctype html>")
    for name, value in {"content-security-policy": "default-src 'self'", "x-frame-options": "DENY",
                        "vary": "Accept-Language", "cache-control": "no-store"}.items():
        assert answer.headers[name] == value
    [received] = portal.received
    assert (received["path"], received["query"]) == ("/dashboard", "tab=2")
    sent: dict[str, Any] = received["headers"]
    assert sent["cookie"] == "portal_session=s1" and sent["accept-language"] == "es"
    assert sent["hx-request"] == "true" and sent["user-agent"] == "test-browser"
    assert sent["x-forwarded-proto"] == "http" and sent["x-forwarded-host"] == "gateway"
    assert "authorization" not in sent and "x-other" not in sent


async def test_redirects_and_every_cookie_come_back_unfollowed(gateway: Gateway, portal: FakePortal) -> None:
    answer = await gateway.client.post("/sign-in", data={"email": "a@example.org"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard" and answer.headers["hx-redirect"] == "/dashboard"
    cookies = answer.headers.get_list("set-cookie")
    assert len(cookies) == 2 and cookies[0].startswith("portal_session=s1") and "HttpOnly" in cookies[0]
    assert "x-internal" not in answer.headers
    assert portal.received[0]["body"] == b"email=a%40example.org"


async def test_one_visitors_cookie_never_reaches_the_next_visitor(gateway: Gateway, portal: FakePortal) -> None:
    """The gateway's upstream client is shared by everyone: it must keep no cookie jar of its own."""
    signed_in = await gateway.client.post("/sign-in", data={"email": "a@example.org"})
    assert signed_in.headers.get_list("set-cookie")
    gateway.client.cookies.clear()  # the next visitor: a browser with no cookie at all
    await gateway.client.get("/dashboard")
    assert "cookie" not in portal.received[-1]["headers"]


async def test_downloads_come_back_byte_for_byte(gateway: Gateway, portal: FakePortal) -> None:
    answer = await gateway.client.get("/credentials-page/abc/pdf")
    assert answer.content == bytes(range(256)) * 4
    assert answer.headers["content-disposition"] == 'attachment; filename="c.pdf"'


async def test_portal_uploads_may_be_as_large_as_documents(gateway: Gateway, portal: FakePortal) -> None:
    upload = b"x" * (3 * 1024 * 1024)
    answer = await gateway.client.post("/apply/123/documents", files={"file": ("a.pdf", upload, "application/pdf")})
    assert answer.status_code == 201 and answer.json()["received"] > len(upload)
    too_big = await gateway.client.post("/apply/123/notes", content=upload)
    assert too_big.status_code == 413


async def test_api_routes_keep_their_own_answers(gateway: Gateway, portal: FakePortal,
                                                 upstreams: dict[str, FakeService]) -> None:
    assert (await gateway.client.get("/auth/login")).status_code == 405
    assert (await gateway.client.get("/tenants/itmhca/did.json")).json()["service"] == "credentials"
    assert (await gateway.client.get("/tenants")).status_code == 200
    assert (await gateway.client.get("/healthz")).status_code == 200
    assert portal.received == []


async def test_when_the_portal_is_down_browsers_get_a_page_and_clients_a_problem(
    make_gateway: MakeGateway, upstreams: dict[str, FakeService]
) -> None:
    gateway = await make_gateway(portal_url=f"http://127.0.0.1:{free_port()}")
    page = await gateway.client.get("/", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text
    problem = await gateway.client.get("/", headers={"accept": "application/json"})
    assert problem.status_code == 503 and problem.json()["code"] == "PORTAL_UNAVAILABLE"
