"""Value objects of an application, and the personal values its events store sealed.

A personal value names its data subject (docs/erasure.md, "Who is a subject"): the adapters store it sealed under
that subject's key. Once the subject is erased (the key destroyed), it decodes with every personal attribute None,
so the aggregates holding it still replay; no domain rule depends on a name, an email or a free text. `subject` is
None only in values stored before sealing (events upcast from plaintext).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

ACCOUNT_SUBJECT = "account:"
"""The prefix of an account's subject id: `account:<account uuid>` (minted by the gateway)."""


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


@dataclass(frozen=True)
class Applicant:
    """The person applying, as the gateway knows them when they start the application; stored sealed under their
    account (`subject`), so `name` and `email` are None once they are erased."""

    account_id: UUID
    name: str | None
    email: str | None

    @property
    def subject(self) -> str:
        return account_subject(self.account_id)

    @property
    def erased(self) -> bool:
        return self.name is None and self.email is None


@dataclass(frozen=True)
class Profile:
    """The profile's personal fields as `DetailsUpdated` stores them: sealed under the applicant's subject."""

    subject: str | None
    phone: str | None
    county: str | None
    statement: str | None


@dataclass(frozen=True)
class PersonalText:
    """A free text someone wrote that belongs to a person's file (a rater's comments, a decline reason): sealed
    under `subject` (the applicant's, for what is part of their application)."""

    subject: str | None
    text: str | None


@dataclass(frozen=True)
class PersonalItems:
    """A list of texts about a person (what a review asks of the applicant, its reasons, its recommendations), sealed
    as one JSON text under `subject`; empty when there were none, and once the subject is erased."""

    subject: str | None
    text: str | None

    @classmethod
    def of(cls, subject: str | None, items: Iterable[str]) -> PersonalItems:
        listed = list(items)
        return cls(subject, json.dumps(listed, ensure_ascii=False) if listed else None)

    @property
    def items(self) -> tuple[str, ...]:
        return () if self.text is None else tuple(json.loads(self.text))


@dataclass(frozen=True)
class Details:
    """The profile's free-text details. `ethics_attested` mirrors whether both attestations are signed."""

    phone: str | None = None
    county: str | None = None
    statement: str | None = None
    ethics_attested: bool = False

    def as_strings(self) -> dict[str, str]:
        """The entered fields as a string map (unset fields left out)."""
        values: dict[str, str] = {"ethics_attested": "true" if self.ethics_attested else "false"}
        for name in ("phone", "county", "statement"):
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        return values


@dataclass(frozen=True)
class CategoryOffer:
    """The endorsement categories one association offers: code -> display name."""

    categories: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, code: str) -> str | None:
        return self.categories.get(code)
