"""Issue 10 items 2 and 3 through the applications service as `python -m applications` builds it: no rater token
in any log line, and text PostgreSQL cannot store refused with 422 UNSUPPORTED_CHARACTERS (it gave 503, or was
stored)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from journeys import assert_problem
from uvicorn.logging import AccessFormatter

if TYPE_CHECKING:
    from conftest import Person, Running

TOKEN = "0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210.1760000000.c2VjcmV0LXNpZ25hdHVyZQ"


async def test_holdings_filtered_by_a_nul_is_refused_not_unavailable(running: Running,
                                                                     person: Callable[..., Person]) -> None:
    coordinator = person("itmhca", "coordinator")
    response = await running.http.get("/applications/holdings?category=%00", headers=coordinator.headers)
    body = assert_problem(response, 422, "UNSUPPORTED_CHARACTERS")
    assert body["errors"][0]["location"] == "query.category"


async def test_a_nul_in_the_statement_is_refused_and_never_stored(running: Running,
                                                                  person: Callable[..., Person]) -> None:
    dana = person()
    created = await running.http.post("/applications", json={"category": "IFA"}, headers=dana.headers)
    assert created.status_code == 201, created.text
    url = f"/applications/{created.json()['id']}"
    for body in (b'{"statement": "I work\\u0000 with families"}', b'{"statement": "lone \\udc00"}'):
        response = await running.http.patch(url, content=body, headers={**dana.headers,
                                                                        "content-type": "application/json"})
        problem = assert_problem(response, 422, "UNSUPPORTED_CHARACTERS")
        assert problem["errors"][0]["location"] == "body.statement"
    after = await running.http.get(url, headers=dana.headers)
    assert "\x00" not in str(after.json().get("statement"))


async def test_rater_links_leave_no_token_in_any_log_line(running: Running,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # another test's in-process uvicorn may have set this logger's level (log_level=...) and, with uvicorn's own
    # log config, stopped it propagating to the root, where caplog listens: undo both for this test
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    access = logging.getLogger("uvicorn.access")
    access.addHandler(caplog.handler)
    try:
        await _request_rater_links(running)
    finally:
        access.removeHandler(caplog.handler)
    formatter = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    lines = [formatter.format(r) if r.name == "uvicorn.access" else r.getMessage() for r in caplog.records]
    assert any("/references/[redacted]" in line for line in lines)
    assert not [line for line in lines if TOKEN in line]
    assert TOKEN not in caplog.text


async def _request_rater_links(running: Running) -> None:
    for method, path in (("GET", f"/references/{TOKEN}"), ("POST", f"/references/{TOKEN}"),
                         ("PUT", f"/references/{TOKEN}/draft"), ("POST", f"/references/{TOKEN}/decline"),
                         ("GET", f"/references/{TOKEN}?token={TOKEN}&lang=es")):
        response = await running.http.request(method, path, json={"ratings": {}, "comments": "x"})
        assert response.status_code < 500, response.text
        # what uvicorn's access logger writes for this request, in its own format
        logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", method, path, "1.1",
                                                 response.status_code)
