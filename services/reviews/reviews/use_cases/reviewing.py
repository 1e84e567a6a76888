"""Reviewer assignment and the reviewers' own work on a case.

Callers name reviewers by address (the roster's, or the caller's token's); the case knows them by the keyed subject
of that address (`ReviewStore.address_subject`), which these use cases compute. A roster member whose address was
erased here cannot be assigned: nothing readable may be sealed for them again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from ..config import Tenant
from ..domain import (
    Actor,
    ChecklistItem,
    Competencies,
    RecommendationKind,
    ReviewCase,
    Reviewer,
    ReviewerNotFound,
    Work,
    conflict_of,
    normalised_email,
)
from ..domain.errors import ReviewerNotEligible
from ..store import CaseFile, ReviewStore


def roster_entry(tenant: Tenant, email: str) -> Reviewer:
    reviewer = tenant.reviewers.get(normalised_email(email))
    if reviewer is None:
        raise ReviewerNotFound(f"{email} is not on {tenant.slug}'s reviewer roster")
    return reviewer


class ReviewingCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def assign_reviewer(self, case_id: UUID, *, tenant: Tenant, by: Actor, reviewer_email: str,
                        now: datetime) -> CaseFile:
        reviewer = self.store.identified(roster_entry(tenant, reviewer_email), tenant.slug)
        if reviewer.subject is None or self.store.is_erased(reviewer.subject):
            raise ReviewerNotEligible(f"{reviewer.email} was erased here: take them off the roster")

        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.require_workable(Work.ASSIGN_REVIEWER, now)
            case.assign_reviewer(reviewer, by, tenant.policy, self.store.fingerprint)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def withdraw_reviewer(self, case_id: UUID, *, tenant: Tenant, by: Actor, reviewer_email: str,
                          reason: str | None = None) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.withdraw_reviewer(self.store.address_subject(tenant.slug, reviewer_email), by, reason)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def suggested_reviewers(self, case_id: UUID, *, tenant: Tenant) -> list[Reviewer]:
        """Everyone on the roster who could be assigned now: eligible, unconflicted and not yet assigned."""
        case = self.store.get_case(case_id, tenant.slug)
        suggestions = []
        for reviewer in tenant.reviewers.values():
            current = case.assignments.get(self.store.address_subject(tenant.slug, reviewer.email))
            if current is not None and current.is_live:
                continue
            own, needed = tenant.policy.rank(reviewer.category), tenant.policy.rank(case.category)
            eligible = reviewer.active and reviewer.trained and own is not None and needed is not None and own >= needed
            if eligible and conflict_of(reviewer, case.relations, self.store.fingerprint) is None:
                suggestions.append(reviewer)
        return suggestions

    def reviewer_case(self, case_id: UUID, *, tenant: Tenant, reviewer_email: str) -> ReviewCase:
        """The case as an assigned reviewer may load it; to anyone else it does not exist."""
        case = self.store.get_case(case_id, tenant.slug)
        case.assignment_of(self.store.address_subject(tenant.slug, reviewer_email))
        return case

    def answer_assignment(self, case_id: UUID, *, tenant: Tenant, by: Actor, reviewer_email: str, accept: bool,
                          reason: str | None = None) -> ReviewCase:
        def attempt() -> ReviewCase:
            case = self.reviewer_case(case_id, tenant=tenant, reviewer_email=reviewer_email)
            case.answer_assignment(self.store.address_subject(tenant.slug, reviewer_email), by, accept=accept,
                                   reason=reason)
            self.store.save(case)
            return case

        return self.store.retrying(attempt)

    def recommend(self, case_id: UUID, *, tenant: Tenant, by: Actor, reviewer_email: str,
                  recommendation: RecommendationKind, comments_for_applicant: str | None = None,
                  private_notes: str | None = None, domains_met: Sequence[str] = (),
                  checklist: Sequence[ChecklistItem] = (), competencies: Competencies | None = None) -> ReviewCase:
        def attempt() -> ReviewCase:
            case = self.reviewer_case(case_id, tenant=tenant, reviewer_email=reviewer_email)
            case.recommend(self.store.address_subject(tenant.slug, reviewer_email), by, recommendation, tenant.policy,
                           comments_for_applicant=comments_for_applicant, private_notes=private_notes,
                           domains_met=domains_met, checklist=checklist, competencies=competencies)
            self.store.save(case)
            return case

        return self.store.retrying(attempt)
