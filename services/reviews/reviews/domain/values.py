"""Value objects of a review case, and the tidying every free text a command carries goes through."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from uuid import UUID

from .errors import InvalidReasons
from .personal import CaseText, account_subject

MAX_ITEMS = 50
MAX_ITEM_LENGTH = 1000
MAX_MESSAGE_LENGTH = 4000

Role = Literal["applicant", "coordinator", "reviewer", "scorer", "system"]


@dataclass(frozen=True)
class Applicant:
    """The person whose application is under review, as the applications service published them.

    Stored sealed under `subject` (their account, see `personal.py`): once they are erased, `name` and `email`
    read None and the events holding them still replay."""

    account_id: UUID
    name: str | None
    email: str | None
    subject: str = ""
    """Derived from the account (a field only because the stored envelope names its subject)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", account_subject(self.account_id))

    @property
    def erased(self) -> bool:
        return self.name is None and self.email is None


@dataclass(frozen=True)
class Actor:
    """Someone who acted on a case: a coordinator, a reviewer, or the applicant. Their name is stored sealed under
    their account's subject, so it reads None once they are erased (their acts stay attributed to the account)."""

    account_id: UUID
    name: str | None
    subject: str = ""
    """Derived from the account, as the applicant's."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", account_subject(self.account_id))


@dataclass(frozen=True)
class Described:
    """What a stored event means to a reader of the audit trail."""

    action: str
    role: Role
    by: Actor | None = None
    details: dict[str, str] = field(default_factory=dict)


def text_about(applicant: Applicant, text: str | None) -> CaseText:
    """`text` to store sealed under the applicant's subject; none once they are erased (nothing may be sealed for
    them any more)."""
    return CaseText(applicant.subject, None if applicant.erased else text)


def items_about(applicant: Applicant, items: list[str]) -> CaseText:
    return CaseText.of_items(applicant.subject, [] if applicant.erased else items)


def cleaned_items(items: Iterable[str], what: str, *, required: bool = True) -> list[str]:
    """Trimmed, non-blank, bounded list items (reasons, requested documents, recommendations)."""
    cleaned = [" ".join(item.split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if required and not cleaned:
        raise InvalidReasons(f"at least one {what} is required")
    if len(cleaned) > MAX_ITEMS:
        raise InvalidReasons(f"at most {MAX_ITEMS} {what}s")
    if any(len(item) > MAX_ITEM_LENGTH for item in cleaned):
        raise InvalidReasons(f"a {what} has at most {MAX_ITEM_LENGTH} characters")
    return cleaned


def cleaned_message(message: str | None, what: str = "message") -> str | None:
    if message is None or not message.strip():
        return None
    cleaned = message.strip()
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise InvalidReasons(f"a {what} has at most {MAX_MESSAGE_LENGTH} characters")
    return cleaned


def add_years(day: date, years: int) -> date:
    """The same month-day `years` later; 29 February falls on 28 February in common years."""
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))
