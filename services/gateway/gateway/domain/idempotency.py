"""Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the rules, without I/O.

A POST that carries a key is remembered by who sent it (caller), its method, its path and the key. The first one
runs and its completed answer is kept; a repeat with the same body gets that answer again; a repeat with another
body, or while the first still runs, is refused. Only answers that say what happened are kept (2xx and 4xx): after
a 5xx the repeat runs again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidIdempotencyKey

KEY = re.compile(r"[\x20-\x7e]{1,255}")
"""1 to 255 printable ASCII characters (a quoted sf-string counts with its quotes)."""
NOT_COVERED_PATHS = frozenset({"/auth/login"})
"""POSTs without keys: a log-in answers a session token (which the gateway never stores) and repeats harmlessly."""
REPLAYED_HEADER = "idempotent-replayed"
KEPT_RESPONSE_HEADERS = frozenset({
    "content-type", "location", "retry-after", "cache-control", "etag", "vary", "content-security-policy",
    "referrer-policy", "content-disposition", "x-content-type-options",
})
_BOUNDARY = re.compile(r"boundary=\"?([^\";]+)\"?", re.IGNORECASE)


def checked_key(values: list[str]) -> str:
    """The one key a request carries, or InvalidIdempotencyKey."""
    if len(values) != 1 or not KEY.fullmatch(values[0]):
        raise InvalidIdempotencyKey("Idempotency-Key must be one value of 1 to 255 printable ASCII characters")
    return values[0]


def request_key(caller: str, method: str, path: str, key: str) -> bytes:
    """What a repeat must share with the first request: the caller, method, path and key (SHA-256)."""
    return hashlib.sha256("\n".join((caller, method, path, key)).encode()).digest()


def fingerprint(secret: bytes, content_type: str, body: bytes) -> bytes:
    """Keyed digest of the body (bodies may carry passwords: a plain hash would let anyone guess them).

    A multipart body is compared with its boundary blanked: a client library picks a new random boundary on each
    try of the same upload."""
    boundary = _BOUNDARY.search(content_type) if content_type.lower().startswith("multipart/") else None
    if boundary:
        body = body.replace(boundary.group(1).encode("latin-1"), b"")
        content_type = content_type[:boundary.start()]
    return hmac.new(secret, content_type.encode("latin-1") + b"\n" + body, hashlib.sha256).digest()


def worth_keeping(status: int) -> bool:
    """A completed answer that says what happened; after a 5xx (503 among them) a repeat must run again."""
    return 200 <= status < 500


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Remembered:
    """What is known of an earlier request with the same key."""

    fingerprint: bytes
    started: datetime
    response: StoredResponse | None
    """None while it runs."""


def answer_for_repeat(earlier: Remembered, body_fingerprint: bytes) -> StoredResponse:
    """The earlier answer for a repeat, or the refusal."""
    if not hmac.compare_digest(earlier.fingerprint, body_fingerprint):
        raise IdempotencyKeyReused("this Idempotency-Key was used with a different request body; use a new key")
    if earlier.response is None:
        raise IdempotencyKeyInUse("a request with this Idempotency-Key is still being processed; retry shortly")
    return earlier.response


@dataclass(frozen=True)
class IdempotencyPolicy:
    ttl: timedelta = timedelta(hours=24)
    """Answers are kept this long after the first request."""
    lease: timedelta = timedelta(seconds=70)
    """An answer still missing after this long means the gateway running it died: a repeat may take over."""

    def expires(self, now: datetime) -> datetime:
        return now + self.ttl

    def abandoned_before(self, now: datetime) -> datetime:
        return now - self.lease
