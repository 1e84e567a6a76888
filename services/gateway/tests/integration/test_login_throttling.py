"""Failed log-ins are throttled per account and client address."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Clock, Gateway

WRONG = {"tenant": "itmhca", "email": "ada@example.org", "password": "not the password"}
RIGHT = {**WRONG, "password": "correct horse battery"}


async def fail(gateway: Gateway, times: int, body: dict[str, str] = WRONG) -> None:
    for _ in range(times):
        answer = await gateway.client.post("/auth/login", json=body)
        assert answer.status_code == 401, answer.text


async def test_ten_failures_lock_the_account_for_that_client_until_the_window_ends(
    gateway: Gateway, clock: Clock
) -> None:
    await gateway.sign_up()
    await fail(gateway, 10)
    locked = await gateway.client.post("/auth/login", json=RIGHT)
    assert locked.status_code == 429
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.headers["retry-after"] == str(15 * 60)

    elsewhere = await gateway.client_from("203.0.113.7")
    assert (await elsewhere.post("/auth/login", json=RIGHT)).status_code == 200

    clock.advance(timedelta(minutes=14))
    still = await gateway.client.post("/auth/login", json=RIGHT)
    assert still.status_code == 429
    assert still.headers["retry-after"] == "60"
    clock.advance(timedelta(minutes=1))
    assert (await gateway.client.post("/auth/login", json=RIGHT)).status_code == 200


async def test_a_successful_login_clears_the_failures(gateway: Gateway) -> None:
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
