"""Webhook secrets encrypted at rest: AES-256-GCM with `CREDENTIALS_WEBHOOK_SECRET_KEY`.

A stored secret reads `aesgcm:<key id>:<base64url(12-byte nonce | ciphertext | tag)>`; the key id is a
fingerprint of the key, and the subscription's id is the associated data (a sealed secret copied to another
row does not open). To rotate, set the new key and list the old ones in
`CREDENTIALS_WEBHOOK_PREVIOUS_SECRET_KEYS`: they still open, and start-up re-seals every row with the
current key (`seal_stored_secrets`, which also seals rows written in plain text before this existed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import uuid
from collections.abc import Sequence

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "aesgcm:"
KEY_BYTES = 32
NONCE_BYTES = 12


class SecretKeyError(ValueError):
    """A key is malformed, or a stored secret cannot be opened with the configured keys."""


def parse_key(text: str) -> bytes:
    """32 bytes from 64 hex digits or base64 (standard or URL-safe); SecretKeyError otherwise."""
    value = text.strip()
    try:
        key = bytes.fromhex(value) if len(value) == 2 * KEY_BYTES else base64.b64decode(
            value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretKeyError(f"a webhook secret key is {KEY_BYTES} bytes, as 64 hex digits or base64")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"endorsement/webhook-secret-key/" + key).hexdigest()[:8]


class SecretBox:
    """Seals with the current key; opens with any configured key (the current first)."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self.current_id = key_id(current)
        self._current = AESGCM(current)
        self._keys = {key_id(key): AESGCM(key) for key in previous} | {self.current_id: self._current}

    @classmethod
    def from_text(cls, current: str, previous: Sequence[str] = ()) -> SecretBox:
        return cls(parse_key(current), [parse_key(key) for key in previous])

    def seal(self, secret: str, subscription_id: uuid.UUID) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.encrypt(nonce, secret.encode("utf-8"), _aad(subscription_id))
        return f"{PREFIX}{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open(self, stored: str, subscription_id: uuid.UUID) -> str:
        """The plain secret; a row written before encryption (no prefix) is returned as it is."""
        if not is_sealed(stored):
            return stored
        kid, _, data = stored[len(PREFIX):].partition(":")
        cipher = self._keys.get(kid)
        if cipher is None:
            raise SecretKeyError(f"the webhook secret was sealed with key {kid}, which is not configured")
        try:
            raw = base64.urlsafe_b64decode(data)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(subscription_id)).decode("utf-8")
        except (ValueError, binascii.Error, InvalidTag):
            raise SecretKeyError("the webhook secret does not open with its key") from None

    def is_current(self, stored: str) -> bool:
        return stored.startswith(f"{PREFIX}{self.current_id}:")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def _aad(subscription_id: uuid.UUID) -> bytes:
    return f"webhook-secret/{subscription_id}".encode("ascii")


async def seal_stored_secrets(pool: asyncpg.Pool, box: SecretBox | None) -> int:
    """Seal every secret not sealed with the current key (plain rows, older keys); returns how many.

    Idempotent, and safe with several instances starting at once: a row is only replaced when it still
    holds what was read. Without a key, any stored secret is a configuration error (SecretKeyError)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, secret FROM webhook_subscriptions")
        if box is None:
            if rows:
                raise SecretKeyError("webhooks are registered: CREDENTIALS_WEBHOOK_SECRET_KEY must be set")
            return 0
        stale = [(row["id"], row["secret"]) for row in rows if not box.is_current(row["secret"])]
        changed = 0
        for subscription_id, stored in stale:
            sealed = box.seal(box.open(stored, subscription_id), subscription_id)
            status = await conn.execute("UPDATE webhook_subscriptions SET secret = $1 WHERE id = $2 AND secret = $3",
                                        sealed, subscription_id, stored)
            changed += int(status.rsplit(" ", 1)[-1])
    return changed
