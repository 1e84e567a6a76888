"""Opening a case from a submission (or resuming the paused one), the completeness check, information requests, and
closing the case of a withdrawn application."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ..config import Tenant
from ..domain import CYCLED_KINDS, Actor, Applicant, CaseKind, CycleCalendar, ReviewCase, review_case_id
from ..domain.examination.aggregate import Examination
from ..store import CaseFile, ReviewStore
from .examinations import examination_of


@dataclass(frozen=True)
class Submission:
    """What the applications service told us about a submitted application."""

    tenant: str
    application_id: UUID
    submission_number: int
    applicant: Applicant
    category: str
    category_name: str
    rule_set_version: str
    received_at: datetime
    employer: str | None = None
    related_emails: tuple[str, ...] = ()
    """The applicant's raters, reflective-supervision provider and supervisor (conflicts of interest)."""
    kind: CaseKind = CaseKind.INITIAL
    endorsement_id: UUID | None = None
    """The register entry a renewal or reinstatement is about."""
    renewal_year: int | None = None


class IntakeCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def case_for(self, submission: Submission, *, cycles: CycleCalendar | None = None) -> ReviewCase | None:
        """The case the submission opens, or the paused case it resumes, with its new events unsaved.

        A resubmission resumes the application's latest case when that case waits for the applicant (and the
        category is unchanged); otherwise it opens a case of its own, in the review cycle of its receipt when the
        association has `cycles` and the kind is reviewed by cycle.

        None when the submission was already handled (a redelivered or republished event).
        """
        if review_case_id(submission.application_id, submission.submission_number) in self.store.repository:
            return None
        previous = self._latest_case_before(submission.application_id, submission.submission_number)
        if previous is not None and previous.tenant == submission.tenant:
            if previous.latest_submission >= submission.submission_number:
                return None
            if previous.is_waiting_for_applicant and previous.category == submission.category:
                previous.receive_information(submission.submission_number, submission.received_at)
                return previous
        return ReviewCase.open(
            tenant=submission.tenant, application_id=submission.application_id,
            submission_number=submission.submission_number, applicant=submission.applicant,
            category=submission.category, category_name=submission.category_name,
            rule_set_version=submission.rule_set_version, received_at=submission.received_at,
            fingerprint=self.store.fingerprint, employer=submission.employer, related_emails=submission.related_emails,
            kind=submission.kind,
            endorsement_id=submission.endorsement_id, renewal_year=submission.renewal_year,
            cycle=(cycles.cycle_for(submission.received_at)
                   if cycles is not None and submission.kind in CYCLED_KINDS else None),
        )

    def withdrawal(self, *, tenant: str, application_id: UUID, submission_number: int, by: Actor,
                   reason: str | None = None) -> list[ReviewCase | Examination]:
        """The application was withdrawn: its case (the one of its latest submission known here) closes as withdrawn,
        and an examination in progress is cancelled; the aggregates to save, with their new events unsaved.

        None to save when no case exists (withdrawn before submission, or the submission never reached this service),
        when the case is decided (it stays decided), or when it was already withdrawn (a republished event).
        """
        case = self._latest_case_before(application_id, submission_number + 1)
        if case is None or case.tenant != tenant or not case.close_as_withdrawn(by, submission_number, reason):
            return []
        examination = examination_of(self.store, case.id)
        if examination is not None and examination.cancel(by):
            return [case, examination]
        return [case]

    def _latest_case_before(self, application_id: UUID, submission_number: int) -> ReviewCase | None:
        """The case of the application's latest earlier submission (a resumed case keeps its first id)."""
        for number in range(submission_number - 1, 0, -1):
            case_id = review_case_id(application_id, number)
            if case_id in self.store.repository:
                case: ReviewCase = self.store.repository.get(case_id)
                return case
        return None

    def pass_completeness(self, case_id: UUID, *, tenant: Tenant, by: Actor) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.pass_completeness(by, tenant.policy)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def return_incomplete(self, case_id: UUID, *, tenant: Tenant, by: Actor, items: Sequence[str],
                          message: str | None = None) -> CaseFile:
        def attempt() -> None:
            case = self.store.get_case(case_id, tenant.slug)
            case.return_incomplete(by, items, message)
            self.store.save(case)

        self.store.retrying(attempt)
        return self.store.case_file(case_id, tenant.slug)

    def request_information(self, case_id: UUID, *, tenant: Tenant, by: Actor, items: Sequence[str],
                            message: str | None = None, reviewer_email: str | None = None) -> ReviewCase:
        def attempt() -> ReviewCase:
            case = self.store.get_case(case_id, tenant.slug)
            reviewer = None if reviewer_email is None else self.store.address_subject(tenant.slug, reviewer_email)
            if reviewer is not None:
                case.assignment_of(reviewer)  # to anyone not assigned, the case does not exist
            case.request_information(by, items, message, reviewer=reviewer)
            self.store.save(case)
            return case

        return self.store.retrying(attempt)
