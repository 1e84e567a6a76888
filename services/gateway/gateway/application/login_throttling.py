"""Counting log-in attempts against the account's and the address's windows, and sign-ups and password reset
requests against their address's window (domain/throttle.py)."""

from __future__ import annotations

from servicekit.clock import Clock

from ..adapters import login_failures_table
from ..adapters.accounts_table import Connection
from ..domain.errors import TooManyAttempts
from ..domain.throttle import AddressLimit, AttemptKey, LoginThrottle


class LoginAttempts:
    def __init__(self, throttle: LoginThrottle, clock: Clock) -> None:
        self._throttle = throttle
        self._clock = clock

    async def admit(self, conn: Connection, key: AttemptKey) -> None:
        """Count the attempt as a failure, before the password is checked; TooManyAttempts when locked."""
        now = self._clock()
        expired_before = now - self._throttle.window
        async with conn.transaction():
            account = await login_failures_table.count_attempt(conn, key.account, now=now,
                                                               expired_before=expired_before)
            address = await login_failures_table.count_attempt(conn, key.address, now=now,
                                                               expired_before=expired_before)
        retry_after = self._throttle.retry_after_seconds(account, address, now)
        if retry_after is not None:
            raise TooManyAttempts("too many failed attempts; try again later", retry_after)

    async def succeeded(self, conn: Connection, key: AttemptKey, *, clear_account: bool) -> None:
        """The attempt was right: it is not a failure. A log-in also clears the account's earlier failures; the
        address keeps them (else one good account would reset an address that guesses at others)."""
        if clear_account:
            await login_failures_table.clear(conn, key.account)
        else:
            await login_failures_table.forgive(conn, key.account)
        await login_failures_table.forgive(conn, key.address)

    async def unlock_account(self, conn: Connection, tenant: str, email: str) -> None:
        await login_failures_table.clear(conn, AttemptKey(tenant, email, "").account)

    async def delete_expired(self, conn: Connection) -> None:
        await login_failures_table.delete_expired(conn, self._clock() - self._throttle.window, LOGIN_KINDS)


LOGIN_KINDS = ("account", "address")


class RequestsPerAddress:
    """Counts one kind of request per client address; TooManyAttempts once the address is over its limit."""

    def __init__(self, limit: AddressLimit, clock: Clock) -> None:
        self._limit = limit
        self._clock = clock

    async def admit(self, conn: Connection, client: str) -> None:
        now = self._clock()
        counted = await login_failures_table.count_attempt(conn, self._limit.key(client), now=now,
                                                           expired_before=now - self._limit.window)
        if counted.failures == 1:  # a new window began: a moment to drop the windows of this kind that ended
            await self.delete_expired(conn)
        retry_after = self._limit.retry_after_seconds(counted, now)
        if retry_after is not None:
            raise TooManyAttempts("too many requests from your address; try again later", retry_after)

    async def delete_expired(self, conn: Connection) -> None:
        await login_failures_table.delete_expired(conn, self._clock() - self._limit.window, (self._limit.kind,))
