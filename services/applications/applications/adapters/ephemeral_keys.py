"""A per-subject key store that lives in memory: for the in-memory event store of tests and tools, never a service.

It speaks `servicekit.shredding`'s token format (`pd1.<subject>.<nonce+ciphertext>`), so the sealed transcodings
read its tokens as they read `SubjectKeys`'; like the in-memory event store, everything dies with the process.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from servicekit.shredding import BYTES_PREFIX, InvalidToken, SubjectErased, subject_of, subject_of_bytes

NONCE_BYTES = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class EphemeralSubjectKeys:
    def __init__(self) -> None:
        self._keys: dict[str, bytes | None] = {}

    def seal(self, subject: str, plaintext: str) -> str:
        if not isinstance(subject, str) or not subject:
            raise ValueError("a subject id is needed to seal a personal value")
        if subject in self._keys and self._keys[subject] is None:
            raise SubjectErased(subject)
        key = self._keys.setdefault(subject, AESGCM.generate_key(bit_length=256))
        assert key is not None
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), subject.encode("utf-8"))
        return f"pd1.{_b64(subject.encode('utf-8'))}.{_b64(sealed)}"

    def open(self, token: str) -> str | None:
        subject = subject_of(token)
        if subject not in self._keys:
            raise InvalidToken("no key was ever made here for this subject")
        key = self._keys[subject]
        if key is None:
            return None
        sealed = _unb64(token.rsplit(".", 1)[1])
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], subject.encode("utf-8")).decode()
        except InvalidTag as exc:
            raise InvalidToken("the token was altered or sealed elsewhere") from exc

    def seal_bytes(self, subject: str, data: bytes) -> bytes:
        """Binary data (a document) as `SubjectKeys.seal_bytes` frames it: `pd1b.<b64url subject>.` + sealed."""
        if not subject:
            raise ValueError("a subject id is needed to seal a personal value")
        if subject in self._keys and self._keys[subject] is None:
            raise SubjectErased(subject)
        key = self._keys.setdefault(subject, AESGCM.generate_key(bit_length=256))
        assert key is not None
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + AESGCM(key).encrypt(nonce, bytes(data), b"bytes\x00" + subject.encode("utf-8"))
        return BYTES_PREFIX + _b64(subject.encode("utf-8")).encode("ascii") + b"." + sealed

    def open_bytes(self, blob: bytes) -> bytes | None:
        subject = subject_of_bytes(blob)
        if subject not in self._keys:
            raise InvalidToken("no key was ever made here for this subject")
        key = self._keys[subject]
        if key is None:
            return None
        sealed = bytes(blob).split(b".", 2)[2]
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], b"bytes\x00" + subject.encode())
        except InvalidTag as exc:
            raise InvalidToken("the blob was altered or sealed elsewhere") from exc

    def destroy(self, subject: str) -> None:
        self._keys[subject] = None

    def is_erased(self, subject: str) -> bool:
        return subject in self._keys and self._keys[subject] is None

    def close(self) -> None:
        """Nothing to release."""
