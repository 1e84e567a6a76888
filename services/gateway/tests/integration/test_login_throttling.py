"""Failed log-ins are throttled per account (whatever the address) and per client address (whatever the account)."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Clock, Gateway, MakeGateway

WRONG = {"tenant": "itmhca", "email": "ada@example.org", "password": "not the password"}
RIGHT = {**WRONG, "password": "correct horse battery"}
PORTAL = "10.0.0.5"  # a trusted proxy in these tests (the portal's address)


async def fail(gateway: Gateway, times: int, body: dict[str, str] = WRONG) -> None:
    for _ in range(times):
        answer = await gateway.client.post("/auth/login", json=body)
        assert answer.status_code == 401, answer.text


async def test_ten_failures_lock_the_account_until_the_window_ends(gateway: Gateway, clock: Clock) -> None:
    await gateway.sign_up()
    await fail(gateway, 10)
    locked = await gateway.client.post("/auth/login", json=RIGHT)
    assert locked.status_code == 429
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.headers["retry-after"] == str(5 * 60)

    clock.advance(timedelta(minutes=4))
    still = await gateway.client.post("/auth/login", json=RIGHT)
    assert still.status_code == 429
    assert still.headers["retry-after"] == "60"
    clock.advance(timedelta(minutes=1))
    assert (await gateway.client.post("/auth/login", json=RIGHT)).status_code == 200


async def test_a_locked_account_refuses_even_the_right_password_from_another_address(gateway: Gateway) -> None:
    await gateway.sign_up()
    await fail(gateway, 10)
    elsewhere = await gateway.client_from("203.0.113.7")
    locked = await elsewhere.post("/auth/login", json=RIGHT)
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"


async def test_a_new_x_forwarded_for_on_each_attempt_changes_nothing(gateway: Gateway) -> None:
    """The attack: 30 wrong passwords, each with a different X-Forwarded-For, from a peer nobody trusts."""
    await gateway.sign_up()
    answers = [await gateway.client.post("/auth/login", json=WRONG, headers={"x-forwarded-for": f"198.51.100.{i}"})
               for i in range(30)]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 20
    relocated = await gateway.client.post("/auth/login", json=RIGHT, headers={"x-forwarded-for": "192.0.2.99"})
    assert relocated.status_code == 429


async def test_the_account_lock_holds_across_addresses_a_trusted_proxy_reports(make_gateway: MakeGateway) -> None:
    """Through a trusted proxy every attempt really comes from a new address: the account lock still holds."""
    gateway = await make_gateway(trusted_proxies=f"{PORTAL}/32")
    await gateway.sign_up()
    proxy = await gateway.client_from(PORTAL)
    answers = [await proxy.post("/auth/login", json=WRONG, headers={"x-forwarded-for": f"198.51.100.{i}"})
               for i in range(30)]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 20
    locked = await proxy.post("/auth/login", json=RIGHT, headers={"x-forwarded-for": "192.0.2.99"})
    assert locked.status_code == 429
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"


async def test_one_address_is_locked_for_every_account_after_its_own_limit(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(login_max_failures_per_address=12)
    await gateway.sign_up()
    for i in range(12):  # a few tries at many accounts: no account reaches its own limit
        await fail(gateway, 1, {**WRONG, "email": f"someone{i}@example.org"})
    locked = await gateway.client.post("/auth/login", json=RIGHT)
    assert locked.status_code == 429
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"
    elsewhere = await gateway.client_from("203.0.113.7")
    assert (await elsewhere.post("/auth/login", json=RIGHT)).status_code == 200


async def test_a_successful_login_clears_the_account_failures(gateway: Gateway) -> None:
    await gateway.sign_up()
    await fail(gateway, 9)
    await gateway.log_in()
    await fail(gateway, 9)
    assert (await gateway.client.post("/auth/login", json=RIGHT)).status_code == 200


async def test_unknown_emails_are_throttled_like_known_ones(gateway: Gateway) -> None:
    unknown = {**WRONG, "email": "nobody@example.org"}
    await fail(gateway, 10, unknown)
    answer = await gateway.client.post("/auth/login", json=unknown)
    assert answer.status_code == 429
    assert answer.json()["code"] == "TOO_MANY_ATTEMPTS"


async def test_a_password_reset_unlocks_the_account(gateway: Gateway) -> None:
    """Whoever was locked out on purpose gets back in through their email."""
    await gateway.sign_up()
    await fail(gateway, 10)
    elsewhere = await gateway.client_from("203.0.113.7")
    assert (await elsewhere.post("/auth/login", json=RIGHT)).status_code == 429
    assert (await elsewhere.post("/auth/password-reset/request", json={"tenant": "itmhca",
                                                                       "email": WRONG["email"]})).status_code == 202
    token = await gateway.link_token("PasswordResetRequested.v1", WRONG["email"])
    reset = await elsewhere.post("/auth/password-reset", json={"token": token, "new_password": "a new long password"})
    assert reset.status_code == 200, reset.text
    again = await elsewhere.post("/auth/login", json={**RIGHT, "password": "a new long password"})
    assert again.status_code == 200, again.text
