"""Retention (docs/erasure.md, "Legal holds and retention"): which accounts the platform erases itself, and why.

An applicant account with no activity (sign-up, sign-in, or a change to the account) for longer than its tenant's
`erasure.inactive_account_years` is due for an erasure that the platform files (`requested_by` `system`). So is a
holder whose last endorsement ended more than the tenant's `register_retention_years` ago: reviews keeps the register
and decides that (`ErasureDue`). Staff accounts never are: they come from the tenant files, and leave them by being
removed from the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .accounts import APPLICANT


class RetentionRule(Protocol):
    """A rule under which the platform files an erasure itself (`requested_by` `system`)."""

    @property
    def tenant(self) -> str: ...

    @property
    def reason(self) -> str: ...

    def is_due(self, *, roles: frozenset[str], seeded: bool, last_active_at: datetime, now: datetime) -> bool: ...


@dataclass(frozen=True)
class InactivityRule:
    """One tenant's rule: erase applicant accounts inactive for longer than `years`."""

    tenant: str
    years: int

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError("inactive_account_years must be a positive number of years")

    def cutoff(self, now: datetime) -> datetime:
        """Activity before this instant is too old: `now` less `years` calendar years (29 February → 28)."""
        year = now.year - self.years
        try:
            return now.replace(year=year)
        except ValueError:  # 29 February in a year that has none
            return now.replace(year=year, day=28)

    def is_due(self, *, roles: frozenset[str], seeded: bool, last_active_at: datetime, now: datetime) -> bool:
        """Whether an account with these roles and this last activity is due at `now`."""
        return is_applicant_account(roles, seeded) and last_active_at < self.cutoff(now)

    @property
    def reason(self) -> str:
        """The ledger's reason: names the rule, never the person."""
        return f"retention: inactive for {self.years} years"


@dataclass(frozen=True)
class RegisterRetentionRule:
    """One tenant's register retention: a holder whose last endorsement ended more than `years` ago is erased.
    Reviews knows when a register entry ended and says when this is due (`ErasureDue`); the gateway checks the
    account: an applicant's own, never a staff account."""

    tenant: str
    years: int

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError("register_retention_years must be a positive number of years")

    def is_due(self, *, roles: frozenset[str], seeded: bool, last_active_at: datetime, now: datetime) -> bool:
        """Whether the account may be erased under this rule (the period itself ran out: reviews said so)."""
        return is_applicant_account(roles, seeded)

    @property
    def reason(self) -> str:
        """The ledger's reason: names the rule, never the person or their dates."""
        return f"retention: register entry ended over {self.years} years ago"


def is_applicant_account(roles: frozenset[str], seeded: bool) -> bool:
    """An applicant's own account: signed up, with no staff role (a staff account is seeded from a tenant file)."""
    return not seeded and roles == frozenset({APPLICANT})


def last_activity(created_at: datetime, updated_at: datetime, last_signed_in_at: datetime | None) -> datetime:
    """The account's latest sign-up, change or sign-in."""
    return max(created_at, updated_at, last_signed_in_at or created_at)
