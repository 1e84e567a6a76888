"""Review-case commands of the review itself: assigning reviewers, their answers and recommendations.

A reviewer is identified by the keyed subject of their address (`Reviewer.subject`, `RosterMember`), which the
service computes; the case keeps its assignments by that subject, so they stay apart once a reviewer is erased."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .assignment import COMPETENCY_DOMAINS, Assignment, AssignmentStatus, RecommendationKind, conclusion
from .case_events import (
    AssignmentAnswered,
    RecommendationSubmitted,
    ReviewConcluded,
    ReviewerAssigned,
    ReviewerWithdrawn,
)
from .case_kinds import CaseKind
from .checklist import ChecklistItem, Competencies, cleaned_checklist
from .errors import (
    AlreadyRecommended,
    AssignmentNotAccepted,
    AssignmentNotPending,
    FirstReviewPending,
    InvalidRecommendation,
    NotAssigned,
    ReviewerAlreadyAssigned,
    ReviewerSlotsFull,
)
from .lifecycle import Action, Status, require
from .personal import Fingerprint, ReviewerComments
from .policy import ReviewPolicy
from .reviewers import Relations, Reviewer, check_eligible, check_unconflicted
from .values import Actor, Applicant, cleaned_message, text_about

if TYPE_CHECKING:
    from datetime import datetime


class ReviewerWork:
    """Mixed into ReviewCase."""

    if TYPE_CHECKING:
        status: Status
        kind: CaseKind
        category: str
        received_at: datetime
        relations: Relations
        applicant: Applicant
        reviewers_required: int
        sequential: bool
        blind: bool
        assignments: dict[str, Assignment]

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    def assign_reviewer(self, reviewer: Reviewer, by: Actor, policy: ReviewPolicy, fingerprint: Fingerprint) -> None:
        """Invite an eligible reviewer without a conflict of interest (compared by `fingerprint`) into a free
        slot. The reviewer's subject must be set (`Reviewer.as_member`)."""
        require(self.status, Action.ASSIGN_REVIEWER)
        member = reviewer.as_member()
        current = self.assignments.get(member.subject)
        if current is not None and current.is_live:
            raise ReviewerAlreadyAssigned(f"{reviewer.email} is already assigned to this case")
        live = self.live_assignments
        if len(live) >= self.reviewers_required:
            raise ReviewerSlotsFull(f"this case has its {self.reviewers_required} reviewer(s)")
        if self.sequential and any(a.recommendation is None for a in live):
            raise FirstReviewPending("reviews are sequential: the next reviewer is assigned once the first "
                                     "recommended")
        check_eligible(reviewer, self.category, policy)
        check_unconflicted(reviewer, self.relations, fingerprint)
        slot = min({1, 2} - {a.slot for a in live})
        self.trigger_event(ReviewerAssigned, by=by, reviewer=member, slot=slot)

    def answer_assignment(self, reviewer: str, by: Actor, *, accept: bool, reason: str | None = None) -> None:
        """The invited reviewer (by subject) accepts or declines."""
        require(self.status, Action.RESPOND_TO_ASSIGNMENT)
        assignment = self.assignment_of(reviewer)
        if assignment.status is not AssignmentStatus.INVITED:
            raise AssignmentNotPending(f"the assignment was already {assignment.status}")
        self.trigger_event(AssignmentAnswered, by=by, reviewer=assignment.reviewer, accepted=accept,
                           why=text_about(self.applicant, cleaned_message(reason, "reason")))

    def withdraw_reviewer(self, reviewer: str, by: Actor, reason: str | None = None) -> None:
        """Free a reviewer's slot (reassignment); a submitted recommendation stands and cannot be withdrawn."""
        require(self.status, Action.WITHDRAW_REVIEWER)
        assignment = self.assignment_of(reviewer)
        if assignment.recommendation is not None:
            raise AlreadyRecommended("the reviewer already recommended; the recommendation stands")
        self.trigger_event(ReviewerWithdrawn, by=by, reviewer=assignment.reviewer,
                           why=text_about(self.applicant, cleaned_message(reason, "reason")))

    def recommend(self, reviewer: str, by: Actor, kind: RecommendationKind, policy: ReviewPolicy, *,
                  comments_for_applicant: str | None = None, private_notes: str | None = None,
                  domains_met: Iterable[str] = (), checklist: Iterable[ChecklistItem] = (),
                  competencies: Competencies | None = None) -> None:
        """Record an accepted reviewer's recommendation; the last one required concludes the review.

        The checklist ticks knowledge/skill areas (of `competencies`) met or not, per application section."""
        require(self.status, Action.RECOMMEND)
        assignment = self.assignment_of(reviewer)
        if assignment.status is not AssignmentStatus.ACCEPTED:
            raise AssignmentNotAccepted("accept the assignment before recommending")
        if assignment.recommendation is not None:
            raise AlreadyRecommended("a reviewer recommends once")
        self._check_recommendable(kind, policy)
        domains = sorted(set(domains_met))
        if unknown := set(domains) - COMPETENCY_DOMAINS:
            raise InvalidRecommendation(f"unknown competency domains: {', '.join(sorted(unknown))}")
        ticks = cleaned_checklist(checklist, competencies or Competencies())
        comments = ReviewerComments(self.applicant.subject, cleaned_message(comments_for_applicant, "comment"),
                                    cleaned_message(private_notes, "note"))
        if self.applicant.erased:  # nothing about an erased applicant may be stored readable again
            comments = ReviewerComments(self.applicant.subject, None, None)
        self.trigger_event(RecommendationSubmitted, by=by, reviewer=assignment.reviewer,
                           recommendation=kind.value, domains_met=domains, checklist=[t.as_dict() for t in ticks],
                           comments=comments)
        concluded = conclusion(self.assignments.values(), self.reviewers_required)
        if concluded is not None:
            outcome, agreed = concluded
            self.trigger_event(ReviewConcluded, conclusion=outcome.value,
                               recommendation=None if agreed is None else agreed.value)

    def _check_recommendable(self, kind: RecommendationKind, policy: ReviewPolicy) -> None:
        exam = self.kind is CaseKind.INITIAL and policy.exam_required(self.category, self.received_at)
        if kind is RecommendationKind.APPROVE_FOR_EXAM and not exam:
            raise InvalidRecommendation(f"{self.category} does not require the exam")
        if kind in (RecommendationKind.ENDORSE, RecommendationKind.EMERGING) and exam:
            raise InvalidRecommendation(f"{self.category} requires the exam before endorsement")
        if kind is RecommendationKind.EMERGING and (self.kind is not CaseKind.INITIAL
                                                    or policy.emerging_years(self.category) is None):
            raise InvalidRecommendation(f"{self.category} cannot be endorsed as emerging")
        if kind is RecommendationKind.DENY and not policy.denial_allowed:
            raise InvalidRecommendation("this association does not deny applications")

    # Queries ------------------------------------------------------------------------------------

    @property
    def live_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments.values() if a.is_live]

    def assignment_of(self, reviewer: str) -> Assignment:
        """The live assignment of the reviewer (by subject); to anyone else the case does not exist."""
        assignment = self.assignments.get(reviewer)
        if assignment is None or not assignment.is_live:
            raise NotAssigned("no such case among your assignments")
        return assignment

    def visible_assignments(self, reviewer: str) -> list[Assignment]:
        """What a reviewer (by subject) may see of the review: under a blind policy, others' recommendations only
        once they submitted their own."""
        own = self.assignment_of(reviewer)
        if not self.blind or own.recommendation is not None:
            return self.live_assignments
        return [own]
