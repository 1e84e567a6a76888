"""Stored answers sealed at rest (AES-256-GCM): an answer may carry a secret shown once, e.g. a webhook's."""

from __future__ import annotations

import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..domain.idempotency import StoredResponse

NONCE_BYTES = 12


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from the gateway's own secret (its signing key)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"gateway {purpose}".encode()).derive(secret)


class ResponseSeal:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, request_key: bytes, response: StoredResponse) -> bytes:
        head = json.dumps({"headers": [list(pair) for pair in response.headers]}).encode()
        nonce = os.urandom(NONCE_BYTES)
        plain = len(head).to_bytes(4, "big") + head + response.body
        return nonce + self._aead.encrypt(nonce, plain, request_key + response.status.to_bytes(2, "big"))

    def open(self, request_key: bytes, status: int, sealed: bytes) -> StoredResponse:
        nonce, cipher = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        plain = self._aead.decrypt(nonce, cipher, request_key + status.to_bytes(2, "big"))
        size = int.from_bytes(plain[:4], "big")
        head = json.loads(plain[4:4 + size])
        headers = tuple((str(name), str(value)) for name, value in head["headers"])
        return StoredResponse(status=status, headers=headers, body=plain[4 + size:])
