"""A reviewer's assignment to a case, their recommendation, and how two recommendations conclude a review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from .checklist import ChecklistItem
from .personal import RosterMember

COMPETENCY_DOMAINS = frozenset({
    "theoretical-foundations", "law-regulation-agency-policy", "systems-expertise", "direct-service-skills",
    "working-with-others", "communicating", "thinking", "reflection",
})
"""The eight domains of the Competency Guidelines (domain §3.1), by id only: their text is licensed."""


class AssignmentStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    """The case closed before its decision (the applicant withdrew): the assignment ended with it."""


class RecommendationKind(StrEnum):
    ENDORSE = "endorse"
    EMERGING = "emerging"
    APPROVE_FOR_EXAM = "approve_for_exam"
    DEFER = "defer"
    DENY = "deny"


class Conclusion(StrEnum):
    CONSENSUS = "consensus"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Recommendation:
    kind: RecommendationKind
    at: datetime
    comments_for_applicant: str | None = None
    private_notes: str | None = None
    domains_met: tuple[str, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()


@dataclass
class Assignment:
    """Mutable state inside the case; changed only by the case's events. The case keys it by the reviewer's
    subject, which stays once they are erased."""

    reviewer: RosterMember
    slot: int
    assigned_at: datetime
    status: AssignmentStatus = AssignmentStatus.INVITED
    account_id: UUID | None = None
    recommendation: Recommendation | None = None

    @property
    def subject(self) -> str:
        return self.reviewer.subject

    @property
    def email(self) -> str | None:
        """None once the reviewer is erased."""
        return self.reviewer.email

    @property
    def name(self) -> str | None:
        return self.reviewer.name

    @property
    def is_live(self) -> bool:
        """Invited or accepted: the assignment holds a reviewer slot."""
        return self.status in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


def conclusion(assignments: Iterable[Assignment], required: int) -> tuple[Conclusion, RecommendationKind | None] | None:
    """Once `required` live reviewers have recommended: consensus on their shared recommendation, or escalation."""
    kinds = [a.recommendation.kind for a in assignments if a.is_live and a.recommendation is not None]
    if len(kinds) < required:
        return None
    if len(set(kinds)) == 1:
        return Conclusion.CONSENSUS, kinds[0]
    return Conclusion.ESCALATED, None
