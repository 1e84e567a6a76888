"""Idempotency-Key on POSTs (issue 10, "Database death"): a client may repeat a request whose answer it never got."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from .conftest import Clock, FakeService, Gateway, MakeGateway, free_port

Upstreams = dict[str, FakeService]
BODY = {"category": "IFS"}


async def applicant(gateway: Gateway, email: str = "ada@example.org") -> dict[str, str]:
    await gateway.sign_up(email)
    return {"authorization": f"Bearer {await gateway.log_in(email)}"}


async def test_a_repeat_gets_the_first_answer_and_the_service_sees_one_request(
        gateway: Gateway, upstreams: Upstreams) -> None:
    auth = await applicant(gateway)
    first = await gateway.client.post("/applications", json=BODY, headers={**auth, "idempotency-key": "k-1"})
    repeat = await gateway.client.post("/applications", json=BODY, headers={**auth, "idempotency-key": "k-1"})
    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json() == {"service": "applications", "created": True}
    assert repeat.headers["location"] == first.headers["location"] == "/applications/123"
    assert repeat.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert repeat.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(upstreams["applications"].received) == 1
    other_key = await gateway.client.post("/applications", json=BODY, headers={**auth, "idempotency-key": "k-2"})
    assert other_key.status_code == 201 and "idempotent-replayed" not in other_key.headers
    assert len(upstreams["applications"].received) == 2


async def test_without_the_header_every_post_runs(gateway: Gateway, upstreams: Upstreams) -> None:
    auth = await applicant(gateway)
    for _ in range(2):
        assert (await gateway.client.post("/applications", json=BODY, headers=auth)).status_code == 201
    assert len(upstreams["applications"].received) == 2


async def test_the_same_key_with_another_body_is_refused(gateway: Gateway, upstreams: Upstreams) -> None:
    auth = await applicant(gateway)
    await gateway.client.post("/applications", json=BODY, headers={**auth, "idempotency-key": "k-1"})
    reused = await gateway.client.post("/applications", json={"category": "CNS"},
                                       headers={**auth, "idempotency-key": "k-1"})
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(upstreams["applications"].received) == 1


async def test_a_repeat_while_the_first_runs_is_told_to_retry(gateway: Gateway, upstreams: Upstreams) -> None:
    auth = {**await applicant(gateway), "idempotency-key": "k-slow"}
    first = asyncio.create_task(gateway.client.post("/applications/7/slow", json=BODY, headers=auth))
    while not upstreams["applications"].received:  # the first is at the service now
        await asyncio.sleep(0.01)
    in_use = await gateway.client.post("/applications/7/slow", json=BODY, headers=auth)
    assert in_use.status_code == 409
    assert in_use.json()["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert in_use.headers["retry-after"] == "1"
    assert (await first).status_code == 201
    replayed = await gateway.client.post("/applications/7/slow", json=BODY, headers=auth)
    assert replayed.status_code == 201 and replayed.headers["idempotent-replayed"] == "true"
    assert len(upstreams["applications"].received) == 1


async def test_a_refusal_is_kept_but_an_unavailable_answer_is_not(make_gateway: MakeGateway,
                                                                 upstreams: Upstreams) -> None:
    broken = await make_gateway(applications_url=f"http://127.0.0.1:{free_port()}")
    auth = {**await applicant(broken), "idempotency-key": "k-1"}
    unavailable = await broken.client.post("/applications", json=BODY, headers=auth)
    assert unavailable.status_code == 503
    working = await make_gateway()  # the same database: the repeat runs, as nothing was kept
    ran = await working.client.post("/applications", json=BODY, headers=auth)
    assert ran.status_code == 201 and "idempotent-replayed" not in ran.headers
    assert len(upstreams["applications"].received) == 1

    refused_key = {**auth, "idempotency-key": "k-problem"}
    refused = await working.client.post("/applications/7/problem", json=BODY, headers=refused_key)
    again = await working.client.post("/applications/7/problem", json=BODY, headers=refused_key)
    assert refused.status_code == again.status_code == 409
    assert again.json()["code"] == "UPSTREAM_SAID_NO" and again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == "application/problem+json"
    assert len(upstreams["applications"].received) == 2


async def test_keys_belong_to_their_caller(gateway: Gateway, upstreams: Upstreams) -> None:
    ada = {**await applicant(gateway), "idempotency-key": "shared"}
    bob = {**await applicant(gateway, "bob@example.org"), "idempotency-key": "shared"}
    assert (await gateway.client.post("/applications", json=BODY, headers=ada)).status_code == 201
    theirs = await gateway.client.post("/applications", json=BODY, headers=bob)
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    anonymous = await gateway.client.post("/credentials/verify", json=BODY, headers={"idempotency-key": "shared"})
    elsewhere = await gateway.client_from("203.0.113.7")
    other_address = await elsewhere.post("/credentials/verify", json=BODY, headers={"idempotency-key": "shared"})
    assert "idempotent-replayed" not in anonymous.headers and "idempotent-replayed" not in other_address.headers
    assert len(upstreams["applications"].received) == 2 and len(upstreams["credentials"].received) == 2


async def test_uploads_repeat_with_a_new_multipart_boundary(gateway: Gateway, upstreams: Upstreams) -> None:
    auth = {**await applicant(gateway), "idempotency-key": "upload-1"}
    files = {"file": ("cv.pdf", b"%PDF-1.7 " + bytes(range(256)) * 40, "application/pdf")}
    first = await gateway.client.post("/applications/42/documents", files=files, headers=auth)
    repeat = await gateway.client.post("/applications/42/documents", files=files, headers=auth)
    [seen] = upstreams["applications"].received
    assert repeat.status_code == first.status_code == 201 and repeat.headers["idempotent-replayed"] == "true"
    assert seen["headers"]["content-type"] != repeat.request.headers["content-type"]  # each try its own boundary
    other_file = {"file": ("cv.pdf", b"%PDF-1.7 another", "application/pdf")}
    reused = await gateway.client.post("/applications/42/documents", files=other_file, headers=auth)
    assert reused.status_code == 422 and reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_the_gateways_own_posts_repeat_too_but_not_log_in(gateway: Gateway) -> None:
    body = {"tenant": "itmhca", "email": "ada@example.org", "name": "Ada", "password": "correct horse battery"}
    first = await gateway.client.post("/auth/signup", json=body, headers={"idempotency-key": "signup-1"})
    repeat = await gateway.client.post("/auth/signup", json=body, headers={"idempotency-key": "signup-1"})
    assert first.status_code == repeat.status_code == 201  # not 409 EMAIL_TAKEN: the answer it never got
    assert repeat.json() == first.json()
    login = {"tenant": "itmhca", "email": "ada@example.org", "password": "correct horse battery"}
    sessions = [await gateway.client.post("/auth/login", json=login, headers={"idempotency-key": "login-1"})
                for _ in range(2)]
    assert [s.status_code for s in sessions] == [200, 200]
    assert sessions[0].json()["access_token"] != sessions[1].json()["access_token"]
    assert "idempotent-replayed" not in sessions[1].headers
    async with gateway.app.state.runtime.pool.acquire() as conn:
        sealed = await conn.fetch("SELECT sealed FROM gateway.idempotency")
    assert len(sealed) == 1 and b"ada@example.org" not in sealed[0]["sealed"]  # answers are sealed at rest


async def test_kept_answers_expire(make_gateway: MakeGateway, upstreams: Upstreams, clock: Clock) -> None:
    gateway = await make_gateway(idempotency_key_ttl_hours=2)
    auth = {**await applicant(gateway), "idempotency-key": "k-1"}
    await gateway.client.post("/applications", json=BODY, headers=auth)
    clock.advance(timedelta(hours=1))
    kept = await gateway.client.post("/applications", json=BODY, headers=auth)
    assert kept.headers["idempotent-replayed"] == "true"
    clock.advance(timedelta(hours=1))
    again = await gateway.client.post("/applications", json=BODY, headers=auth)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert len(upstreams["applications"].received) == 2


async def test_a_malformed_key_is_refused(gateway: Gateway, upstreams: Upstreams) -> None:
    auth = await applicant(gateway)
    for key in ("x" * 256, "caf\u00e9"):
        refused = await gateway.client.post("/applications", json=BODY,
                                            headers=httpx.Headers({**auth, "idempotency-key": key}, encoding="utf-8"))
        assert refused.status_code == 400 and refused.json()["code"] == "INVALID_IDEMPOTENCY_KEY", key
    assert not upstreams["applications"].received
