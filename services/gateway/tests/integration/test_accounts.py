"""Sign-up, log-in, log-out and /auth/me against a real database."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import asyncpg
from argon2 import PasswordHasher

from .conftest import Clock, Gateway, MakeGateway

SIGNUP = {"tenant": "itmhca", "email": "Ada@Example.org", "name": "  Ada Applicant ",
          "password": "correct horse battery"}


async def test_sign_up_log_in_me_log_out(gateway: Gateway) -> None:
    created = await gateway.client.post("/auth/signup", json=SIGNUP)
    assert created.status_code == 201
    account = created.json()
    assert account["email"] == "ada@example.org"
    assert account["name"] == "Ada Applicant"
    assert account["roles"] == ["applicant"]
    assert account["tenant"] == "itmhca"

    login = await gateway.client.post("/auth/login", json={"tenant": "itmhca", "email": "ADA@example.ORG",
                                                           "password": "correct horse battery"})
    assert login.status_code == 200
    body = login.json()
    assert body["token_type"] == "bearer"
    assert body["account"] == account
    token = body["access_token"]
    auth = {"authorization": f"Bearer {token}"}

    me = await gateway.client.get("/auth/me", headers=auth)
    assert me.status_code == 200
    assert me.json() == account

    logout = await gateway.client.post("/auth/logout", headers=auth)
    assert logout.status_code == 204
    after = await gateway.client.get("/auth/me", headers=auth)
    assert after.status_code == 401
    assert after.json()["code"] == "INVALID_SESSION"
    assert after.headers["content-type"] == "application/problem+json"


async def test_duplicate_email_is_refused_whatever_its_case(gateway: Gateway) -> None:
    assert (await gateway.client.post("/auth/signup", json=SIGNUP)).status_code == 201
    again = await gateway.client.post("/auth/signup", json={**SIGNUP, "email": "ADA@EXAMPLE.ORG", "name": "Other"})
    assert again.status_code == 409
    assert again.json()["code"] == "EMAIL_TAKEN"


async def test_weak_passwords_are_refused_and_nothing_is_stored(gateway: Gateway, database_url: str) -> None:
    short = await gateway.client.post("/auth/signup", json={**SIGNUP, "password": "elevenchars"})
    same_as_email = await gateway.client.post("/auth/signup", json={**SIGNUP, "password": "ADA@example.org"})
    for answer in (short, same_as_email):
        assert answer.status_code == 422
        assert answer.json()["code"] == "WEAK_PASSWORD"
    conn = await asyncpg.connect(database_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM gateway.accounts WHERE NOT seeded") == 0
    finally:
        await conn.close()


async def test_unknown_tenant_and_malformed_bodies_are_problems(gateway: Gateway) -> None:
    signup = await gateway.client.post("/auth/signup", json={**SIGNUP, "tenant": "nowhere"})
    login = await gateway.client.post("/auth/login", json={"tenant": "nowhere", "email": "a@b.org", "password": "x"})
    for answer in (signup, login):
        assert answer.status_code == 422
        assert answer.json()["code"] == "UNKNOWN_TENANT"
    for bad in ({**SIGNUP, "email": "not-an-email"}, {**SIGNUP, "role": "coordinator"}, {"tenant": "itmhca"}):
        answer = await gateway.client.post("/auth/signup", json=bad)
        assert answer.status_code == 422
        assert answer.json()["code"] == "VALIDATION_FAILED"
    garbage = await gateway.client.post("/auth/login", content=b"{not json",
                                        headers={"content-type": "application/json"})
    assert garbage.status_code == 422
    assert garbage.json()["code"] == "VALIDATION_FAILED"


async def test_wrong_password_and_unknown_email_get_identical_answers(gateway: Gateway) -> None:
    await gateway.sign_up()
    wrong_password = await gateway.client.post(
        "/auth/login", json={"tenant": "itmhca", "email": "ada@example.org", "password": "not the password"})
    unknown_email = await gateway.client.post(
        "/auth/login", json={"tenant": "itmhca", "email": "nobody@example.org", "password": "not the password"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["code"] == "INVALID_CREDENTIALS"
    assert wrong_password.headers["www-authenticate"] == unknown_email.headers["www-authenticate"] == "Bearer"


async def test_missing_or_unknown_tokens_are_refused(gateway: Gateway) -> None:
    missing = await gateway.client.get("/auth/me")
    assert missing.status_code == 401
    assert missing.json()["code"] == "UNAUTHENTICATED"
    unknown = await gateway.client.get("/auth/me", headers={"authorization": "Bearer made-up-token"})
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "INVALID_SESSION"
    basic = await gateway.client.post("/auth/logout", headers={"authorization": "Basic YWRhOnB3"})
    assert basic.status_code == 401


async def test_sessions_expire_after_their_lifetime(make_gateway: MakeGateway, clock: Clock) -> None:
    gateway = await make_gateway(session_ttl_hours=2)
    await gateway.sign_up()
    login = await gateway.client.post("/auth/login", json={"tenant": "itmhca", "email": "ada@example.org",
                                                           "password": "correct horse battery"})
    assert login.json()["expires_at"].startswith((clock.now + timedelta(hours=2)).isoformat()[:19])
    auth = {"authorization": f"Bearer {login.json()['access_token']}"}
    clock.advance(timedelta(hours=1, minutes=59))
    assert (await gateway.client.get("/auth/me", headers=auth)).status_code == 200
    clock.advance(timedelta(minutes=1))
    expired = await gateway.client.get("/auth/me", headers=auth)
    assert expired.status_code == 401
    assert expired.json()["code"] == "INVALID_SESSION"


async def test_only_hashes_are_stored(gateway: Gateway, database_url: str) -> None:
    await gateway.sign_up()
    token = await gateway.log_in()
    conn = await asyncpg.connect(database_url)
    try:
        stored_hash = await conn.fetchval("SELECT password_hash FROM gateway.accounts WHERE email = 'ada@example.org'")
        digests = [r["token_digest"] for r in await conn.fetch("SELECT token_digest FROM gateway.sessions")]
    finally:
        await conn.close()
    assert stored_hash.startswith("$argon2id$")
    assert "correct horse battery" not in stored_hash
    assert digests == [hashlib.sha256(token.encode()).digest()]


async def test_login_rehashes_when_the_hash_parameters_changed(make_gateway: MakeGateway, database_url: str) -> None:
    old = await make_gateway()
    await old.sign_up()
    stronger = await make_gateway(hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    await stronger.log_in()
    conn = await asyncpg.connect(database_url)
    try:
        stored_hash = await conn.fetchval("SELECT password_hash FROM gateway.accounts WHERE email = 'ada@example.org'")
    finally:
        await conn.close()
    assert "$m=16,t=2,p=1$" in stored_hash
    await stronger.log_in()
