"""Rater links: `{PUBLIC_BASE_URL}/rate/{token}` (the portal's page, which calls the API's
`/references/{token}`), token = `<application>.<reference>.<request>.<secret>`.

The secret is HMAC-SHA256(`REFERENCE_LINK_KEY`, application|reference|request), so nothing secret is stored:
the aggregate keeps only a SHA-256 of it (to check a link without the key), and the outbox translator derives
the link again when it publishes `ReferenceRequested` for the email. Each new request (re-send, reminder) has a
new number and so a new secret; the aggregate accepts only the latest one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from uuid import UUID

from .reference_data import hash_secret

TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})\.([1-9][0-9]{0,3})\.([A-Za-z0-9_-]{43})$")
MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class LinkToken:
    application_id: UUID
    reference_id: UUID
    request_number: int
    secret: str


@dataclass(frozen=True)
class ReferenceLinks:
    key: bytes
    public_base_url: str

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"the reference link key needs at least {MIN_KEY_BYTES} bytes")

    @classmethod
    def ephemeral(cls, public_base_url: str = "http://localhost:8000") -> ReferenceLinks:
        """A random key for one process (tests, tools): links die with it, so services configure a fixed key."""
        return cls(secrets.token_bytes(MIN_KEY_BYTES), public_base_url)

    def secret(self, application_id: UUID, reference_id: UUID, request_number: int) -> str:
        message = f"{application_id}|{reference_id}|{request_number}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def secret_hash(self, application_id: UUID, reference_id: UUID, request_number: int) -> str:
        return hash_secret(self.secret(application_id, reference_id, request_number))

    def token(self, application_id: UUID, reference_id: UUID, request_number: int) -> str:
        secret = self.secret(application_id, reference_id, request_number)
        return f"{application_id.hex}.{reference_id.hex}.{request_number}.{secret}"

    def url(self, application_id: UUID, reference_id: UUID, request_number: int) -> str:
        token = self.token(application_id, reference_id, request_number)
        return f"{self.public_base_url.rstrip('/')}/rate/{token}"

    def parse(self, token: str) -> LinkToken | None:
        """The token's parts when it is well formed and its secret is the one this key gives (constant time)."""
        match = TOKEN.fullmatch(token) if len(token) <= 200 else None
        if match is None:
            hmac.compare_digest("0" * 43, "1" * 43)  # about the same work as a genuine check
            return None
        application_id, reference_id, number = UUID(match[1]), UUID(match[2]), int(match[3])
        if not hmac.compare_digest(self.secret(application_id, reference_id, number), match[4]):
            return None
        return LinkToken(application_id, reference_id, number, match[4])
