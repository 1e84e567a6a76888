"""The examination of a case approved for it: registration, accommodations, results, blind scoring and feedback.

When an attempt has every result, its review case records it in the same transaction (`ExamScored`; once every
part is passed the case is `exam_passed` and the coordinator approves it as usual).

Callers name scorers by address; the examination knows them by the keyed subject of that address
(`ReviewStore.address_subject`), which these use cases compute. A scorer whose address was erased here cannot be
assigned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ..config import Tenant
from ..domain import Actor, AuditEntry, Reviewer, audit_trail, normalised_email
from ..domain.errors import ExaminationNotFound, ScorerNotEligible, ScorerNotFound, ScoringAssignmentNotFound
from ..domain.examination.aggregate import Examination, examination_id_for
from ..domain.examination.attempt import Attempt, Concluded, ScoringAssignment
from ..store import ReviewStore


@dataclass(frozen=True)
class ExaminationFile:
    """An examination with its audit trail, as a coordinator sees it."""

    examination: Examination
    history: list[AuditEntry]


@dataclass(frozen=True)
class ScoringView:
    """What a scorer may see of their assignment: nothing about the examinee but the candidate number."""

    attempt: Attempt
    assignment: ScoringAssignment


def examination_of(store: ReviewStore, review_case_id: UUID) -> Examination | None:
    """The case's examination; None for a case approved for the exam before examinations existed."""
    exam_id = examination_id_for(review_case_id)
    if exam_id not in store.repository:
        return None
    examination: Examination = store.repository.get(exam_id)
    return examination


def scorer_on_roster(tenant: Tenant, email: str) -> Reviewer:
    scorer = tenant.policy.exam.scorers.get(normalised_email(email))
    if scorer is None:
        raise ScorerNotFound(f"{email} is not on {tenant.slug}'s roster of exam scorers")
    return scorer


class ExaminationCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def get_examination(self, exam_id: UUID, tenant: str, *, applicant_id: UUID | None = None) -> Examination:
        """The examination, if it belongs to `tenant` (and, for an applicant, is their own)."""
        try:
            found: object = self.store.repository.get(exam_id)
        except AggregateNotFoundError:
            raise ExaminationNotFound(f"no examination {exam_id}") from None
        if not isinstance(found, Examination) or found.tenant != tenant:
            raise ExaminationNotFound(f"no examination {exam_id}")
        if applicant_id is not None and found.applicant.account_id != applicant_id:
            raise ExaminationNotFound(f"no examination {exam_id}")
        return found

    def examination_file(self, exam_id: UUID, tenant: str) -> ExaminationFile:
        examination = self.get_examination(exam_id, tenant)
        return ExaminationFile(examination, audit_trail(self.store.events.get(exam_id, lte=examination.version)))

    # Registration (the examinee, or the coordinator on their written request) ---------------------------

    def register_for_exam(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        applicant_id: UUID | None,
        sitting_on: date,
        accommodations: str | None = None,
        now: datetime,
    ) -> Examination:
        """`applicant_id`: the examinee acting for themselves; None: the coordinator."""
        return self._change(
            exam_id,
            tenant,
            applicant_id,
            lambda e: e.register(
                by,
                _role(applicant_id),
                sitting_on,
                today=tenant.today(now),
                rules=tenant.policy.exam,
                accommodations=accommodations,
            ),
        )

    def withdraw_exam_registration(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        applicant_id: UUID | None,
        reason: str | None = None,
        now: datetime,
    ) -> Examination:
        return self._change(
            exam_id,
            tenant,
            applicant_id,
            lambda e: e.withdraw_registration(by, _role(applicant_id), today=tenant.today(now), reason=reason),
        )

    def request_accommodations(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        applicant_id: UUID | None,
        details: str,
        now: datetime,
    ) -> Examination:
        return self._change(
            exam_id,
            tenant,
            applicant_id,
            lambda e: e.request_accommodations(
                by, _role(applicant_id), details, today=tenant.today(now), rules=tenant.policy.exam
            ),
        )

    def decide_accommodations(
        self, exam_id: UUID, *, tenant: Tenant, by: Actor, granted: bool, note: str | None = None
    ) -> ExaminationFile:
        self._change(exam_id, tenant, None, lambda e: e.decide_accommodations(by, granted=granted, note=note))
        return self.examination_file(exam_id, tenant.slug)

    # Results and scoring (the coordinator) -------------------------------------------------------------

    def record_part1(
        self, exam_id: UUID, *, tenant: Tenant, by: Actor, percent: int, now: datetime
    ) -> ExaminationFile:
        self._conclude(
            exam_id,
            tenant,
            lambda e: e.record_part1(by, percent, today=tenant.today(now), rules=tenant.policy.exam),
            now=now,
        )
        return self.examination_file(exam_id, tenant.slug)

    def open_scoring(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        scorer_emails: Sequence[str],
        responses_ref: str,
        vignettes: int,
        due_on: date | None = None,
        now: datetime,
    ) -> ExaminationFile:
        scorers = [self._assignable_scorer(tenant, email) for email in scorer_emails]
        self._change(
            exam_id,
            tenant,
            None,
            lambda e: e.open_scoring(
                by,
                scorers,
                responses_ref=responses_ref,
                vignettes=vignettes,
                today=tenant.today(now),
                policy=tenant.policy,
                fingerprint=self.store.fingerprint,
                due_on=due_on,
            ),
        )
        return self.examination_file(exam_id, tenant.slug)

    def assign_scorer(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        scorer_email: str,
        due_on: date | None = None,
        now: datetime,
    ) -> ExaminationFile:
        scorer = self._assignable_scorer(tenant, scorer_email)
        self._change(
            exam_id,
            tenant,
            None,
            lambda e: e.assign_scorer(by, scorer, today=tenant.today(now), policy=tenant.policy,
                                      fingerprint=self.store.fingerprint, due_on=due_on),
        )
        return self.examination_file(exam_id, tenant.slug)

    def withdraw_scorer(
        self, exam_id: UUID, *, tenant: Tenant, by: Actor, scorer_email: str, reason: str | None = None
    ) -> ExaminationFile:
        scorer = self.store.address_subject(tenant.slug, scorer_email)
        self._change(exam_id, tenant, None, lambda e: e.withdraw_scorer(by, scorer, reason))
        return self.examination_file(exam_id, tenant.slug)

    def reconcile_part2(
        self,
        exam_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        verdicts: Sequence[bool],
        note: str | None = None,
        now: datetime,
    ) -> ExaminationFile:
        self._conclude(
            exam_id,
            tenant,
            lambda e: e.reconcile(by, verdicts, note=note, today=tenant.today(now), rules=tenant.policy.exam),
            now=now,
        )
        return self.examination_file(exam_id, tenant.slug)

    def send_exam_feedback(self, exam_id: UUID, *, tenant: Tenant, by: Actor, text: str) -> ExaminationFile:
        self._change(exam_id, tenant, None, lambda e: e.send_feedback(by, text))
        return self.examination_file(exam_id, tenant.slug)

    # The scorers --------------------------------------------------------------------------------------

    def scoring_view(self, exam_id: UUID, assignment_id: UUID, *, tenant: Tenant, scorer_email: str) -> ScoringView:
        examination = self._scorers_examination(exam_id, assignment_id, tenant)
        return ScoringView(*examination.scoring_assignment(assignment_id, self.store.address_subject(tenant.slug,
                                                                                               scorer_email)))

    def submit_score(
        self,
        exam_id: UUID,
        assignment_id: UUID,
        *,
        tenant: Tenant,
        by: Actor,
        scorer_email: str,
        verdicts: Sequence[bool],
        comments: str | None = None,
        now: datetime,
    ) -> ScoringView:
        """A scorer's blind verdicts; the one that completes the attempt's results also records them on the case."""
        scorer = self.store.address_subject(tenant.slug, scorer_email)

        def attempt() -> ScoringView:
            examination = self._scorers_examination(exam_id, assignment_id, tenant)
            concluded = examination.submit_score(
                by,
                assignment_id,
                scorer,
                verdicts,
                comments=comments,
                today=tenant.today(now),
                rules=tenant.policy.exam,
            )
            self._save_with_case(examination, concluded, tenant=tenant, now=now)
            return ScoringView(*examination.scoring_assignment(assignment_id, scorer))

        return self.store.retrying(attempt)

    # Helpers ------------------------------------------------------------------------------------------

    def _assignable_scorer(self, tenant: Tenant, email: str) -> Reviewer:
        """The roster's scorer with the subject of their address; refused once that subject is erased here."""
        scorer = self.store.identified(scorer_on_roster(tenant, email), tenant.slug)
        if scorer.subject is None or self.store.is_erased(scorer.subject):
            raise ScorerNotEligible(f"{scorer.email} was erased here: take them off the roster")
        return scorer

    def _scorers_examination(self, exam_id: UUID, assignment_id: UUID, tenant: Tenant) -> Examination:
        try:
            return self.get_examination(exam_id, tenant.slug)
        except ExaminationNotFound:
            raise ScoringAssignmentNotFound(f"no scoring assignment {assignment_id}") from None

    def _change(
        self, exam_id: UUID, tenant: Tenant, applicant_id: UUID | None, command: Callable[[Examination], None]
    ) -> Examination:
        """Load, command, save: for commands that never complete an attempt's results."""

        def attempt() -> Examination:
            examination = self.get_examination(exam_id, tenant.slug, applicant_id=applicant_id)
            command(examination)
            self.store.save(examination)
            return examination

        return self.store.retrying(attempt)

    def _conclude(
        self, exam_id: UUID, tenant: Tenant, command: Callable[[Examination], Concluded | None], *, now: datetime
    ) -> None:
        """Load, command, save, with the case when the command completed an attempt's results."""

        def attempt() -> None:
            examination = self.get_examination(exam_id, tenant.slug)
            self._save_with_case(examination, command(examination), tenant=tenant, now=now)

        self.store.retrying(attempt)

    def _save_with_case(
        self, examination: Examination, concluded: Concluded | None, *, tenant: Tenant, now: datetime
    ) -> None:
        if concluded is None:
            self.store.save(examination)
            return
        case = self.store.get_case(examination.review_case_id, tenant.slug)
        case.record_exam_result(
            concluded.by,
            taken_on=concluded.taken_on,
            today=tenant.today(now),
            part1_percent=concluded.part1_percent,
            part2_passed=concluded.part2_passed,
            policy=tenant.policy,
        )
        self.store.save(examination, case)


def _role(applicant_id: UUID | None) -> str:
    return "coordinator" if applicant_id is None else "applicant"
