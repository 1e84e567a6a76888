"""Which URLs a partner may register: https only, no credentials in the URL, no internal addresses.

Literal loopback, private, link-local and otherwise reserved IP addresses and `localhost` names are
refused, so a coordinator cannot point deliveries at the platform's own network. (A public name that
resolves to an internal address is not caught here; see the README.) `allow_insecure` lifts both
rules for development and tests.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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


def _is_internal(host: str) -> bool:
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost") or ("." not in name and ":" not in name):
        return True  # single-label names resolve inside the local network
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return not address.is_global
