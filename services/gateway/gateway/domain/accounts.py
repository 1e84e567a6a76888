"""Accounts: who may sign in, with which roles, and what makes a password acceptable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from .errors import WeakPassword

APPLICANT = "applicant"
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Account:
    id: UUID
    tenant: str
    email: str
    name: str
    roles: frozenset[str]
    created_at: datetime
    seeded: bool = False
    disabled: bool = False


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively: one account per address and tenant."""
    return email.strip().lower()


def check_password_policy(password: str, email: str) -> None:
    """Refuse passwords that are short or merely the account's own email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if normalise_email(password) == normalise_email(email):
        raise WeakPassword("the password must not be the email address")
