"""An in-memory stand-in for `servicekit.shredding.SubjectKeys`, for the tests that run without engines.

Tokens have the real `pd1.<subject>.<bytes>` shape (the sealed transcoding reads their subject), but the text
stays in a dict here; `destroy` forgets a subject's texts and keeps a tombstone, as the real store does.
The integration tests use the real store on PostgreSQL.
"""

from __future__ import annotations

import base64
import os

from servicekit.shredding import SubjectErased, subject_of


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class MemoryKeys:
    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.erased: set[str] = set()

    def seal(self, subject: str, plaintext: str) -> str:
        if subject in self.erased:
            raise SubjectErased(subject)
        token = f"pd1.{_b64(subject.encode())}.{_b64(os.urandom(32))}"
        self.texts[token] = plaintext
        return token

    def open(self, token: str) -> str | None:
        return None if subject_of(token) in self.erased else self.texts[token]

    def destroy(self, subject: str) -> None:
        self.erased.add(subject)
        self.texts = {token: text for token, text in self.texts.items() if subject_of(token) != subject}

    def is_erased(self, subject: str) -> bool:
        return subject in self.erased

    def close(self) -> None:
        pass
