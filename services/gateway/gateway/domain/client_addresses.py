"""Which proxies are believed (TRUSTED_PROXIES), and the client address behind them.

The client is the right-most address of `X-Forwarded-For` that no trusted proxy owns: entries further left were
written by the client itself (or by proxies we do not know) and are not believed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[Network, ...]:
    """`"10.0.0.0/8, ::1"` -> networks; ValueError names the entry that is not an address or CIDR."""
    networks: list[Network] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or CIDR block") from exc
    return tuple(networks)


class TrustedProxies:
    def __init__(self, networks: Iterable[Network]) -> None:
        self._networks = tuple(networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def client_address(self, peer: str, forwarded_for: Sequence[str]) -> str:
        """The right-most untrusted hop of `forwarded_for` (left to right, as sent) behind a trusted `peer`."""
        if not self.trusts(peer):
            return peer
        nearest = peer
        for entry in reversed(forwarded_for):
            try:
                hop = str(ipaddress.ip_address(entry))
            except ValueError:
                return nearest  # the chain is broken: believe nothing further left
            if not self.trusts(hop):
                return hop
            nearest = hop
        return nearest


def forwarded_hops(values: Iterable[str]) -> list[str]:
    return [hop.strip() for value in values for hop in value.split(",") if hop.strip()]
