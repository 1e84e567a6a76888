"""Personal data in the review domain: whose data key seals each personal value, and the keyed fingerprints that
let conflict-of-interest rules work without the addresses (docs/erasure.md, "Who is a subject").

Every personal value names its subject and is sealed under that subject's key when stored (the store registers
one `servicekit.sealed_transcoding` per value type). Once the subject is erased, a stored value decodes with every
personal attribute None, so the aggregates holding it still replay. A value upcast from an event stored before
sealing has `subject` None.

Comments, notes and the texts of decisions are about the applicant, so they are sealed under the applicant's
subject: erasing the applicant makes the whole review of them unreadable.

Reviewers and scorers are on the association's roster by address: each assignment names them as a `RosterMember`
sealed under the keyed subject of that address (`rater:<tenant>:<hmac>`, the subject an erasure request naming the
address reaches; the service computes it, the domain only carries it).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from uuid import UUID

ACCOUNT_SUBJECT = "account:"
"""The prefix of an account's subject id (the same text as `servicekit.subjects.account_subject`, which the domain
may not import)."""

Fingerprint = Callable[[str], str]
"""A keyed one-way hash of a normalised text (an email address, an employer): equal texts give equal fingerprints,
and nobody without the key can tell which text a fingerprint is of."""


def account_subject(account_id: UUID) -> str:
    return f"{ACCOUNT_SUBJECT}{account_id}"


def account_of_subject(subject: str) -> UUID | None:
    """The account an `account:<uuid>` subject names; None for any other subject (a rater)."""
    if not subject.startswith(ACCOUNT_SUBJECT):
        return None
    try:
        return UUID(subject.removeprefix(ACCOUNT_SUBJECT))
    except ValueError:
        return None


def keyed_fingerprint(key: bytes) -> Fingerprint:
    """HMAC-SHA256 under `key` (32 bytes; the composition root derives it from the service's master key)."""
    if len(key) != 32:
        raise ValueError("a fingerprint key is 32 bytes")

    def fingerprint(text: str) -> str:
        return hmac.new(key, text.encode("utf-8"), sha256).hexdigest()

    return fingerprint


@dataclass(frozen=True)
class RosterMember:
    """A reviewer or scorer as an assignment names them: their address and name, sealed under `subject`, the keyed
    subject of the address in the association. The subject stays once they are erased (their assignments are still
    told apart and replay); the address and name read None."""

    subject: str
    email: str | None
    name: str | None

    @property
    def erased(self) -> bool:
        return self.email is None and self.name is None


@dataclass(frozen=True)
class ReviewerComments:
    """What a reviewer wrote with their recommendation: comments the applicant may read, and private notes for the
    association. Sealed under the applicant's subject."""

    subject: str | None
    for_applicant: str | None
    private_notes: str | None


@dataclass(frozen=True)
class CaseText:
    """Free text typed about an applicant's case (decision reasons, requested items, a message, a reason), sealed
    under the applicant's subject. A list is stored one item per line (items never hold a line break). None when
    there is no text, and once the applicant is erased."""

    subject: str | None
    text: str | None

    @classmethod
    def of_items(cls, subject: str | None, items: list[str]) -> CaseText:
        if any("\n" in item for item in items):
            raise ValueError("an item of a case text holds no line break")
        return cls(subject, "\n".join(items) if items else None)

    @property
    def items(self) -> list[str]:
        return [] if not self.text else self.text.split("\n")
