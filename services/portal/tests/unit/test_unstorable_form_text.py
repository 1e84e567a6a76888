"""A NUL (or an unpaired surrogate) in any portal form gets the portal's own error page with its error summary,
in the person's language: never the gateway's JSON, and nothing reaches the gateway. Every write of the route
table is tried (see test_route_table_security.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from portal.sessions import MemorySessionStore
from portal.web.security import CSRF_FIELD

from .test_route_table_security import (  # noqa: F401 - the fixtures are used by name
    WRITES,
    Gateway,
    Route,
    anonymous,
    csrf_of,
    fresh_browser,
    gateway,
    signed_in,
    store,
)

SUMMARY = 'class="error-summary" role="alert"'


def calls_after(gateway: Gateway, before: int) -> list[str]:  # noqa: F811
    return [c for c in gateway.calls()[before:] if not c.startswith("GET /tenants")]


@pytest.mark.parametrize("route", WRITES, ids=str)
def test_every_form_refuses_a_nul_with_its_own_error_page(route: Route, signed_in: TestClient,  # noqa: F811
                                                         store: MemorySessionStore,  # noqa: F811
                                                         gateway: Gateway) -> None:  # noqa: F811
    for attempt in ({"data": {"name": "Ada\x00", "statement": "fine"}},
                    {"data": {"note\x00": "x"}},
                    {"data": {"kind": "cv\x00"}, "files": {"file": ("cv.pdf", b"%PDF-1.4", "application/pdf")}}):
        csrf = fresh_browser(signed_in, store, signed=True)
        before = len(gateway.requests)
        data = {**attempt["data"], CSRF_FIELD: csrf}
        response = signed_in.request(route.method, route.url, data=data, files=attempt.get("files"),
                                     headers={"referer": "http://testserver/apply/form?step=2"})
        assert response.status_code == 422, f"{route} {attempt}: {response.status_code}"
        assert response.headers["content-type"].startswith("text/html")
        assert SUMMARY in response.text and "<title>Error:" in response.text
        assert 'href="/apply/form?step=2"' in response.text, attempt  # back to the form
        assert calls_after(gateway, before) == [], f"{route} passed unstorable text on"


def test_the_page_speaks_the_persons_language(anonymous: TestClient, gateway: Gateway) -> None:  # noqa: F811
    csrf = csrf_of(anonymous)
    response = anonymous.post("/account/sign-up", headers={"accept-language": "es", "referer": "https://evil.example/"},
                              data={"name": "Ana\x00", "email": "ana@example.org", CSRF_FIELD: csrf})
    assert response.status_code == 422
    assert "Hay un problema" in response.text and "No se pudo aceptar parte del texto" in response.text
    assert 'href="/"' in response.text  # a Referer from elsewhere is not followed


def test_text_a_browser_can_send_otherwise_is_unaffected(anonymous: TestClient, gateway: Gateway) -> None:  # noqa: F811
    """Bytes of a lone surrogate arrive as replacement characters (storable); the page goes on as usual."""
    csrf = csrf_of(anonymous)
    response = anonymous.post("/account/sign-up", headers={"content-type": "application/x-www-form-urlencoded"},
                              content=f"name=Ana%ED%A0%80&email=ana%40example.org&password=correct+horse+battery"
                                      f"&password_confirm=correct+horse+battery&{CSRF_FIELD}={csrf}".encode())
    assert response.status_code != 422 or "error-summary" in response.text
    assert "cannot be accepted" not in response.text
