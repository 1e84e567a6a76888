"""Failed-login throttling per account and per client address, and request limits per client address, in fixed
windows.

Each attempt is counted before the password is checked (so parallel guesses cannot all slip under the limit) and
forgiven when it succeeds. An attempt is refused while either counter is over its limit: the account's (whatever
the address: guesses spread over many addresses) or the address's (whatever the account: one address trying many
accounts). A lock refuses the right password too, on purpose: otherwise the lock would tell a guesser when a guess
is right. The price is that anyone can lock an account for one window; the window is kept short.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AttemptKey:
    """One log-in attempt: the account (tenant and email) and the client address it came from."""

    tenant: str
    email: str
    client: str

    @property
    def account(self) -> str:
        return f"account\n{self.tenant}\n{self.email}"

    @property
    def address(self) -> str:
        return f"address\n{self.client}"


@dataclass(frozen=True)
class FailureWindow:
    """Attempts counted since `started` for one account or one address."""

    failures: int
    started: datetime


@dataclass(frozen=True)
class LoginThrottle:
    max_failures_per_account: int = 10
    max_failures_per_address: int = 30
    window: timedelta = timedelta(minutes=5)

    def window_expired(self, window: FailureWindow, now: datetime) -> bool:
        return window.started + self.window <= now

    def retry_after_seconds(self, account: FailureWindow | None, address: FailureWindow | None,
                            now: datetime) -> int | None:
        """Seconds until attempts are allowed again, or None when this one may go on.

        The windows include the attempt being decided: the n-th failure is allowed, the next attempt is not.
        """
        waits = [self._wait(window, limit, now) for window, limit in (
            (account, self.max_failures_per_account), (address, self.max_failures_per_address))]
        locked = [wait for wait in waits if wait is not None]
        return max(locked) if locked else None

    def _wait(self, window: FailureWindow | None, limit: int, now: datetime) -> int | None:
        return _wait(window, limit, self.window, now)


@dataclass(frozen=True)
class AddressLimit:
    """At most `max_requests` requests of one `kind` (sign-up, password reset request) from one client address in
    each fixed window; every request counts, whatever its outcome."""

    kind: str
    max_requests: int
    window: timedelta

    def key(self, client: str) -> str:
        return f"{self.kind}\n{client}"

    def retry_after_seconds(self, counted: FailureWindow, now: datetime) -> int | None:
        """Seconds until this address may ask again, or None when this request (already counted) may go on."""
        return _wait(counted, self.max_requests, self.window, now)


def _wait(window: FailureWindow | None, limit: int, length: timedelta, now: datetime) -> int | None:
    if window is None or window.started + length <= now or window.failures <= limit:
        return None
    return max(1, math.ceil((window.started + length - now).total_seconds()))
