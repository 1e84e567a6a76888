"""The audit trail of a case: every stored event as who did what, when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from .case import ReviewCase


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
    """One entry per event of a case, oldest first; unknown event types are listed without details."""
    return [_entry(e) for e in events]


def _entry(event: Any) -> AuditEntry:
    version: int = event.originator_version
    at: datetime = event.timestamp
    if isinstance(event, ReviewCase.Opened):
        return AuditEntry(
            version, "opened", at, event.applicant.account_id, event.applicant.name, "applicant",
            {"submission_number": str(event.submission_number), "category": event.category,
             "rule_set_version": event.rule_set_version, "received_at": event.received_at.isoformat()},
        )
    if isinstance(event, ReviewCase.Approved):
        details = {"endorsement_id": str(event.endorsement_id), "effective_date": event.effective_date.isoformat(),
                   "renewal_date": event.renewal_date.isoformat()}
        if event.designation is not None:
            details["designation"] = event.designation
        return AuditEntry(version, "approved", at, event.by.account_id, event.by.name, "coordinator", details)
    return AuditEntry(version, type(event).__name__.lower(), at, None, None, "system")
