"""Issue 10 items 2 and 3 at the gateway: no rater token or password in any log line (uvicorn's access log, the
httpx client that forwards, the gateway's own warnings), and text PostgreSQL cannot store refused with 422."""

from __future__ import annotations

import logging

import pytest
from uvicorn.logging import AccessFormatter

from .conftest import Gateway

TOKEN = "0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210.1760000000.c2VjcmV0LXNpZ25hdHVyZQ"
PASSWORD = "correct horse battery"


async def test_a_nul_in_a_signup_name_is_refused_not_unavailable(gateway: Gateway) -> None:
    body = b'{"tenant": "itmhca", "email": "nul@example.org", "name": "Ada\\u0000", "password": "correct horse b"}'
    response = await gateway.client.post("/auth/signup", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "UNSUPPORTED_CHARACTERS" and problem["errors"][0]["location"] == "body.name"
    assert response.headers["x-request-id"]  # refused inside the gateway's other middleware
    for target in ("/auth/me?x=%00", "/applications/holdings?category=%00"):
        refused = await gateway.client.get(target)
        assert refused.status_code == 422 and refused.json()["code"] == "UNSUPPORTED_CHARACTERS", target


async def test_rater_links_and_passwords_leave_nothing_in_the_logs(gateway: Gateway,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # even were httpx to log at DEBUG: its URLs are redacted
    try:
        for method, path in (("GET", f"/references/{TOKEN}"), ("POST", f"/references/{TOKEN}"),
                             ("PUT", f"/references/{TOKEN}/draft"), ("POST", f"/references/{TOKEN}/decline"),
                             ("GET", f"/account/verify/{TOKEN}"), ("GET", f"/rate/{TOKEN}?token={TOKEN}")):
            response = await gateway.client.request(method, path, json={"ratings": {}})
            logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", method, path,
                                                     "1.1", response.status_code)
        await gateway.client.post("/auth/login", json={"tenant": "itmhca", "email": "x@example.org",
                                                       "password": PASSWORD})
    finally:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    formatter = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    lines = [formatter.format(r) if r.name == "uvicorn.access" else r.getMessage() for r in caplog.records]
    assert any("/references/[redacted]" in line for line in lines)
    assert not [line for line in lines if TOKEN in line or PASSWORD in line]
