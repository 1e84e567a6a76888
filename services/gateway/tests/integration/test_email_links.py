"""Email confirmation, password reset and change, profile and language, with the events they write to the outbox."""

from __future__ import annotations

from datetime import timedelta

from .conftest import APPLICANT_PASSWORD, Clock, FakeService, Gateway

VERIFY = "EmailVerificationRequested.v1"
RESET = "PasswordResetRequested.v1"
NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_sign_up_chooses_the_language_and_emails_a_confirmation_link(offline_gateway: Gateway) -> None:
    gw = offline_gateway
    account = await gw.sign_up("ana@example.org", verified=False, language="es")
    assert (account["language"], account["email_verified"]) == ("es", False)
    negotiated = await gw.client.post("/auth/signup", headers={"accept-language": "es-MX,en;q=0.5"}, json={
        "tenant": "itmhca", "email": "bo@example.org", "name": "Bo", "password": APPLICANT_PASSWORD})
    assert negotiated.json()["language"] == "es"
    assert (await gw.sign_up("cy@example.org", verified=False))["language"] == "en"  # the tenant's default
    events = [e for e in await gw.outbox() if e.get("email") == "ana@example.org"]
    assert [e["type"] for e in events] == ["AccountRegistered.v1", VERIFY]
    assert events[0]["roles"] == ["applicant"] and events[0]["language"] == "es"
    assert events[1]["link"].startswith("https://portal.example/account/verify/")
    refused = await gw.client.post("/auth/signup", json={"tenant": "itmhca", "email": "dee@example.org", "name": "D",
                                                         "password": APPLICANT_PASSWORD, "language": "fr"})
    assert refused.status_code == 422


async def test_an_unverified_applicant_reads_but_cannot_change_until_the_link_is_opened(
    offline_gateway: Gateway, upstreams: dict[str, FakeService]
) -> None:
    gw = offline_gateway
    await gw.sign_up(verified=False)
    token = await gw.log_in()
    assert (await gw.client.get("/applications", headers=bearer(token))).status_code == 200
    refused = await gw.client.post("/applications", json={"category": "IFS"}, headers=bearer(token))
    assert refused.status_code == 403
    assert refused.json()["code"] == "EMAIL_NOT_VERIFIED" and "link" in refused.json()["detail"]
    assert not [r for r in upstreams["applications"].received if r["method"] == "POST"]

    secret = await gw.link_token(VERIFY, "ada@example.org")
    verified = await gw.client.post("/auth/email-verification", json={"token": secret})
    assert verified.status_code == 200 and verified.json()["email_verified"] is True
    assert (await gw.client.post("/applications", json={"category": "IFS"}, headers=bearer(token))).status_code == 201
    again = await gw.client.post("/auth/email-verification", json={"token": secret})
    assert (again.status_code, again.json()["code"]) == (410, "LINK_USED")
    unknown = await gw.client.post("/auth/email-verification", json={"token": "not-a-link"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "LINK_INVALID")
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_links_expire_and_a_new_one_supersedes_the_old(offline_gateway: Gateway, clock: Clock) -> None:
    gw = offline_gateway
    await gw.sign_up(verified=False)
    token = await gw.log_in()
    first = await gw.link_token(VERIFY, "ada@example.org")
    resent = await gw.client.post("/auth/email-verification/resend", headers=bearer(token))
    assert resent.status_code == 202
    second = await gw.link_token(VERIFY, "ada@example.org")
    assert second != first
    old = await gw.client.post("/auth/email-verification", json={"token": first})
    assert (old.status_code, old.json()["code"]) == (410, "LINK_EXPIRED")
    clock.advance(timedelta(hours=48, seconds=1))
    late = await gw.client.post("/auth/email-verification", json={"token": second})
    assert (late.status_code, late.json()["code"]) == (410, "LINK_EXPIRED")


async def test_resending_is_limited_to_five_links_an_hour(offline_gateway: Gateway, clock: Clock) -> None:
    gw = offline_gateway
    await gw.sign_up(verified=False)  # the sign-up link counts
    token = await gw.log_in()
    statuses = [(await gw.client.post("/auth/email-verification/resend", headers=bearer(token))).status_code
                for _ in range(5)]
    assert statuses == [202, 202, 202, 202, 429]
    clock.advance(timedelta(hours=1))
    assert (await gw.client.post("/auth/email-verification/resend", headers=bearer(token))).status_code == 202


async def test_password_reset_never_tells_whether_the_account_exists(offline_gateway: Gateway) -> None:
    gw = offline_gateway
    await gw.sign_up()
    known = await gw.client.post("/auth/password-reset/request", json={"tenant": "itmhca", "email": "ADA@example.org"})
    unknown = await gw.client.post("/auth/password-reset/request", json={"tenant": "itmhca", "email": "x@example.org"})
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json() == unknown.json()
    resets = [e for e in await gw.outbox() if e["type"] == RESET]
    assert [e["email"] for e in resets] == ["ada@example.org"]
    assert resets[0]["link"].startswith("https://portal.example/account/password/reset/")


async def test_a_reset_sets_the_password_ends_every_session_and_confirms_the_email(
    offline_gateway: Gateway, clock: Clock
) -> None:
    gw = offline_gateway
    await gw.sign_up(verified=False)
    session = await gw.log_in()
    await gw.client.post("/auth/password-reset/request", json={"tenant": "itmhca", "email": "ada@example.org"})
    secret = await gw.link_token(RESET, "ada@example.org")
    weak = await gw.client.post("/auth/password-reset", json={"token": secret, "new_password": "short"})
    assert (weak.status_code, weak.json()["code"]) == (422, "WEAK_PASSWORD")
    reset = await gw.client.post("/auth/password-reset", json={"token": secret, "new_password": NEW_PASSWORD})
    assert reset.status_code == 200 and reset.json()["email_verified"] is True
    assert (await gw.client.get("/auth/me", headers=bearer(session))).status_code == 401
    await gw.log_in(password=NEW_PASSWORD)
    used = await gw.client.post("/auth/password-reset", json={"token": secret, "new_password": NEW_PASSWORD})
    assert (used.status_code, used.json()["code"]) == (410, "LINK_USED")
    changed = [e for e in await gw.outbox() if e["type"] == "PasswordChanged.v1"]
    assert [e["how"] for e in changed] == ["reset"]

    await gw.client.post("/auth/password-reset/request", json={"tenant": "itmhca", "email": "ada@example.org"})
    clock.advance(timedelta(hours=1))
    expired = await gw.client.post("/auth/password-reset", json={
        "token": await gw.link_token(RESET, "ada@example.org"), "new_password": "yet another passphrase"})
    assert (expired.status_code, expired.json()["code"]) == (410, "LINK_EXPIRED")


async def test_changing_the_password_keeps_this_session_and_ends_the_others(offline_gateway: Gateway) -> None:
    gw = offline_gateway
    await gw.sign_up()
    this, other = await gw.log_in(), await gw.log_in()
    wrong = await gw.client.post("/auth/password", headers=bearer(this), json={
        "current_password": "not my password", "new_password": NEW_PASSWORD})
    assert (wrong.status_code, wrong.json()["code"]) == (403, "WRONG_PASSWORD")
    changed = await gw.client.post("/auth/password", headers=bearer(this), json={
        "current_password": APPLICANT_PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert (await gw.client.get("/auth/me", headers=bearer(this))).status_code == 200
    assert (await gw.client.get("/auth/me", headers=bearer(other))).status_code == 401
    await gw.log_in(password=NEW_PASSWORD)
    assert [e["how"] for e in await gw.outbox() if e["type"] == "PasswordChanged.v1"] == ["changed"]


async def test_the_profile_changes_name_and_language_and_says_so_once(offline_gateway: Gateway) -> None:
    gw = offline_gateway
    await gw.sign_up()
    token = await gw.log_in()
    patched = await gw.client.patch("/auth/me", headers=bearer(token), json={"language": "es", "name": " Ada L. "})
    assert patched.status_code == 200
    assert (patched.json()["language"], patched.json()["name"]) == ("es", "Ada L.")
    assert (await gw.client.patch("/auth/me", headers=bearer(token), json={"language": "es"})).status_code == 200
    assert (await gw.client.get("/auth/me", headers=bearer(token))).json()["language"] == "es"
    changes = [e for e in await gw.outbox() if e["type"] == "AccountProfileChanged.v1"]
    assert [(e["name"], e["language"]) for e in changes] == [("Ada L.", "es")]
    extra = await gw.client.patch("/auth/me", headers=bearer(token), json={"roles": ["coordinator"]})
    assert extra.status_code == 422


async def test_tenants_have_public_profiles(offline_gateway: Gateway, upstreams: dict[str, FakeService]) -> None:
    gw = offline_gateway
    listed = await gw.client.get("/tenants")
    assert listed.status_code == 200 and [t["slug"] for t in listed.json()] == ["itmhca"]
    profile = (await gw.client.get("/tenants/itmhca/profile")).json()
    assert profile["timezone"] == "America/Phoenix" and profile["languages"] == ["en", "es"]
    assert profile["default_language"] == "en" and profile["categories"]["IFS"] == "Infant Family Specialist"
    assert profile["short_name"] == "ITMHCA" and profile["website"] == "https://itmhca.org"
    missing = await gw.client.get("/tenants/nope/profile")
    assert (missing.status_code, missing.json()["code"]) == (404, "UNKNOWN_TENANT")
    did = await gw.client.get("/tenants/itmhca/did.json")
    assert did.status_code == 200 and did.json()["service"] == "credentials"


async def test_seeded_staff_are_verified(offline_gateway: Gateway) -> None:
    from .conftest import COORDINATOR, SEED_PASSWORD

    token = await offline_gateway.log_in(COORDINATOR, SEED_PASSWORD)
    me = (await offline_gateway.client.get("/auth/me", headers=bearer(token))).json()
    assert me["email_verified"] is True
