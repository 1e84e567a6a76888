"""Stored events of renewal and reinstatement cases' approvals (the register entry records its own change)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .lifecycle import Status
from .values import Actor, Described


class RenewalCaseApproved(Aggregate.Event):
    """The coordinator approved the renewal; the endorsement recorded `RenewalApproved` in the same transaction."""

    by: Actor
    endorsement_id: UUID
    renewal_id: UUID
    renewal_year: int
    renewal_date: date

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.APPROVED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.renewal_date = self.renewal_date

    def describe(self) -> Described:
        return Described("renewal_approved", "coordinator", self.by,
                         {"endorsement_id": str(self.endorsement_id), "renewal_year": str(self.renewal_year),
                          "renewal_date": self.renewal_date.isoformat()})


class ReinstatementCaseApproved(Aggregate.Event):
    """The reinstatement was approved; the lapsed endorsement recorded `Reinstated` in the same transaction."""

    by: Actor
    endorsement_id: UUID
    reinstatement_id: UUID
    effective_date: date
    renewal_date: date

    def apply(self, aggregate: Any) -> None:
        aggregate.status = Status.APPROVED
        aggregate.decided_by = self.by
        aggregate.decided_at = self.timestamp
        aggregate.effective_date = self.effective_date
        aggregate.renewal_date = self.renewal_date

    def describe(self) -> Described:
        return Described("reinstatement_approved", "coordinator", self.by,
                         {"endorsement_id": str(self.endorsement_id), "reinstated_on": self.effective_date.isoformat(),
                          "renewal_date": self.renewal_date.isoformat()})
