"""One-time links (email verification, password reset): lifetimes, single use, supersession, request limits."""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from .errors import LinkExpired, LinkInvalid, LinkUsed
from .sessions import token_digest


class Purpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password


LIFETIMES = {Purpose.VERIFY_EMAIL: timedelta(hours=48), Purpose.RESET_PASSWORD: timedelta(hours=1)}
MAX_REQUESTS = 5
REQUEST_WINDOW = timedelta(hours=1)
"""At most MAX_REQUESTS links of one purpose per account in any REQUEST_WINDOW: no mail bombing."""


@dataclass(frozen=True)
class IssuedLink:
    """A new link; the only moment its secret exists in clear (it goes into the email, never the table)."""

    id: UUID
    purpose: Purpose
    secret: str
    created_at: datetime
    expires_at: datetime

    @property
    def digest(self) -> bytes:
        return token_digest(self.secret)


@dataclass(frozen=True)
class StoredLink:
    id: UUID
    account_id: UUID
    purpose: Purpose
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    superseded_at: datetime | None = None

    def check_usable(self, purpose: Purpose, now: datetime) -> None:
        """Raise why this link cannot be used now for `purpose`."""
        if self.purpose != purpose:
            raise LinkInvalid(INVALID_DETAIL)
        if self.used_at is not None:
            raise LinkUsed("this link was already used; sign in, or ask for a new link")
        if self.superseded_at is not None:
            raise LinkExpired("a newer link was sent since this one; use the link in the latest email")
        if self.expires_at <= now:
            raise LinkExpired("this link has expired; ask for a new one")


INVALID_DETAIL = "this link is not valid; check that it was copied whole, or ask for a new one"


def issue_link(purpose: Purpose, now: datetime) -> IssuedLink:
    return IssuedLink(id=uuid.uuid4(), purpose=purpose, secret=secrets.token_urlsafe(32), created_at=now,
                      expires_at=now + LIFETIMES[purpose])


def retry_after_seconds(recent_requests: Sequence[datetime], now: datetime) -> int | None:
    """Seconds until another link may be sent, given when earlier ones were; None when one may be sent now."""
    in_window = sorted(t for t in recent_requests if t > now - REQUEST_WINDOW)
    if len(in_window) < MAX_REQUESTS:
        return None
    frees_at = in_window[-MAX_REQUESTS] + REQUEST_WINDOW
    return max(1, math.ceil((frees_at - now).total_seconds()))
