"""Webhook targets and secrets: which addresses a delivery may reach (checked when resolved, at registration
and again when connecting), and secrets sealed with AES-GCM at rest."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence

import httpx
import pytest
from credentials.webhooks.addresses import IPAddress, Resolver, is_internal, system_resolver
from credentials.webhooks.sealing import SecretBox, SecretKeyError, is_sealed, parse_key
from credentials.webhooks.transport import delivery_client
from credentials.webhooks.urls import WebhookUrlError, check_webhook_target

from ..integration.partner_endpoint import partner_endpoint

PUBLIC = "93.184.216.34"
KEY = "11" * 32
OLD_KEY = "22" * 32


def resolver(table: dict[str, Sequence[str]]) -> tuple[list[str], Resolver]:
    """A fake DNS: `table` by name; the list records every lookup."""
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        lookups.append(host)
        if host not in table:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(address) for address in table[host]]

    return lookups, resolve


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.169.254",
    "0.0.0.0", "255.255.255.255", "224.0.0.1", "224.0.1.1", "240.0.0.1", "198.18.0.1",  # noqa: S104
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "ff0e::1", "fec0::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1", "::10.0.0.1", "64:ff9b::a00:1",
    "2002:a00:1::1",
])
def test_internal_addresses_are_recognised(address: str) -> None:
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_public_unicast_addresses_are_not_internal(address: str) -> None:
    assert not is_internal(ipaddress.ip_address(address))


def test_a_name_that_resolves_to_an_internal_address_is_refused_at_registration() -> None:
    _, resolve = resolver({"evil.example": ["127.0.0.1"], "mixed.example": [PUBLIC, "10.0.0.1"],
                           "metadata.example": ["169.254.169.254"], "partner.example": [PUBLIC, "2606:4700::1111"]})
    for url in ("https://evil.example/h", "https://mixed.example/h", "https://metadata.example/latest",
                "https://unknown.example/h"):
        with pytest.raises(WebhookUrlError, match="resolve"):
            check_webhook_target(url, resolve)
    assert check_webhook_target("https://partner.example/h", resolve) == "https://partner.example/h"
    assert check_webhook_target("http://evil.example/h", resolve, allow_insecure=True)
    with pytest.raises(WebhookUrlError):
        check_webhook_target("https://[::ffff:127.0.0.1]/h", resolve)


def test_the_system_resolver_gives_addresses() -> None:
    assert ipaddress.ip_address("127.0.0.1") in system_resolver("localhost", 80)


def test_a_delivery_connects_to_the_checked_address_with_the_original_host_header() -> None:
    with partner_endpoint() as endpoint:
        port = endpoint.url("/hook").split(":")[2].split("/")[0]
        lookups, resolve = resolver({"partner.test": ["127.0.0.1"]})
        with delivery_client(5, resolver=resolve, allow_internal=True) as client:
            answer = client.post(f"http://partner.test:{port}/hook", content=b"{}")
        assert answer.status_code == 204 and lookups == ["partner.test"]
        [received] = endpoint.at("/hook")
        assert received.headers["host"] == f"partner.test:{port}"


def test_a_delivery_to_a_name_that_now_resolves_internally_is_refused_before_connecting() -> None:
    with partner_endpoint() as endpoint:
        port = endpoint.base_url.rsplit(":", 1)[1]
        _, resolve = resolver({"partner.test": ["127.0.0.1"], "rebound.test": [PUBLIC, "10.0.0.1"]})
        with delivery_client(5, resolver=resolve) as client:
            for host in ("partner.test", "rebound.test", "127.0.0.1", "nowhere.test"):
                with pytest.raises(httpx.ConnectError, match=r"refused|resolve"):
                    client.post(f"http://{host}:{port}/hook", content=b"{}")
        assert endpoint.received == []


def test_secrets_are_sealed_bound_to_their_subscription_and_open_after_a_key_rotation() -> None:
    subscription, other = uuid.uuid4(), uuid.uuid4()
    old = SecretBox.from_text(OLD_KEY)
    sealed_before = old.seal("whsec_abc", subscription)
    assert is_sealed(sealed_before) and "whsec_abc" not in sealed_before
    assert old.seal("whsec_abc", subscription) != sealed_before  # a fresh nonce every time
    box = SecretBox.from_text(KEY, [OLD_KEY])
    assert box.open(sealed_before, subscription) == "whsec_abc" and not box.is_current(sealed_before)
    assert box.is_current(box.seal("whsec_abc", subscription))
    with pytest.raises(SecretKeyError):
        box.open(sealed_before, other)  # copied to another row
    with pytest.raises(SecretKeyError, match="not configured"):
        SecretBox.from_text(KEY).open(sealed_before, subscription)
    assert box.open("whsec_plain", subscription) == "whsec_plain"  # a row from before encryption


@pytest.mark.parametrize("key", ["", "11" * 31, "zz" * 32, "c2hvcnQ=", "11" * 33])
def test_keys_must_be_32_bytes(key: str) -> None:
    with pytest.raises(SecretKeyError):
        parse_key(key)


def test_keys_may_be_hex_or_base64() -> None:
    assert parse_key("ab" * 32) == bytes([0xAB]) * 32
    assert parse_key("q" * 43) == parse_key("q" * 43 + "=")
    assert len(parse_key("-_" * 21 + "A")) == 32
