"""Optimistic concurrency for HTTP writers: a write made "if the application is still at version n" (`If-Match`)
is refused, with nothing saved, when someone else changed the application meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from ..domain import StateConflict


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


class ApplicationChanged(StateConflict):
    """The caller's copy (its `If-Match` version) is stale: someone else changed the application since."""

    code = "APPLICATION_CHANGED"


_expected_versions: ContextVar[frozenset[int] | None] = ContextVar("expected_versions", default=None)
"""The versions the current write accepts (an HTTP `If-Match`); None: any."""


@contextmanager
def expecting(versions: frozenset[int] | None) -> Iterator[None]:
    """Writes inside refuse (`ApplicationChanged`, nothing saved) an application whose version is not one of
    `versions`; None accepts any version."""
    token = _expected_versions.set(versions)
    try:
        yield
    finally:
        _expected_versions.reset(token)


def ensure_expected_version(application: Versioned) -> None:
    versions = _expected_versions.get()
    if versions is not None and application.version not in versions:
        raise ApplicationChanged("someone else changed this application since you loaded it; reload it and "
                                 "make your change again")
