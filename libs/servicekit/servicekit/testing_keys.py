"""An in-memory stand-in for `shredding.SubjectKeys`, for the services' tests that run without engines.

It sits here, beside the store it imitates, because every service's tests may import servicekit and none may import
another service (nor does the devstack depend on servicekit). Tokens have the real `pd1.<subject>.<bytes>` shape
(the sealed transcoding and `subject_of` read their subject), but the text stays in a dict; `destroy` forgets a
subject's texts and keeps a tombstone, as the real store does. Integration tests use the real store on PostgreSQL.
"""

from __future__ import annotations

import base64
import hashlib
import os

from .shredding import SubjectErased, subject_of

__all__ = ["MemoryKeys"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class MemoryKeys:
    """`SubjectKeys`' seal, open, destroy and is_erased, with the plaintexts in `texts` (by token)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.erased: set[str] = set()

    def seal(self, subject: str, plaintext: str) -> str:
        return self._keep(subject, os.urandom(32), plaintext)

    def seal_stable(self, subject: str, plaintext: str, context: str) -> str:
        """Like `seal`, the same token for the same (subject, context, text), as `SubjectKeys.seal_stable`."""
        return self._keep(subject, hashlib.sha256(f"{subject}\x00{context}\x00{plaintext}".encode()).digest(),
                          plaintext)

    def open(self, token: str) -> str | None:
        return None if subject_of(token) in self.erased else self.texts[token]

    def destroy(self, subject: str) -> None:
        self.erased.add(subject)
        self.texts = {token: text for token, text in self.texts.items() if subject_of(token) != subject}

    def is_erased(self, subject: str) -> bool:
        return subject in self.erased

    def close(self) -> None:
        pass

    def _keep(self, subject: str, opaque: bytes, plaintext: str) -> str:
        if subject in self.erased:
            raise SubjectErased(subject)
        token = f"pd1.{_b64(subject.encode())}.{_b64(opaque)}"
        self.texts[token] = plaintext
        return token
