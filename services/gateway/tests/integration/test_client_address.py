"""Whose address a request comes from: the peer, unless the peer is a configured proxy (TRUSTED_PROXIES)."""

from __future__ import annotations

from .conftest import FakePortal, MakeGateway


async def forwarded_for(portal: FakePortal) -> str:
    """The address the gateway passed on to the portal (X-Forwarded-For): the client it believes in."""
    return str(portal.received[-1]["headers"]["x-forwarded-for"])


async def test_an_untrusted_peer_s_forwarded_headers_are_ignored(make_gateway: MakeGateway,
                                                                 portal: FakePortal) -> None:
    gateway = await make_gateway()  # TRUSTED_PROXIES defaults to none
    client = await gateway.client_from("203.0.113.7")
    answer = await client.get("/a-page", headers={"x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https"})
    assert answer.status_code == 200
    assert await forwarded_for(portal) == "203.0.113.7"
    assert portal.received[-1]["headers"]["x-forwarded-proto"] == "http"


async def test_a_trusted_proxy_s_forwarded_address_is_used(make_gateway: MakeGateway, portal: FakePortal) -> None:
    gateway = await make_gateway(trusted_proxies="10.0.0.0/8, 2001:db8::/32")
    proxy = await gateway.client_from("10.0.0.5")
    await proxy.get("/a-page", headers={"x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https"})
    assert await forwarded_for(portal) == "198.51.100.1"
    assert portal.received[-1]["headers"]["x-forwarded-proto"] == "https"

    # the right-most address no trusted proxy owns: what the client itself wrote on the left is not believed
    await proxy.get("/a-page", headers={"x-forwarded-for": "192.0.2.66, 198.51.100.1, 10.1.1.1"})
    assert await forwarded_for(portal) == "198.51.100.1"

    await proxy.get("/a-page")  # no header: the proxy itself
    assert await forwarded_for(portal) == "10.0.0.5"

    await proxy.get("/a-page", headers={"x-forwarded-for": "not-an-address, 10.1.1.1"})
    assert await forwarded_for(portal) == "10.1.1.1"  # the chain breaks: the nearest trusted hop

    v6 = await gateway.client_from("2001:db8::1")
    await v6.get("/a-page", headers={"x-forwarded-for": "2001:db8::2, 2a00:1450::1"})
    assert await forwarded_for(portal) == "2a00:1450::1"
