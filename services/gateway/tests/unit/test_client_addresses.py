"""TRUSTED_PROXIES: which forwarded addresses are believed, without engines."""

from __future__ import annotations

import pytest
from gateway.domain.client_addresses import TrustedProxies, forwarded_hops, parse_networks

TRUSTED = TrustedProxies(parse_networks("10.0.0.0/8, 127.0.0.1, ::1"))


def test_an_untrusted_peer_is_the_client_whatever_it_says() -> None:
    assert TRUSTED.client_address("203.0.113.7", ["198.51.100.1"]) == "203.0.113.7"
    assert TrustedProxies(()).client_address("127.0.0.1", ["198.51.100.1"]) == "127.0.0.1"  # the default: none


@pytest.mark.parametrize(("hops", "client"), [
    (["198.51.100.1"], "198.51.100.1"),
    (["192.0.2.66", "198.51.100.1", "10.1.1.1"], "198.51.100.1"),  # the left-most is the client's own claim
    ([], "10.0.0.5"),
    (["10.1.1.1", "10.2.2.2"], "10.1.1.1"),  # all proxies: the farthest one
    (["198.51.100.1", "garbage", "10.1.1.1"], "10.1.1.1"),  # a broken chain: the nearest trusted hop
    (["::ffff:198.51.100.1"], "::ffff:c633:6401"),
])
def test_a_trusted_peer_gives_the_right_most_untrusted_hop(hops: list[str], client: str) -> None:
    assert TRUSTED.client_address("10.0.0.5", hops) == client


def test_repeated_headers_and_lists_are_read_as_one_chain() -> None:
    assert forwarded_hops(["192.0.2.1, 198.51.100.1", " 10.0.0.9 ", ""]) == ["192.0.2.1", "198.51.100.1", "10.0.0.9"]


def test_a_setting_that_is_no_address_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'proxy\.example'"):
        parse_networks("10.0.0.0/8, proxy.example")
    assert parse_networks(" , ") == ()
