"""Subject ids (docs/erasure.md, "Who is a subject"): whose data key seals a personal value.

A subject id names a person without holding anything readable about them:

- `account:<account uuid>`: everyone with an account (applicants, holders, staff);
- `rater:<tenant>:<hex HMAC-SHA256(RATER_INDEX_KEY, email.strip().lower())>`: a rater, who has no account. One id
  per tenant and address, so every reference naming that rater shares one key, and an erasure request that gives
  the address finds the id without the address being stored anywhere.

The rater index key must be the SAME in every service that computes rater ids (gateway, applications,
notifications), or their ids for one rater would differ and an erasure would miss some of them. So development and
tests, which may leave `RATER_INDEX_KEY` unset, all use one fixed key (`DEVELOPMENT_RATER_INDEX_KEY`), never one
derived per database or per service.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from .shredding import parse_master_key

__all__ = ["DEVELOPMENT_RATER_INDEX_KEY", "RATER_INDEX_KEY_BYTES", "account_subject", "parse_rater_index_key",
           "rater_subject"]

RATER_INDEX_KEY_BYTES = 32
DEVELOPMENT_RATER_INDEX_KEY = hashlib.sha256(b"endorsement development rater index key").digest()
"""SHA-256 of a fixed, published label: development and tests only (anyone can compute it)."""


def account_subject(account_id: UUID) -> str:
    """Everyone with an account: `account:<uuid>`."""
    return f"account:{UUID(str(account_id))}"


def rater_subject(tenant: str, email: str, index_key: bytes) -> str:
    """A rater (no account) of `tenant`: `rater:<tenant>:<hex HMAC-SHA256(index_key, lower-cased address)>`."""
    if len(index_key) != RATER_INDEX_KEY_BYTES:
        raise ValueError(f"the rater index key must be {RATER_INDEX_KEY_BYTES} bytes")
    digest = hmac.new(index_key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"rater:{tenant}:{digest}"


def parse_rater_index_key(text: str) -> bytes:
    """`RATER_INDEX_KEY` from settings: 32 bytes, base64 (standard or URL-safe alphabet, padding optional)."""
    try:
        return parse_master_key(text)
    except ValueError as exc:
        raise ValueError(str(exc).replace("the master key", "the rater index key")) from None
