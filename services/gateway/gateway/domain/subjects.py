"""Subject ids (docs/erasure.md): who owns one data key, named without anything readable about them."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from .accounts import normalise_email

RATER_INDEX_KEY_BYTES = 32
DEVELOPMENT_RATER_INDEX_KEY_LABEL = b"endorsement development rater index key"


def account_subject(account_id: UUID) -> str:
    """Everyone with an account: `account:<uuid>`."""
    return f"account:{account_id}"


def rater_subject(tenant: str, email: str, rater_index_key: bytes) -> str:
    """A rater (no account): `rater:<tenant>:<hex HMAC-SHA256(RATER_INDEX_KEY, lower-cased email)>`.

    One id per tenant and email, so every reference naming the rater shares one key; the applications service
    computes the same id, and an erasure request that gives the email finds it without the email being stored."""
    digest = hmac.new(rater_index_key, normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"rater:{tenant}:{digest}"


def development_rater_index_key() -> bytes:
    """The RATER_INDEX_KEY development and tests use when none is set: SHA-256 of a fixed label, the same in every
    service (applications mirrors it), so ids computed by the gateway and by applications agree."""
    return hashlib.sha256(DEVELOPMENT_RATER_INDEX_KEY_LABEL).digest()
