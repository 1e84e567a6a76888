"""The audit trail of a case or an endorsement: every stored event as who did what, when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from .values import Described


@dataclass(frozen=True)
class AuditEntry:
    version: int
    action: str
    at: datetime
    by_account_id: UUID | None
    by_name: str | None
    by_role: str
    details: dict[str, str] = field(default_factory=dict)


def audit_trail(events: Iterable[Any]) -> list[AuditEntry]:
    """One entry per event, oldest first; events that do not describe themselves are listed without details."""
    return [_entry(e) for e in events]


def _entry(event: Any) -> AuditEntry:
    version: int = event.originator_version
    at: datetime = event.timestamp
    describe = getattr(event, "describe", None)
    if not callable(describe):
        return AuditEntry(version, type(event).__name__.lower(), at, None, None, "system")
    described: Described = describe()
    by = described.by
    return AuditEntry(version, described.action, at, None if by is None else by.account_id,
                      None if by is None else by.name, described.role, dict(described.details))
