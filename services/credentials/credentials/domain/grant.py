"""What the credentials service learns when an endorsement is granted."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from credentials.domain.errors import InvalidGrantError


@dataclass(frozen=True)
class Holder:
    """The endorsed person. The e-mail address stays private: credentials carry only its salted hash."""

    account_id: UUID
    name: str
    email: str


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
        if not self.holder.name.strip():
            raise InvalidGrantError("the holder needs a name")
        if not self.category_name.strip():
            raise InvalidGrantError("the category needs a name")
