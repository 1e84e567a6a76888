"""Sessions: opaque bearer tokens of which the gateway keeps only a digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from .accounts import Account


@dataclass(frozen=True)
class IssuedSession:
    """A freshly opened session; the only moment the clear token exists."""

    token: str
    expires_at: datetime
    account: Account


@dataclass(frozen=True)
class ActiveSession:
    digest: bytes
    expires_at: datetime
    account: Account


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> bytes:
    """What is stored and looked up: a stolen table gives no usable token."""
    return hashlib.sha256(token.encode()).digest()
