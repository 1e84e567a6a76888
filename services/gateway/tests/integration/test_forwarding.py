"""Forwarding to the services: identity tokens, public paths, pass-through, failures, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import pytest
from servicekit.identity import IdentityVerifier

from .conftest import COORDINATOR, SEED_PASSWORD, FakeService, Gateway, MakeGateway, free_port

Upstreams = dict[str, FakeService]


async def test_authenticated_prefixes_refuse_anonymous_calls_before_forwarding(
    gateway: Gateway, upstreams: Upstreams
) -> None:
    for path in ("/applications", "/applications/42", "/reviews/queue", "/notifications/inbox"):
        answer = await gateway.client.get(path, headers={"authorization": "Bearer forged"})
        assert answer.status_code == 401, path
        assert answer.json()["code"] == "INVALID_SESSION"
        assert (await gateway.client.get(path)).json()["code"] == "UNAUTHENTICATED"
    assert all(not service.received for service in upstreams.values())


async def test_forwarding_replaces_the_client_authorization_with_a_signed_identity(
    gateway: Gateway, upstreams: Upstreams, gateway_keys: tuple[str, str]
) -> None:
    account = await gateway.sign_up()
    token = await gateway.log_in()
    answer = await gateway.client.post(
        "/applications?category=IFS&draft=true",
        content=b'{"category": "IFS"}',
        headers={"authorization": f"Bearer {token}", "content-type": "application/json",
                 "idempotency-key": "key-1", "accept": "application/json", "cookie": "tracking=1"},
    )
    assert answer.status_code == 201
    assert answer.json() == {"service": "applications", "created": True}
    assert answer.headers["location"] == "/applications/123"
    assert "x-internal" not in answer.headers

    [seen] = upstreams["applications"].received
    assert seen["method"] == "POST"
    assert seen["path"] == "/applications"
    assert seen["query"] == "category=IFS&draft=true"
    assert seen["body"] == b'{"category": "IFS"}'
    assert seen["headers"]["content-type"] == "application/json"
    assert seen["headers"]["idempotency-key"] == "key-1"
    assert "cookie" not in seen["headers"]
    scheme, _, identity_token = seen["headers"]["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert identity_token != token
    identity = IdentityVerifier(gateway_keys[1]).verify(identity_token)
    assert identity.account_id == UUID(account["id"])
    assert identity.tenant == "itmhca"
    assert identity.roles == frozenset({"applicant"})
    assert identity.email == "ada@example.org"


async def test_each_prefix_reaches_its_own_service(gateway: Gateway, upstreams: Upstreams) -> None:
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    auth = {"authorization": f"Bearer {token}"}
    expected = {
        "/applications/7/documents": "applications",
        "/reviews/assignments/3": "reviews",
        "/notifications/inbox": "notifications",
        "/credentials": "credentials",
        "/credentials/abc": "credentials",
        "/registry/itmhca": "credentials",
        "/tenants/itmhca/did.json": "credentials",
        "/status-lists/itmhca/1": "credentials",
    }
    for path, service in expected.items():
        answer = await gateway.client.get(path, headers=auth)
        assert answer.status_code == 200, path
        assert answer.json() == {"service": service, "path": path}


async def test_public_paths_forward_without_any_identity(gateway: Gateway, upstreams: Upstreams) -> None:
    verify = await gateway.client.post("/credentials/verify", json={"credential": {}},
                                       headers={"authorization": "Bearer something-of-the-clients"})
    assert verify.status_code == 201
    did = await gateway.client.get("/tenants/itmhca/did.json")
    status_list = await gateway.client.get("/status-lists/itmhca/1")
    assert did.status_code == status_list.status_code == 200
    received = upstreams["credentials"].received
    assert [r["path"] for r in received] == [
        "/credentials/verify", "/tenants/itmhca/did.json", "/status-lists/itmhca/1"]
    assert all("authorization" not in r["headers"] for r in received)
    assert received[0]["body"] == b'{"credential":{}}'


async def test_rater_links_reach_applications_without_an_account(gateway: Gateway, upstreams: Upstreams) -> None:
    """A rater has no account: the reference form's token is the only credential, so no session is needed."""
    token = "0" * 32 + "." + "1" * 32 + ".1." + "x" * 43
    opened = await gateway.client.get(f"/references/{token}")
    answered = await gateway.client.post(f"/references/{token}", json={"ratings": {}})
    assert opened.status_code == 200 and answered.status_code in (200, 201)
    received = upstreams["applications"].received
    assert [(r["method"], r["path"]) for r in received] == [("GET", f"/references/{token}"),
                                                             ("POST", f"/references/{token}")]
    assert all("authorization" not in r["headers"] for r in received)


async def test_public_paths_carry_the_identity_of_a_signed_in_caller(
    gateway: Gateway, upstreams: Upstreams, gateway_keys: tuple[str, str]
) -> None:
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    await gateway.client.post("/credentials/abc/revoke", headers={"authorization": f"Bearer {token}"})
    [seen] = upstreams["credentials"].received
    identity = IdentityVerifier(gateway_keys[1]).verify(seen["headers"]["authorization"].removeprefix("Bearer "))
    assert identity.roles == frozenset({"coordinator"})


async def test_upstream_problems_pass_through_unchanged(gateway: Gateway, upstreams: Upstreams) -> None:
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    answer = await gateway.client.put("/applications/9/problem", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "UPSTREAM_SAID_NO"


@pytest.fixture
async def gateway_with_dead_applications(make_gateway: MakeGateway, upstreams: Upstreams) -> AsyncIterator[Gateway]:
    yield await make_gateway(applications_url=f"http://127.0.0.1:{free_port()}")


async def test_an_unreachable_service_is_a_503_problem(gateway_with_dead_applications: Gateway) -> None:
    gateway = gateway_with_dead_applications
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    answer = await gateway.client.get("/applications", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "UPSTREAM_UNAVAILABLE"
    assert "applications" in answer.json()["detail"]


async def test_a_slow_service_is_a_504_problem(make_gateway: MakeGateway, upstreams: Upstreams) -> None:
    gateway = await make_gateway(upstream_timeout_seconds=0.3)
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    answer = await gateway.client.get("/reviews/slow", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 504
    assert answer.json()["code"] == "UPSTREAM_TIMEOUT"


async def test_oversize_bodies_are_refused_before_forwarding(gateway: Gateway, upstreams: Upstreams) -> None:
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    auth = {"authorization": f"Bearer {token}"}
    limit = 1024 * 1024
    declared = await gateway.client.post("/applications", content=b"x" * (limit + 1), headers=auth)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(17):
            yield b"y" * 65536

    streamed = await gateway.client.post("/credentials/verify", content=chunks())
    signup = await gateway.client.post("/auth/signup", content=b"z" * (limit + 1))
    for answer in (declared, streamed, signup):
        assert answer.status_code == 413
        assert answer.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert all(not service.received for service in upstreams.values())
    just_fits = await gateway.client.post("/applications", content=b"x" * limit, headers=auth)
    assert just_fits.status_code == 201
    assert len(upstreams["applications"].received[0]["body"]) == limit


async def test_document_uploads_have_their_own_limit_and_documents_pass_through_intact(
    gateway: Gateway, upstreams: Upstreams
) -> None:
    token = await gateway.log_in(COORDINATOR, SEED_PASSWORD)
    content_type = "multipart/form-data; boundary=b0undary"
    auth = {"authorization": f"Bearer {token}", "content-type": content_type}

    def form(size: int) -> bytes:
        head = (b'--b0undary\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncv\r\n--b0undary\r\n'
                b'Content-Disposition: form-data; name="file"; filename="cv.pdf"\r\n'
                b"Content-Type: application/pdf\r\n\r\n")
        tail = b"\r\n--b0undary--\r\n"
        return head + (bytes(range(256)) * (size // 256 + 1))[: size - len(head) - len(tail)] + tail

    five_mib = form(5 * 1024 * 1024)
    uploaded = await gateway.client.post("/applications/42/documents", content=five_mib, headers=auth)
    elsewhere = await gateway.client.post("/applications/42/work", content=five_mib, headers=auth)
    too_large = await gateway.client.post("/applications/42/documents", content=form(11 * 1024 * 1024 + 1),
                                          headers=auth)

    assert uploaded.status_code == 201
    [seen] = upstreams["applications"].received
    assert (seen["path"], seen["body"], seen["headers"]["content-type"]) == ("/applications/42/documents",
                                                                            five_mib, content_type)
    for refused in (elsewhere, too_large):
        assert refused.status_code == 413
        assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    downloaded = await gateway.client.get("/applications/42/documents/7/binary",
                                          headers={"authorization": f"Bearer {token}"})
    assert downloaded.content == bytes(range(256))
    assert {k: downloaded.headers[k] for k in ("content-type", "etag", "content-disposition",
                                                 "x-content-type-options", "content-security-policy")} == {
        "content-type": "application/pdf", "etag": '"abc"', "content-disposition": 'attachment; filename="t.pdf"',
        "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox"}


async def test_request_ids_are_kept_or_made_and_passed_on(gateway: Gateway, upstreams: Upstreams) -> None:
    given = await gateway.client.get("/credentials/x", headers={"x-request-id": "req-123"})
    assert given.headers["x-request-id"] == "req-123"
    made = await gateway.client.get("/credentials/y")
    bad = await gateway.client.get("/credentials/z", headers={"x-request-id": "has spaces\tand tabs"})
    ids = [r["headers"]["x-request-id"] for r in upstreams["credentials"].received]
    assert ids[0] == "req-123"
    assert ids[1] == made.headers["x-request-id"] and len(ids[1]) == 32
    assert ids[2] == bad.headers["x-request-id"] != "has spaces\tand tabs"
    problem = await gateway.client.get("/auth/me", headers={"x-request-id": "req-456"})
    assert problem.headers["x-request-id"] == "req-456"


async def test_dot_segments_are_not_forwarded(gateway: Gateway, upstreams: Upstreams) -> None:
    answer = await gateway.client.get("/credentials/%2e%2e/admin")
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_PATH"
    assert not upstreams["credentials"].received
