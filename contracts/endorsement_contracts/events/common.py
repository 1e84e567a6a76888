"""Types shared by several events."""

from __future__ import annotations

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
