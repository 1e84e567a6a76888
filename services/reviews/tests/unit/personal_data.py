"""In-memory stand-ins for the personal-data parts of the reviews store, for the tests that run without engines.

`MemoryKeys` stands in for `servicekit.shredding.SubjectKeys`: tokens have the real `pd1.<subject>.<bytes>` shape
(the sealed transcoding reads their subject), but the text stays in a dict here; `destroy` forgets a subject's
texts and keeps a tombstone, as the real store does. The integration tests use the real store on PostgreSQL.
"""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from uuid import UUID

from reviews.domain import Reviewer
from reviews.domain.personal import keyed_fingerprint
from servicekit.shredding import SubjectErased, subject_of
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

FINGERPRINT = keyed_fingerprint(b"reviews unit tests fingerprints!")
"""The conflict-of-interest fingerprints of the unit tests (a fixed, published key)."""


def on_roster(reviewer: Reviewer, tenant: str = "itmhca") -> Reviewer:
    """A roster entry with the subject of its address, as the store identifies it (the development rater index key,
    the store's default)."""
    return replace(reviewer, subject=rater_subject(tenant, reviewer.email, DEVELOPMENT_RATER_INDEX_KEY))


def subject(reviewer: Reviewer) -> str:
    """The subject an identified roster entry (`on_roster`) is known by in assignments."""
    assert reviewer.subject is not None
    return reviewer.subject


def NO_HOLDINGS(tenant: str, account_id: UUID) -> list[UUID]:
    """The consumer's register look-up where no test holds an endorsement."""
    return []


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
