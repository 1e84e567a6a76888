"""Text PostgreSQL cannot store, in a portal form, reaches the portal (which answers with its own page in the
person's language); in the API it is still refused with the 422 problem."""

from __future__ import annotations

from .conftest import FakePortal, Gateway

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_a_nul_in_a_portal_form_is_left_to_the_portal(gateway: Gateway, portal: FakePortal) -> None:
    answer = await gateway.client.post("/account/sign-up", content=b"name=Ada%00&csrf_token=c", headers=FORM)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    [seen] = portal.received
    assert seen["body"] == b"name=Ada%00&csrf_token=c"


async def test_the_api_and_portal_paths_keep_the_guard(gateway: Gateway, portal: FakePortal) -> None:
    refused = await gateway.client.post("/auth/signup", content=b"name=Ada%00", headers=FORM)
    assert refused.status_code == 422 and refused.json()["code"] == "UNSUPPORTED_CHARACTERS"
    in_query = await gateway.client.post("/account/sign-up?next=%00", content=b"name=Ada", headers=FORM)
    assert in_query.status_code == 422 and in_query.json()["code"] == "UNSUPPORTED_CHARACTERS"
    assert not portal.received
