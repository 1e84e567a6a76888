"""Types shared by several events."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

CategoryCode = str
CATEGORY_PATTERN = r"^[A-Z][A-Z/\-]{1,15}$"


class Person(BaseModel):
    """The applicant or holder as known to the platform (never published on the public topic)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr


class SealedMarker:
    """Marks a field as a sealed token, so a consumer finds the tokens to unseal by the event's type alone, never by
    guessing from text (a person may type something that looks like a token into a free-text field)."""

    def __repr__(self) -> str:
        return "SealedMarker()"


SEALED = SealedMarker()
SEALED_PATTERN = r"^pd1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"

Sealed = Annotated[
    str,
    SEALED,
    Field(pattern=SEALED_PATTERN, max_length=20_000,
          description="A personal value sealed by the producing service under the person's data key "
                      "(`pd1.<subject>.<ciphertext>`, docs/erasure.md). Consumers open it with the producer's "
                      "`POST /internal/unseal`; after the person's erasure it opens to null."),
]
"""Personal data on the wire: only a token, which the producer opens for other services until the person is erased."""


class SealedPerson(BaseModel):
    """`Person` on the v2 topics: the account id stays plain (consumers key by it); the name and email are tokens
    sealed under the person's subject, `account:<account_id>`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: UUID
    name: Sealed
    email: Sealed
