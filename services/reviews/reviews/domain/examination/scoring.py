"""Examination commands of part 2's blind scoring: two scorers per vignette response, reconciliation of their
verdicts, and the tie broken by a third scorer or the coordinator. Mixed into Examination.

A scorer is identified by the keyed subject of their address (`Reviewer.subject`, `RosterMember`), which the service
computes: their assignments stay theirs once they are erased."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from ..errors import (
    InvalidDate,
    InvalidScore,
    ScoreAlreadySubmitted,
    ScorerAlreadyAssigned,
    ScorerConflicted,
    ScorerNotEligible,
    ScorerSlotsFull,
    ScorersNotDistinct,
    ScoresNotInDispute,
    ScoringAlreadyOpen,
    ScoringAssignmentNotFound,
    ScoringClosed,
    ScoringNotOpen,
)
from ..personal import Fingerprint
from ..policy import ReviewPolicy
from ..reviewers import Relations, Reviewer, conflict_of
from ..values import Actor, Applicant, cleaned_message, text_about
from . import events as ev
from .attempt import (
    FIRST_ROUND,
    MAX_VIGNETTES,
    THIRD_SCORER,
    Attempt,
    Concluded,
    Reconciliation,
    ScoringAssignment,
    ScoringStatus,
    broken_tie,
    checked_reference,
    disagreements,
    part2_passes,
)
from .rules import ExaminationRules


class BlindScoring:
    """Mixed into Examination."""

    if TYPE_CHECKING:
        application_id: UUID
        applicant: Applicant
        category: str
        relations: Relations
        current: Attempt | None

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...
        def scoring_assignment(self, assignment_id: UUID, scorer: str) -> tuple[Attempt, ScoringAssignment]: ...
        def _registered(self) -> Attempt: ...
        def _sat(self, part: int, today: date) -> Attempt: ...
        def _conclude_if_complete(self, today: date, rules: ExaminationRules, by: Actor) -> Concluded | None: ...

    def open_scoring(
        self,
        by: Actor,
        scorers: Sequence[Reviewer],
        *,
        responses_ref: str,
        vignettes: int,
        today: date,
        policy: ReviewPolicy,
        fingerprint: Fingerprint,
        due_on: date | None = None,
    ) -> None:
        """Hand the vignette responses to two distinct, eligible, unconflicted scorers (conflicts compared by
        `fingerprint`, see `Relations`)."""
        attempt = self._sat(2, today)
        if attempt.scoring_open:
            raise ScoringAlreadyOpen("the vignettes of this attempt are already with scorers")
        if len(scorers) != len(FIRST_ROUND) or len({s.email for s in scorers}) != len(FIRST_ROUND):
            raise ScorersNotDistinct("every vignette response is scored by two different scorers")
        reference = checked_reference(responses_ref, self.applicant, self.application_id)
        if not 1 <= vignettes <= MAX_VIGNETTES:
            raise InvalidScore(f"part 2 has 1 to {MAX_VIGNETTES} vignette responses")
        due = self._due(today, due_on, policy.exam)
        for scorer in scorers:
            self._check_scorer(scorer, policy, fingerprint)
        self.trigger_event(
            ev.ScoringOpened, attempt=attempt.number, responses_ref=reference, vignettes=vignettes, by=by
        )
        for slot, scorer in zip(FIRST_ROUND, scorers, strict=True):
            self._assign(attempt, scorer, slot, due, by)

    def assign_scorer(
        self, by: Actor, scorer: Reviewer, *, today: date, policy: ReviewPolicy, fingerprint: Fingerprint,
        due_on: date | None = None,
    ) -> None:
        """A replacement for a withdrawn scorer, or, once the two disagree, a third scorer who breaks the tie."""
        attempt = self._registered()
        if not attempt.scoring_open:
            raise ScoringNotOpen("open the scoring of the vignettes with two scorers first")
        if attempt.part2_passed is not None:
            raise ScoringClosed("part 2 of this attempt is already reconciled")
        member = scorer.as_member()
        if any(a.scorer_subject == member.subject and a.is_live for a in attempt.assignments.values()):
            raise ScorerAlreadyAssigned(f"{scorer.email} already scores this attempt")
        if attempt.escalated:
            if attempt.live_in(THIRD_SCORER) is not None:
                raise ScorerSlotsFull("a third scorer is already assigned")
            slot = THIRD_SCORER
        else:
            free = [s for s in FIRST_ROUND if attempt.live_in(s) is None]
            if not free:
                raise ScorerSlotsFull("both scorers are assigned; a third is assigned only when they disagree")
            slot = free[0]
        due = self._due(today, due_on, policy.exam)
        self._check_scorer(scorer, policy, fingerprint)
        self._assign(attempt, scorer, slot, due, by)

    def withdraw_scorer(self, by: Actor, scorer: str, reason: str | None = None) -> None:
        """Withdraw the scorer (by subject) before they scored."""
        attempt = self._registered()
        mine = [a for a in attempt.assignments.values() if a.scorer_subject == scorer and a.is_live]
        if not mine:
            raise ScoringAssignmentNotFound("that scorer does not score this attempt")
        if mine[0].status is ScoringStatus.SCORED:
            raise ScoreAlreadySubmitted("that scorer has already scored this attempt")
        self.trigger_event(
            ev.ScorerWithdrawn,
            attempt=attempt.number,
            assignment_id=mine[0].id,
            scorer=mine[0].scorer,
            reason_text=text_about(self.applicant, cleaned_message(reason)),
            by=by,
        )

    def submit_score(
        self,
        by: Actor,
        assignment_id: UUID,
        scorer: str,
        verdicts: Sequence[bool],
        *,
        comments: str | None,
        today: date,
        rules: ExaminationRules,
    ) -> Concluded | None:
        """A scorer's blind verdict per vignette. The second verdict reconciles the part or escalates it; a third
        scorer's verdict breaks the tie. The scorer is named by subject."""
        attempt, assignment = self.scoring_assignment(assignment_id, scorer)
        if assignment.status is ScoringStatus.SCORED:
            raise ScoreAlreadySubmitted("this assignment is already scored")
        if assignment.status is ScoringStatus.CLOSED or attempt is not self.current:
            raise ScoringClosed("part 2 of this attempt was reconciled without this score")
        if len(verdicts) != attempt.vignettes:
            raise InvalidScore(f"score each of the {attempt.vignettes} vignette responses, pass or fail")
        self.trigger_event(
            ev.ScoreSubmitted,
            attempt=attempt.number,
            assignment_id=assignment.id,
            scorer=assignment.scorer,
            verdicts=list(verdicts),
            comments_text=text_about(self.applicant, cleaned_message(comments, "comment")),
            by=by,
        )
        first = attempt.scored(FIRST_ROUND)
        if assignment.slot == THIRD_SCORER:
            verdict = broken_tie(_of(first[0]), _of(first[1]), _of(assignment))
            self._reconcile(attempt, verdict, Reconciliation.THIRD_SCORER, None, None)
        elif len(first) == len(FIRST_ROUND):
            disputed = disagreements(_of(first[0]), _of(first[1]))
            if disputed:
                self.trigger_event(ev.ScoresDisagreed, attempt=attempt.number, disputed=list(disputed))
            else:
                self._reconcile(attempt, _of(first[0]), Reconciliation.AGREEMENT, None, None)
        assert attempt.scoring_opened_by is not None
        return self._conclude_if_complete(today, rules, attempt.scoring_opened_by)

    def reconcile(
        self, by: Actor, verdicts: Sequence[bool], *, note: str | None, today: date, rules: ExaminationRules
    ) -> Concluded | None:
        """The coordinator decides a disagreement (any third scorer still working is released)."""
        attempt = self._registered()
        if not attempt.escalated:
            raise ScoresNotInDispute("the scorers of this attempt have not disagreed")
        if len(verdicts) != attempt.vignettes:
            raise InvalidScore(f"decide each of the {attempt.vignettes} vignette responses, pass or fail")
        self._reconcile(attempt, tuple(verdicts), Reconciliation.COORDINATOR, cleaned_message(note, "note"), by)
        return self._conclude_if_complete(today, rules, by)

    # Helpers ------------------------------------------------------------------------------------------

    def _due(self, today: date, due_on: date | None, rules: ExaminationRules) -> date:
        due = due_on or today + timedelta(days=rules.scoring_days)
        if due < today:
            raise InvalidDate(f"scoring cannot be due in the past ({due})")
        return due

    def _check_scorer(self, scorer: Reviewer, policy: ReviewPolicy, fingerprint: Fingerprint) -> None:
        if not scorer.active or not scorer.trained:
            raise ScorerNotEligible(f"{scorer.email} is not an active, trained scorer")
        own, needed = policy.rank(scorer.category), policy.rank(self.category)
        if own is None or needed is None or own < needed:
            raise ScorerNotEligible(
                f"{scorer.email} is endorsed as {scorer.category}; scoring the {self.category} "
                "exam needs that category or higher"
            )
        reason = conflict_of(scorer, self.relations, fingerprint)
        if reason is not None:
            raise ScorerConflicted(
                f"{scorer.email} may not score this examinee: {reason.replace('reviewer', 'scorer')}"
            )

    def _assign(self, attempt: Attempt, scorer: Reviewer, slot: int, due: date, by: Actor) -> None:
        assert attempt.candidate_number is not None and attempt.responses_ref is not None
        self.trigger_event(
            ev.ScorerAssigned,
            attempt=attempt.number,
            assignment_id=uuid4(),
            scorer=scorer.as_member(),
            slot=slot,
            due_on=due,
            candidate_number=attempt.candidate_number,
            responses_ref=attempt.responses_ref,
            vignettes=attempt.vignettes,
            by=by,
        )

    def _reconcile(
        self, attempt: Attempt, verdicts: tuple[bool, ...], method: Reconciliation, note: str | None, by: Actor | None
    ) -> None:
        self.trigger_event(
            ev.Part2Reconciled,
            attempt=attempt.number,
            verdicts=list(verdicts),
            passed=part2_passes(verdicts),
            method=method.value,
            note_text=text_about(self.applicant, note),
            by=by,
        )


def _of(assignment: ScoringAssignment) -> tuple[bool, ...]:
    assert assignment.verdicts is not None
    return assignment.verdicts
