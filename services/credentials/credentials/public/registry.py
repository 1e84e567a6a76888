"""The public registry of endorsed people, per association: only holders who opted in are listed.

Names, cities and counties are matched case- and accent-insensitively through a stored search key
(NFKD, combining marks removed, case-folded, spaces collapsed): "nunez" finds "Núñez", "ZOE" finds "Zoë".
Letters that are not a base letter plus marks (ø, ł, ß→ss) keep their own identity.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from credentials.public.status import PublicState

MAX_LIMIT = 100
MAX_OFFSET = 10_000


def search_key(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def name_patterns(query: str | None) -> list[str]:
    """One SQL LIKE pattern per word of the query; a name matches when it contains every word."""
    return [f"%{_escape_like(word)}%" for word in search_key(query or "").split()]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Listing:
    """A holder's choice to appear in the registry, with what the registry shows about them."""

    credential_id: UUID
    tenant: str
    holder_account_id: UUID
    listed: bool
    holder_name: str
    category: str
    category_name: str
    designation: str | None
    city: str | None
    county: str | None
    updated_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "credential_id": str(self.credential_id),
            "listed": self.listed,
            "name": self.holder_name,
            "category": self.category,
            "city": self.city,
            "county": self.county,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class RegistryQuery:
    tenant: str
    today: date
    """The association's calendar date: a credential valid through an earlier day has expired."""
    q: str | None = None
    category: str | None = None
    status: PublicState | None = None
    city: str | None = None
    county: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    category: str
    category_name: str
    designation: str | None
    status: str
    city: str | None
    county: str | None
    valid_until: date
    verification_url: str

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "category": self.category,
            "category_name": self.category_name,
            "designation": self.designation,
            "status": self.status,
            "city": self.city,
            "county": self.county,
            "valid_until": self.valid_until.isoformat(),
            "verification_url": self.verification_url,
        }


@dataclass(frozen=True)
class RegistryPage:
    query: RegistryQuery
    total: int
    entries: tuple[RegistryEntry, ...]

    @property
    def has_next(self) -> bool:
        return self.query.offset + len(self.entries) < self.total

    def as_dict(self, association: str) -> dict[str, object]:
        return {
            "tenant": self.query.tenant,
            "association": association,
            "total": self.total,
            "limit": self.query.limit,
            "offset": self.query.offset,
            "items": [entry.as_dict() for entry in self.entries],
        }
