"""Which IP addresses a webhook may reach: public unicast only.

Refused: loopback, private (RFC 1918), shared/CGNAT (100.64.0.0/10), link-local (169.254.0.0/16, which holds
cloud metadata at 169.254.169.254, and fe80::/10), unique-local (fc00::/7), site-local, multicast,
unspecified, broadcast and the other reserved ranges, and the same addresses hidden in IPv6: IPv4-mapped
(`::ffff:10.0.0.1`), IPv4-compatible, NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[IPAddress]]
"""A host name and port -> the addresses it resolves to (empty or OSError when it does not resolve)."""

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_internal(address: IPAddress) -> bool:
    """True unless `address` is public unicast (see the module's docstring)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_internal(embedded)
        return not address.is_global or address.is_multicast or address.is_reserved or address.is_site_local
    return not address.is_global or address.is_multicast or address.is_reserved


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses the operating system's resolver gives for `host` (blocking)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))


class InternalTargetError(ValueError):
    """The host does not resolve, or resolves (at least in part) to an internal address."""


def public_addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    """The addresses of `host`, all public; InternalTargetError when any is internal or there are none.

    A name with one internal address among public ones is refused too: which one a client picks is not ours
    to predict, and an attacker controls the order."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses: Sequence[IPAddress] = [literal]
    else:
        try:
            addresses = resolver(host.rstrip("."), port)
        except (OSError, UnicodeError):
            addresses = []
    if not addresses:
        raise InternalTargetError("the URL's host does not resolve")
    if any(is_internal(address) for address in addresses):
        raise InternalTargetError("the URL's host resolves to a loopback, private or reserved address")
    return list(addresses)
