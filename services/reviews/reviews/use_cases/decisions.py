"""The coordinator's decisions: approve (also as emerging), approve for the exam and record its results, defer,
deny. An approval saves the endorsement it grants (or, for a renewal or reinstatement case, the endorsement it
changes) in the same transaction. No case is assigned or decided before its review cycle opens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from ..config import Tenant
from ..domain import Actor, CaseKind, Work, effective_date_for, granted_endorsement
from ..domain.examination.aggregate import Examination
from ..store import CaseFile, ReviewStore
from .examinations import examination_of
from .register_cases import RegisterCases


class DecisionCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store
        self.register = RegisterCases(store)

    def approve(self, case_id: UUID, *, tenant: Tenant, by: Actor, designation: str | None = None,
                effective_date: date | None = None, emerging: bool = False, now: datetime) -> CaseFile:
        """Approve; the effective date defaults to today on the association's clock."""

        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            if case.kind is not CaseKind.INITIAL:
                self.store.save(case, self.register.approval(case, tenant=tenant, by=by, now=now,
                                                             designation=designation, effective_date=effective_date,
                                                             emerging=emerging))
                return
            case.require_workable(Work.APPROVE_AS_EMERGING if emerging else Work.DECIDE, now)
            effective = effective_date_for(effective_date, today=tenant.today(now),
                                           received_on=tenant.local_date(case.received_at))
            case.approve(by, effective, designation, tenant.renewal.first_renewal_date(effective),
                         policy=tenant.policy, emerging=emerging)
            self.store.save(case, granted_endorsement(case, tenant.terms))

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def approve_for_exam(self, case_id: UUID, *, tenant: Tenant, by: Actor, now: datetime) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.require_workable(Work.APPROVE_FOR_EXAM, now)
            case.approve_for_exam(by, tenant.policy)
            # registration and scoring: use_cases/examinations.py
            self.store.save(case, Examination.for_case(case, by, self.store.fingerprint))

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def record_exam_result(self, case_id: UUID, *, tenant: Tenant, by: Actor, taken_on: date,
                           part1_percent: int | None, part2_passed: bool | None,
                           now: datetime) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.record_exam_result(by, taken_on=taken_on, today=tenant.today(now), part1_percent=part1_percent,
                                    part2_passed=part2_passed, policy=tenant.policy)
            # the coordinator's override for an attempt reconciled outside the service: the examination keeps it
            examination = examination_of(self.store, case.id)
            if examination is not None:
                examination.record_direct_result(by, taken_on=taken_on, today=tenant.today(now),
                                                 part1_percent=part1_percent, part2_passed=part2_passed,
                                                 rules=tenant.policy.exam)
            self.store.save(case, *([] if examination is None else [examination]))

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def defer(self, case_id: UUID, *, tenant: Tenant, by: Actor, reasons: Sequence[str],
              recommendations: Sequence[str], earliest_rereview_on: date, now: datetime) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.require_workable(Work.DEFER, now)
            case.defer(by, reasons, recommendations, earliest_rereview_on, today=tenant.today(now),
                       policy=tenant.policy)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def deny(self, case_id: UUID, *, tenant: Tenant, by: Actor, reasons: Sequence[str],
             now: datetime) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.require_workable(Work.DENY, now)
            case.deny(by, reasons, tenant.policy)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)
