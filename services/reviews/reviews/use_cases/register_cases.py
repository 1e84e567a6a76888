"""Approving a renewal or reinstatement case: the register entry it is about changes in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from ..config import Tenant
from ..domain import (
    Actor,
    CaseKind,
    Endorsement,
    ReviewCase,
    approve_reinstatement_case,
    approve_renewal_case,
)
from ..domain.errors import CaseKindConflict
from ..store import ReviewStore


class RegisterCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def approval(self, case: ReviewCase, *, tenant: Tenant, by: Actor, now: datetime,
                 designation: str | None = None, effective_date: date | None = None,
                 emerging: bool = False) -> Endorsement:
        """Approve `case` (a renewal or reinstatement) against its endorsement; returns the changed endorsement,
        unsaved (the caller saves it with the case)."""
        if case.endorsement_id is None or case.kind is CaseKind.INITIAL:
            raise CaseKindConflict("an application is approved as a new grant")
        if emerging or designation is not None or effective_date is not None:
            raise CaseKindConflict(f"a {case.kind} approval takes no designation, effective date or emerging status")
        endorsement = self.store.get_endorsement(case.endorsement_id, tenant.slug)
        approve = approve_renewal_case if case.kind is CaseKind.RENEWAL else approve_reinstatement_case
        approve(case, endorsement, by, today=tenant.today(now), now=now, terms=tenant.terms, policy=tenant.policy)
        return endorsement
