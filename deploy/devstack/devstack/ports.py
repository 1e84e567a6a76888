"""Free TCP ports on 127.0.0.1, optionally remembered across restarts.

A persistent dev stack keeps the same ports between `make up` runs (stable URLs,
and SeaweedFS keys its master metadata directory by port) as long as they are
still free; otherwise a new free port is chosen and remembered.

Parallel test runs give each worker a slice of ports of its own through
DEVSTACK_PORT_RANGE ("low-high", below the kernel's ephemeral range): fresh ports are
then drawn in turn from that slice, so two workers never race for the same port and
no outgoing client socket is handed a port a server is about to bind.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import socket
from collections.abc import Iterator
from pathlib import Path

LOCALHOST = "127.0.0.1"
_MAX_PORT = 65535
_EPHEMERAL_LOW = 32768  # Linux's default ip_local_port_range starts here
# Ports for pairs (port, port + offset) are drawn below the ephemeral range so that
# the partner port is valid and unlikely to be handed out to a client socket.
_PAIR_RANGE = (20000, 32000)
PORT_RANGE_VARIABLE = "DEVSTACK_PORT_RANGE"
_slice_cursors: dict[tuple[int, int], Iterator[int]] = {}


def port_slice() -> tuple[int, int] | None:
    """The (low, high) ports, inclusive, this process draws fresh ports from; None: ask the kernel."""
    configured = os.environ.get(PORT_RANGE_VARIABLE, "").strip()
    if not configured:
        return None
    low_text, separator, high_text = configured.partition("-")
    try:
        low, high = int(low_text), int(high_text)
    except ValueError:
        low = high = 0
    if not separator or not 0 < low < high <= _MAX_PORT:
        raise ValueError(f"{PORT_RANGE_VARIABLE} must be 'low-high' with 0 < low < high <= {_MAX_PORT}: {configured!r}")
    return low, high


def worker_port_slice(worker_index: int, size: int = 500, first: int = _PAIR_RANGE[0]) -> str:
    """The DEVSTACK_PORT_RANGE value of parallel worker number `worker_index` (0, 1, ...)."""
    low = first + worker_index * size
    if worker_index < 0 or low + size - 1 >= _EPHEMERAL_LOW:
        raise ValueError(f"no port slice of {size} below {_EPHEMERAL_LOW} for worker {worker_index}")
    return f"{low}-{low + size - 1}"


def is_port_free(port: int, host: str = LOCALHOST) -> bool:
    """True when a listening socket could bind `host:port` right now."""
    if not 0 < port <= _MAX_PORT:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Like the servers do: a port whose old connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def find_free_port(host: str = LOCALHOST) -> int:
    """A port free on `host` now (it may be taken by the time it is used): the next free one of this
    process's slice (DEVSTACK_PORT_RANGE) if there is one, else one the kernel picks."""
    bounds = port_slice()
    if bounds is not None:
        return _next_free_in_slice(bounds, host)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _next_free_in_slice(bounds: tuple[int, int], host: str) -> int:
    low, high = bounds
    cursor = _slice_cursors.get(bounds)
    if cursor is None:  # start at a random place: a restarted worker does not reuse its last ports first
        start = random.randint(low, high)
        cursor = _slice_cursors[bounds] = itertools.cycle([*range(start, high + 1), *range(low, start)])
    for _ in range(high - low + 1):
        port = next(cursor)
        if is_port_free(port, host):
            return port
    raise RuntimeError(f"no free port left in {PORT_RANGE_VARIABLE} {low}-{high}")


def find_free_port_pair(offset: int, host: str = LOCALHOST) -> int:
    """A free port `p` such that `p + offset` is free too (SeaweedFS derives gRPC ports so)."""
    low, high = _PAIR_RANGE
    for _ in range(200):
        port = random.randint(low, high)
        if is_port_free(port, host) and is_port_free(port + offset, host):
            return port
    raise RuntimeError(f"no free port pair (p, p+{offset}) found in {low}..{high}")


class PortRegistry:
    """Hands out named ports; with a `state_file`, the same ports are reused next time if free."""

    def __init__(self, state_file: Path | None = None) -> None:
        self._state_file = state_file
        self._ports: dict[str, int] = self._load()
        self._handed_out: set[int] = set()

    def port(self, name: str) -> int:
        """The port called `name`: the remembered one if still free, else a new free one."""
        return self._claim(name, offset=None)

    def port_with_partner(self, name: str, offset: int) -> int:
        """Like `port`, but `port + offset` must be free as well."""
        return self._claim(name, offset=offset)

    def _claim(self, name: str, offset: int | None) -> int:
        remembered = self._ports.get(name)
        if remembered is not None and self._usable(remembered, offset):
            port = remembered
        else:
            port = self._new_port(offset)
        self._ports[name] = port
        self._handed_out.add(port)
        if offset is not None:
            self._handed_out.add(port + offset)
        self._save()
        return port

    def _usable(self, port: int, offset: int | None) -> bool:
        candidates = [port] if offset is None else [port, port + offset]
        return all(p not in self._handed_out and is_port_free(p) for p in candidates)

    def _new_port(self, offset: int | None) -> int:
        for _ in range(50):
            port = find_free_port() if offset is None else find_free_port_pair(offset)
            if self._usable(port, offset):
                return port
        raise RuntimeError("could not find a free port not already handed out")

    def _load(self) -> dict[str, int]:
        if self._state_file is None or not self._state_file.exists():
            return {}
        try:
            raw = json.loads(self._state_file.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict):
            return {}
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}

    def _save(self) -> None:
        if self._state_file is None:
            return
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._state_file.with_name(f".{self._state_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._ports, indent=2, sort_keys=True) + "\n")
        tmp.replace(self._state_file)
