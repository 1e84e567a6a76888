"""The coordinator's decisions: approve (also as emerging), approve for the exam and record its results, defer,
deny. An approval saves the endorsement it grants in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from ..config import Tenant
from ..domain import Actor, effective_date_for, granted_endorsement
from ..store import CaseFile, ReviewStore


class DecisionUseCases(ReviewStore):
    def approve(self, case_id: UUID, *, tenant: Tenant, by: Actor, designation: str | None = None,
                effective_date: date | None = None, emerging: bool = False, now: datetime | None = None) -> CaseFile:
        """Approve; the effective date defaults to today on the association's clock."""

        def attempt() -> None:
            case = self.get_case(case_id, tenant.slug)
            effective = effective_date_for(effective_date, today=tenant.today(now),
                                           received_on=tenant.local_date(case.received_at))
            case.approve(by, effective, designation, tenant.renewal.first_renewal_date(effective),
                         policy=tenant.policy, emerging=emerging)
            self.save(case, granted_endorsement(case, tenant.terms))

        self.retrying(attempt)
        return self.case_file(case_id, tenant.slug)

    def approve_for_exam(self, case_id: UUID, *, tenant: Tenant, by: Actor) -> CaseFile:
        def attempt() -> None:
            case = self.get_case(case_id, tenant.slug)
            case.approve_for_exam(by, tenant.policy)
            self.save(case)

        self.retrying(attempt)
        return self.case_file(case_id, tenant.slug)

    def record_exam_result(self, case_id: UUID, *, tenant: Tenant, by: Actor, taken_on: date,
                           part1_percent: int | None, part2_passed: bool | None,
                           now: datetime | None = None) -> CaseFile:
        def attempt() -> None:
            case = self.get_case(case_id, tenant.slug)
            case.record_exam_result(by, taken_on=taken_on, today=tenant.today(now), part1_percent=part1_percent,
                                    part2_passed=part2_passed, policy=tenant.policy)
            self.save(case)

        self.retrying(attempt)
        return self.case_file(case_id, tenant.slug)

    def defer(self, case_id: UUID, *, tenant: Tenant, by: Actor, reasons: Sequence[str],
              recommendations: Sequence[str], earliest_rereview_on: date, now: datetime | None = None) -> CaseFile:
        def attempt() -> None:
            case = self.get_case(case_id, tenant.slug)
            case.defer(by, reasons, recommendations, earliest_rereview_on, today=tenant.today(now),
                       policy=tenant.policy)
            self.save(case)

        self.retrying(attempt)
        return self.case_file(case_id, tenant.slug)

    def deny(self, case_id: UUID, *, tenant: Tenant, by: Actor, reasons: Sequence[str]) -> CaseFile:
        def attempt() -> None:
            case = self.get_case(case_id, tenant.slug)
            case.deny(by, reasons, tenant.policy)
            self.save(case)

        self.retrying(attempt)
        return self.case_file(case_id, tenant.slug)
