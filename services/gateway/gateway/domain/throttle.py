"""Failed-login throttling per account and client address, in fixed windows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AttemptKey:
    """Failures are counted per account (tenant and email) and client address."""

    tenant: str
    email: str
    client: str


@dataclass(frozen=True)
class FailureWindow:
    """Failures counted since `started` for one (tenant, email, client)."""

    failures: int
    started: datetime


@dataclass(frozen=True)
class LoginThrottle:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=15)

    def window_expired(self, window: FailureWindow, now: datetime) -> bool:
        return window.started + self.window <= now

    def retry_after_seconds(self, window: FailureWindow | None, now: datetime) -> int | None:
        """Seconds until attempts are allowed again, or None when they are allowed now."""
        if window is None or self.window_expired(window, now) or window.failures < self.max_failures:
            return None
        return max(1, math.ceil((window.started + self.window - now).total_seconds()))
