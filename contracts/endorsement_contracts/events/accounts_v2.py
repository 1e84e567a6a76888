"""Events the gateway publishes about accounts on `endorsement.accounts.v2`: the twins of `accounts` with the name,
the email and the one-time links sealed under the account's subject, `account:<account_id>` (docs/erasure.md)."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from ..base import IntegrationEvent
from ..topics import ACCOUNTS_V2
from . import accounts
from .common import Sealed


class _AccountEvent(accounts._AccountEvent):
    """The fields of every account event (`accounts._AccountEvent`), with the name and email sealed."""

    version: ClassVar[int] = 2
    topic: ClassVar[str] = ACCOUNTS_V2.name

    email: Sealed
    name: Sealed


class AccountRegistered(_AccountEvent):
    """Someone created an account (applicant sign-up, or a staff account seeded or invited)."""

    event_type: ClassVar[str] = "AccountRegistered"

    roles: list[str] = Field(description="The account's roles in its tenant, e.g. `applicant`, `coordinator`.")


class AccountProfileChanged(_AccountEvent):
    """The person changed their name, email or language: later emails use the new values."""

    event_type: ClassVar[str] = "AccountProfileChanged"


class EmailVerificationRequested(_AccountEvent):
    """The person must confirm their email address by opening `link` before `expires_at`."""

    event_type: ClassVar[str] = "EmailVerificationRequested"

    request_id: UUID = Field(description="One per link sent; an email service sends one message per request.")
    link: Sealed  # the single-use confirmation link: a secret, never logged, opened or not
    expires_at: AwareDatetime


class PasswordResetRequested(_AccountEvent):
    """The person asked to reset a forgotten password; `link` lets them choose a new one before `expires_at`."""

    event_type: ClassVar[str] = "PasswordResetRequested"

    request_id: UUID = Field(description="One per link sent; an email service sends one message per request.")
    link: Sealed  # the single-use reset link: a secret, never logged, opened or not
    expires_at: AwareDatetime


class PasswordChanged(_AccountEvent):
    """The password was changed or reset: the person is told, in case it was not them."""

    event_type: ClassVar[str] = "PasswordChanged"

    change_id: UUID
    how: Literal["changed", "reset"]


EVENTS: tuple[type[IntegrationEvent], ...] = (
    AccountRegistered,
    AccountProfileChanged,
    EmailVerificationRequested,
    PasswordResetRequested,
    PasswordChanged,
)
