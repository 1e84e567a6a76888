"""Erasure requests and legal holds: who may ask, and what state a request is in (docs/erasure.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from .accounts import Account
from .errors import NotAllowed

MAX_REASON_CHARS = 500
ERASURE_STAFF_ROLES = frozenset({"coordinator", "administrator"})
"""Who files erasures and holds for the people of their tenant."""
SYSTEM = "system"
"""`requested_by` of the erasures the platform files itself (retention jobs)."""


class ErasureState(StrEnum):
    HELD = "held"
    """A legal hold covers the subject: the request runs when the hold is lifted."""
    ERASING = "erasing"
    """The gateway has erased its part and asked the services (PersonErased); answers are coming in."""
    DONE = "done"
    """Every service has answered."""


@dataclass(frozen=True)
class Erasure:
    id: UUID
    tenant: str
    subject: str
    requested_by: str
    reason: str | None
    requested_at: datetime
    state: ErasureState
    hold_id: UUID | None
    started_at: datetime | None
    done_at: datetime | None


@dataclass(frozen=True)
class Hold:
    id: UUID
    tenant: str
    subject: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


def requester(account: Account) -> str:
    """How the ledger names whoever asked: an account id, never a name or email."""
    return f"account:{account.id}"


def check_may_manage_erasures(account: Account, tenant: str) -> None:
    """Coordinators and administrators, for their own tenant only."""
    if account.tenant != tenant or not account.roles & ERASURE_STAFF_ROLES:
        raise NotAllowed("only a coordinator or administrator of the association may do this")
