"""Events the gateway publishes about accounts on `endorsement.accounts.v1` (internal: carries personal data and
one-time links)."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, EmailStr, Field

from ..base import IntegrationEvent
from ..topics import ACCOUNTS

Language = Literal["en", "es"]
"""A person's language for pages and emails (BCP 47 primary tag)."""


class _AccountEvent(IntegrationEvent):
    """The fields of every account event; their sealed twins (`accounts_v2`) seal the name and email."""

    topic: ClassVar[str] = ACCOUNTS.name
    key_field: ClassVar[str] = "account_id"

    account_id: UUID
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    language: Language = Field(description="The language the person chose for pages and emails.")


class AccountRegistered(_AccountEvent):
    """Someone created an account (applicant sign-up, or a staff account seeded or invited)."""

    event_type: ClassVar[str] = "AccountRegistered"
    version: ClassVar[int] = 1

    roles: list[str] = Field(description="The account's roles in its tenant, e.g. `applicant`, `coordinator`.")


class AccountProfileChanged(_AccountEvent):
    """The person changed their name, email or language: later emails use the new values."""

    event_type: ClassVar[str] = "AccountProfileChanged"
    version: ClassVar[int] = 1


class EmailVerificationRequested(_AccountEvent):
    """The person must confirm their email address by opening `link` before `expires_at`."""

    event_type: ClassVar[str] = "EmailVerificationRequested"
    version: ClassVar[int] = 1

    request_id: UUID = Field(description="One per link sent; an email service sends one message per request.")
    link: str = Field(description="The single-use confirmation link (a secret: never log it).")
    expires_at: AwareDatetime


class PasswordResetRequested(_AccountEvent):
    """The person asked to reset a forgotten password; `link` lets them choose a new one before `expires_at`."""

    event_type: ClassVar[str] = "PasswordResetRequested"
    version: ClassVar[int] = 1

    request_id: UUID = Field(description="One per link sent; an email service sends one message per request.")
    link: str = Field(description="The single-use reset link (a secret: never log it).")
    expires_at: AwareDatetime


class PasswordChanged(_AccountEvent):
    """The password was changed or reset: the person is told, in case it was not them."""

    event_type: ClassVar[str] = "PasswordChanged"
    version: ClassVar[int] = 1

    change_id: UUID
    how: Literal["changed", "reset"]


EVENTS: tuple[type[IntegrationEvent], ...] = (
    AccountRegistered,
    AccountProfileChanged,
    EmailVerificationRequested,
    PasswordResetRequested,
    PasswordChanged,
)
