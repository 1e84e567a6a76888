"""A service's replicas: taken in turn, and which failures allow trying the next one."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})


class Replicas:
    """The base URLs of one service's replicas, handed out round-robin."""

    def __init__(self, urls: Sequence[str]) -> None:
        if not urls:
            raise ValueError("a service needs at least one URL")
        self.urls = tuple(urls)
        self._turn = itertools.count()

    def in_turn(self) -> list[str]:
        """Every replica, starting with the next one in turn: the first to try, then the fail-overs."""
        start = next(self._turn) % len(self.urls)
        return [*self.urls[start:], *self.urls[:start]]


def may_try_next(method: str, error: httpx.TransportError) -> bool:
    """A request that never reached the replica (no connection) may go to another, whatever its method;
    one that may have reached it, only when repeating it changes nothing (GET, HEAD)."""
    never_reached = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
    return never_reached or method.upper() in IDEMPOTENT_METHODS
