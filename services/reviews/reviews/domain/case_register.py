"""Review-case rules about its kind and its review cycle, and the approval of renewal and reinstatement cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from .case_events import ReinstatementCaseApproved, RenewalCaseApproved
from .case_kinds import NOT_FOR_KIND, CaseKind, Work
from .cycles import require_cycle_open
from .errors import CaseKindConflict
from .lifecycle import Action, Status, require
from .policy import ReviewPolicy
from .values import Actor


class CaseWork:
    """Mixed into ReviewCase."""

    if TYPE_CHECKING:
        status: Status
        kind: CaseKind
        endorsement_id: UUID | None
        cycle: str | None
        cycle_opens_at: datetime | None

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    def require_workable(self, work: Work, now: datetime) -> None:
        """Refuse work the case's kind rules out, and any assignment or decision before its cycle opens."""
        if work in NOT_FOR_KIND[self.kind]:
            raise CaseKindConflict(f"a {self.kind} case admits no {work}")
        require_cycle_open(self.cycle, self.cycle_opens_at, now)

    def is_waiting(self, now: datetime) -> bool:
        """The case waits for its review cycle to open."""
        return self.cycle_opens_at is not None and now < self.cycle_opens_at

    def require_register_decision(self, kind: CaseKind, endorsement_id: UUID, policy: ReviewPolicy,
                                  now: datetime) -> None:
        """Guards of approving a renewal or reinstatement case (before the register entry is asked to change).

        A renewal is the coordinator's alone, so it is decided directly whatever the reviewer policy."""
        if self.kind is not kind:
            raise CaseKindConflict(f"this is a {self.kind} case, not a {kind} case")
        if endorsement_id != self.endorsement_id:
            raise ValueError("the endorsement is not the one this case is about")
        require(self.status, Action.DECIDE,
                direct_decision=kind is CaseKind.RENEWAL or policy.coordinator_decides_directly)
        self.require_workable(Work.DECIDE, now)

    def confirm_renewal(self, by: Actor, *, endorsement_id: UUID, renewal_id: UUID, renewal_year: int,
                        renewal_date: date, policy: ReviewPolicy, now: datetime) -> None:
        self.require_register_decision(CaseKind.RENEWAL, endorsement_id, policy, now)
        self.trigger_event(RenewalCaseApproved, by=by, endorsement_id=endorsement_id, renewal_id=renewal_id,
                           renewal_year=renewal_year, renewal_date=renewal_date)

    def confirm_reinstatement(self, by: Actor, *, endorsement_id: UUID, reinstatement_id: UUID, effective_date: date,
                              renewal_date: date, policy: ReviewPolicy, now: datetime) -> None:
        self.require_register_decision(CaseKind.REINSTATEMENT, endorsement_id, policy, now)
        self.trigger_event(ReinstatementCaseApproved, by=by, endorsement_id=endorsement_id,
                           reinstatement_id=reinstatement_id, effective_date=effective_date,
                           renewal_date=renewal_date)
