"""Which exceptions mean "the database is unavailable right now", whatever driver raised them.

They are answered 503 with Retry-After (servicekit.problems), never 500: the request may be repeated
once the database is back. Programming errors (bad SQL, constraint violations) are not among them.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import psycopg
from eventsourcing import persistence

DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    # eventsourcing wraps psycopg's errors (PoolTimeout is an OperationalError) in its own classes
    persistence.OperationalError,
    persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    # asyncpg: connection lost or refused (SQLSTATE class 08), shutdown / cannot connect now / statement
    # cancelled (class 57), too many connections (class 53)
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)
"""Driver exceptions that say the database cannot serve now (as opposed to a faulty request or query)."""

TRANSIENT_IO: tuple[type[Exception], ...] = (ConnectionError, TimeoutError)
"""Refused/reset connections and timeouts (asyncpg's connect, acquire and command timeouts among them)."""


def unavailable_cause(exc: BaseException) -> BaseException | None:
    """The exception in `exc`'s chain (itself, its cause or context) that says a dependency is unavailable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, TRANSIENT_IO) or is_database_fault(current):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


DRIVER_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.PostgresError, asyncpg.InterfaceError, psycopg.Error, persistence.PersistenceError,
)
"""Every error the drivers raise: servicekit.problems answers them itself (503), classified by is_database_fault."""
DRIVER_MODULES = ("asyncpg", "psycopg", "psycopg_pool", "eventsourcing")
CONNECTING_MODULES = ("asyncpg.connect_utils",)


def is_database_fault(exc: BaseException) -> bool:
    """A driver's "unavailable" error; a refused connection or timeout inside a driver; or any error the
    server gave while we were connecting (e.g. "database is not currently accepting connections")."""
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return True
    if isinstance(exc, TRANSIENT_IO):
        return _raised_in(exc, lambda module: module.partition(".")[0] in DRIVER_MODULES)
    return isinstance(exc, asyncpg.PostgresError) and _raised_in(exc, lambda module: module in CONNECTING_MODULES)


def _raised_in(exc: BaseException, matches: Callable[[str], bool]) -> bool:
    traceback = exc.__traceback__
    while traceback is not None:
        if matches(str(traceback.tb_frame.f_globals.get("__name__", ""))):
            return True
        traceback = traceback.tb_next
    return False
