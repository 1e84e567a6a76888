"""Accounts: who may sign in, with which roles, and what makes a password acceptable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from .errors import WeakPassword

APPLICANT = "applicant"
MIN_PASSWORD_LENGTH = 12
LANGUAGES = ("en", "es")
"""The languages pages and emails exist in (BCP 47 primary tags)."""
DEFAULT_LANGUAGE = "en"


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
    language: str = DEFAULT_LANGUAGE
    email_verified_at: datetime | None = None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def may_change_data(self, require_verified_email: bool) -> bool:
        """An applicant must confirm their email before changing anything through the services."""
        return not (require_verified_email and APPLICANT in self.roles and not self.email_verified)


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively: one account per address and tenant."""
    return email.strip().lower()


def check_password_policy(password: str, email: str) -> None:
    """Refuse passwords that are short or merely the account's own email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if normalise_email(password) == normalise_email(email):
        raise WeakPassword("the password must not be the email address")


def choose_language(asked: str | None, accept_language: str | None, offered: tuple[str, ...], default: str) -> str:
    """The language asked for, else the best of `Accept-Language` the platform and tenant offer, else `default`."""
    available = [lang for lang in offered if lang in LANGUAGES] or [DEFAULT_LANGUAGE]
    if asked in available:
        return asked
    for tag in preferred_languages(accept_language or ""):
        if tag in available:
            return tag
    return default if default in available else available[0]


def preferred_languages(accept_language: str) -> list[str]:
    """Primary language tags of an `Accept-Language` header, most preferred first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary and primary != "*" and quality > 0:
            ranked.append((-quality, index, primary))
    return [tag for _, _, tag in sorted(ranked)]
