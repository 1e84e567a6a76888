"""The statuses of a review case and which action each one admits: the transition rules as data."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from .errors import CaseNotOpen, CaseStatusConflict


class Status(StrEnum):
    OPEN = "open"
    """Received; waiting for the coordinator's completeness check."""
    RETURNED = "returned"
    """Returned to the applicant as incomplete; waits for the resubmission."""
    IN_REVIEW = "in_review"
    """Complete; with the reviewers (or the coordinator, where the association lets them decide directly)."""
    ON_HOLD = "on_hold"
    """Information was requested during review; waits for the resubmission."""
    RECOMMENDED = "recommended"
    """The reviewers agree on a recommendation; the coordinator decides."""
    ESCALATED = "escalated"
    """The reviewers disagree; the coordinator decides."""
    APPROVED_FOR_EXAM = "approved_for_exam"
    EXAM_PASSED = "exam_passed"
    APPROVED = "approved"
    DEFERRED = "deferred"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    """The applicant withdrew the application before a decision; the case admits nothing more."""


class Action(StrEnum):
    CHECK_COMPLETENESS = "check completeness"
    ASSIGN_REVIEWER = "assign a reviewer"
    RESPOND_TO_ASSIGNMENT = "respond to an assignment"
    WITHDRAW_REVIEWER = "withdraw a reviewer"
    RECOMMEND = "recommend"
    REQUEST_INFORMATION = "request information"
    RECEIVE_INFORMATION = "receive information"
    DECIDE = "decide"
    SCORE_EXAM = "record an exam result"
    APPROVE_AFTER_EXAM = "approve after the exam"
    CLOSE_AS_WITHDRAWN = "close as withdrawn"


DECIDED = frozenset({Status.APPROVED, Status.DEFERRED, Status.DENIED})
"""The association's decisions."""

CLOSED = DECIDED | {Status.WITHDRAWN}
"""A decided or withdrawn case admits nothing more; a new submission opens a new case."""

WAITING_FOR_APPLICANT = frozenset({Status.RETURNED, Status.ON_HOLD})

_DECIDING = frozenset({Status.RECOMMENDED, Status.ESCALATED})
_DIRECT = frozenset({Status.OPEN, Status.IN_REVIEW})

ALLOWED: Mapping[Action, frozenset[Status]] = MappingProxyType({
    Action.CHECK_COMPLETENESS: frozenset({Status.OPEN}),
    Action.ASSIGN_REVIEWER: frozenset({Status.IN_REVIEW}),
    Action.RESPOND_TO_ASSIGNMENT: frozenset({Status.IN_REVIEW}),
    Action.WITHDRAW_REVIEWER: frozenset({Status.IN_REVIEW}),
    Action.RECOMMEND: frozenset({Status.IN_REVIEW}),
    Action.REQUEST_INFORMATION: frozenset({Status.IN_REVIEW, *_DECIDING}),
    Action.RECEIVE_INFORMATION: WAITING_FOR_APPLICANT,
    Action.DECIDE: _DECIDING,
    Action.SCORE_EXAM: frozenset({Status.APPROVED_FOR_EXAM}),
    Action.APPROVE_AFTER_EXAM: frozenset({Status.EXAM_PASSED}),
    Action.CLOSE_AS_WITHDRAWN: frozenset(Status) - CLOSED,
})

DIRECT_DECISION = _DIRECT
"""Where the association lets its coordinator decide without a reviewer's recommendation, a decision may also be
taken on an open case (the decision itself attests completeness) and on a case in review."""

DECIDABLE = frozenset({*_DECIDING, *_DIRECT})
"""Statuses in which a coordinator may take a decision (open and in review only under direct decision)."""


def allowed_statuses(action: Action, *, direct_decision: bool = False) -> frozenset[Status]:
    statuses = ALLOWED[action]
    if action is Action.DECIDE and direct_decision:
        return statuses | DIRECT_DECISION
    return statuses


def require(status: Status, action: Action, *, direct_decision: bool = False) -> None:
    """Refuse `action` unless the case's status admits it."""
    if status in allowed_statuses(action, direct_decision=direct_decision):
        return
    if status in CLOSED:
        raise CaseNotOpen(f"the case is {status}; it admits no {action}")
    raise CaseStatusConflict(f"a case that is {status} admits no {action}")
