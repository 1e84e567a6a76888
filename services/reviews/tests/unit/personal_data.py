"""The personal-data parts of the reviews store for the tests that run without engines: roster entries with their
subjects, the fingerprint key. The in-memory key store is servicekit's (`servicekit.testing_keys.MemoryKeys`)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from reviews.domain import Reviewer
from reviews.domain.personal import keyed_fingerprint
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
