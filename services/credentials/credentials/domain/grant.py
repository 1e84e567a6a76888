"""What the credentials service learns when an endorsement is granted."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from credentials.domain.errors import InvalidGrantError

ACCOUNT_SUBJECT = "account:"
"""The prefix of an account's subject id (docs/erasure.md: "Who is a subject")."""


def account_subject(account_id: UUID) -> str:
    return f"{ACCOUNT_SUBJECT}{account_id}"


def account_of_subject(subject: str) -> UUID | None:
    """The account id an `account:<uuid>` subject names; None for any other subject (a rater)."""
    if not subject.startswith(ACCOUNT_SUBJECT):
        return None
    try:
        return UUID(subject.removeprefix(ACCOUNT_SUBJECT))
    except ValueError:
        return None


@dataclass(frozen=True)
class Holder:
    """The endorsed person: their name and e-mail address, stored sealed under `subject` (their account).

    Once the subject is erased (its key destroyed), both read None and the events that hold them still
    replay. The address never leaves this service: credentials carry only its salted hash.
    """

    subject: str
    name: str | None
    email: str | None

    @classmethod
    def of_account(cls, account_id: UUID, name: str | None, email: str | None) -> "Holder":
        return cls(account_subject(account_id), name, email)

    @property
    def account_id(self) -> UUID:
        account_id = account_of_subject(self.subject)
        if account_id is None:
            raise ValueError(f"a holder's subject is an account, not {self.subject[:60]!r}")
        return account_id

    @property
    def erased(self) -> bool:
        return self.name is None and self.email is None


@dataclass(frozen=True)
class EndorsementGrant:
    """An endorsement awarded to a holder in a category, from its effective date until its renewal date."""

    tenant: str
    endorsement_id: UUID
    holder: Holder
    category: str
    category_name: str
    designation: str | None
    effective_date: date
    renewal_date: date

    def __post_init__(self) -> None:
        if self.renewal_date <= self.effective_date:
            raise InvalidGrantError(
                f"renewal date {self.renewal_date} must be after the effective date {self.effective_date}"
            )
        if account_of_subject(self.holder.subject) is None:
            raise InvalidGrantError("the holder's subject must be their account")
        if not (self.holder.name or "").strip():
            raise InvalidGrantError("the holder needs a name")
        if not (self.holder.email or "").strip():
            raise InvalidGrantError("the holder needs an e-mail address")
        if not self.category_name.strip():
            raise InvalidGrantError("the category needs a name")
