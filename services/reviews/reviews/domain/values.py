"""Value objects of a review case."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Applicant:
    """The person whose application is under review, as the applications service published them."""

    account_id: UUID
    name: str
    email: str


@dataclass(frozen=True)
class Actor:
    """Someone who acted on a case (a coordinator today; reviewers later)."""

    account_id: UUID
    name: str
