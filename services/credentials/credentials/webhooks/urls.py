"""Which URLs a partner may register: https only, no credentials in the URL, no internal addresses.

`validate_webhook_url` checks the text: literal internal addresses (see `addresses`) and `localhost` or
single-label names are refused. `check_webhook_target` also resolves the name and refuses it when any of
its addresses is internal, so a coordinator cannot point deliveries at the platform's own network. DNS can
change after registration, so deliveries check again when they connect (`transport`). `allow_insecure`
lifts the address rules and allows `http` (development and tests).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from credentials.webhooks.addresses import InternalTargetError, Resolver, is_internal, public_addresses

MAX_URL_LENGTH = 2000


class WebhookUrlError(ValueError):
    """The URL cannot be registered; the message says why."""


def validate_webhook_url(url: str, *, allow_insecure: bool = False) -> str:
    """The URL, checked; WebhookUrlError otherwise."""
    if len(url) > MAX_URL_LENGTH or any(ord(char) < 33 or ord(char) == 127 for char in url):
        raise WebhookUrlError(f"the URL must be at most {MAX_URL_LENGTH} visible characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookUrlError(f"the URL is not valid: {error}") from None
    allowed_schemes = ("https", "http") if allow_insecure else ("https",)
    if parts.scheme not in allowed_schemes:
        raise WebhookUrlError(f"the URL must use {' or '.join(allowed_schemes)}")
    host = parts.hostname
    if not host:
        raise WebhookUrlError("the URL needs a host")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlError("the URL must not carry credentials; deliveries are signed instead")
    if parts.fragment:
        raise WebhookUrlError("the URL must not have a fragment")
    if port == 0:
        raise WebhookUrlError("the URL's port is not valid")
    if not allow_insecure and _is_internal(host):
        raise WebhookUrlError("the URL must not point at a loopback, private or reserved address")
    return url


def check_webhook_target(url: str, resolver: Resolver, *, allow_insecure: bool = False) -> str:
    """`validate_webhook_url`, then the host resolved: WebhookUrlError when it does not resolve or any of its
    addresses is internal (blocking: it resolves names)."""
    validate_webhook_url(url, allow_insecure=allow_insecure)
    if allow_insecure:
        return url
    parts = urlsplit(url)
    try:
        public_addresses(parts.hostname or "", parts.port or 443, resolver)
    except InternalTargetError as error:
        raise WebhookUrlError(str(error)) from None
    return url


def _is_internal(host: str) -> bool:
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost") or ("." not in name and ":" not in name):
        return True  # single-label names resolve inside the local network
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return is_internal(address)
