"""Value objects of an application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class Applicant:
    """The person applying, as the gateway knows them when they start the application."""

    account_id: UUID
    name: str
    email: str


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
