"""Sign-ups and password reset requests are limited per client address (429 with Retry-After), like log-ins."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Clock, MakeGateway

PORTAL = "10.0.0.5"  # a trusted proxy in these tests (the portal's address)


def signup(index: int) -> dict[str, str]:
    return {"tenant": "itmhca", "email": f"person{index}@example.org", "name": "Person",
            "password": "correct horse battery"}


async def test_one_address_may_sign_up_only_so_often(make_gateway: MakeGateway, clock: Clock) -> None:
    gateway = await make_gateway(signup_max_per_address=3, address_limit_window_minutes=60)
    answers = [await gateway.client.post("/auth/signup", json=signup(i)) for i in range(2)]
    answers.append(await gateway.client.post("/auth/signup", json={"tenant": "itmhca"}))  # refused ones count too
    assert [a.status_code for a in answers] == [201, 201, 422]
    limited = await gateway.client.post("/auth/signup", json=signup(4))
    assert limited.status_code == 429
    assert limited.json()["code"] == "TOO_MANY_ATTEMPTS"
    assert limited.headers["retry-after"] == str(60 * 60)

    elsewhere = await gateway.client_from("203.0.113.7")
    assert (await elsewhere.post("/auth/signup", json=signup(5))).status_code == 201
    clock.advance(timedelta(minutes=45))
    still = await gateway.client.post("/auth/signup", json=signup(6))
    assert still.status_code == 429 and still.headers["retry-after"] == str(15 * 60)
    clock.advance(timedelta(minutes=15))
    assert (await gateway.client.post("/auth/signup", json=signup(7))).status_code == 201


async def test_the_limit_holds_for_the_browser_behind_the_portal(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(signup_max_per_address=1, trusted_proxies=f"{PORTAL}/32")
    portal = await gateway.client_from(PORTAL)
    assert (await portal.post("/auth/signup", json=signup(1),
                              headers={"x-forwarded-for": "198.51.100.1"})).status_code == 201
    assert (await portal.post("/auth/signup", json=signup(2),
                              headers={"x-forwarded-for": "198.51.100.1"})).status_code == 429
    assert (await portal.post("/auth/signup", json=signup(3),
                              headers={"x-forwarded-for": "198.51.100.2"})).status_code == 201


async def test_password_reset_requests_are_limited_per_address(make_gateway: MakeGateway, clock: Clock) -> None:
    gateway = await make_gateway(password_reset_requests_max_per_address=2, address_limit_window_minutes=10)
    requests = [await gateway.client.post("/auth/password-reset/request",
                                          json={"tenant": "itmhca", "email": f"someone{i}@example.org"})
                for i in range(3)]
    assert [r.status_code for r in requests] == [202, 202, 429]
    assert requests[2].json()["code"] == "TOO_MANY_ATTEMPTS" and requests[2].headers["retry-after"] == "600"
    assert (await gateway.client.post("/auth/signup", json=signup(1))).status_code == 201  # a limit of its own
    clock.advance(timedelta(minutes=10))
    again = await gateway.client.post("/auth/password-reset/request",
                                      json={"tenant": "itmhca", "email": "someone@example.org"})
    assert again.status_code == 202
