"""The statuses of an application and what each one admits: the lifecycle rules as data.

draft → (registered → accepted) → submitted → (returned | deferred → amended → resubmitted) → decided
(approved_for_exam → endorsed, or endorsed, or denied); withdrawn at any time before a decision.
Every mixin of the aggregate reads its guards from here, so one module says what a status allows.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    """Registered (registration fee recorded); waiting for a coordinator to accept (see `registration`)."""
    ACCEPTED = "accepted"
    """The coordinator accepted the registration; the applicant completes the tabs and submits."""
    SUBMITTED = "submitted"
    RETURNED = "returned"
    """The review asked for more information; the applicant amends and resubmits."""
    DEFERRED = "deferred"
    """The review deferred the application; the applicant amends and resubmits from a date."""
    APPROVED_FOR_EXAM = "approved_for_exam"
    ENDORSED = "endorsed"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


DECIDED = frozenset({Status.ENDORSED, Status.DENIED})
"""The review's final word: nothing changes an application after it."""

WITHDRAWABLE = frozenset(Status) - DECIDED - {Status.WITHDRAWN}
"""Withdrawal is allowed at any time before a decision (every status added later included)."""

PREPARING = frozenset({Status.DRAFT, Status.REGISTERED, Status.ACCEPTED})
"""Before the first submission (registration, where the rules require it, happens here)."""

EDITABLE = frozenset({Status.DRAFT, Status.REGISTERED, Status.ACCEPTED, Status.RETURNED, Status.DEFERRED})
"""Where the applicant may change what they entered."""

RESUBMITTABLE = {Status.RETURNED: "information_request", Status.DEFERRED: "deferral"}
"""Statuses a resubmission leaves, and what it answers (the `in_response_to` of the submission)."""

SETTLED = DECIDED | {Status.WITHDRAWN}
"""A review outcome arriving after these changes nothing (a late or raced copy; the application has moved on)."""


class Outcome(StrEnum):
    """What the reviews service can tell an application (see `outcomes.py`)."""

    RETURNED = "returned"
    DEFERRED = "deferred"
    APPROVED_FOR_EXAM = "approved_for_exam"
    EXAM_RESULT = "exam_result"
    ENDORSED = "endorsed"
    DENIED = "denied"


OUTCOME_ADMITTED_IN: dict[Outcome, frozenset[Status]] = {
    Outcome.RETURNED: frozenset({Status.SUBMITTED}),
    Outcome.DEFERRED: frozenset({Status.SUBMITTED, Status.APPROVED_FOR_EXAM}),
    Outcome.APPROVED_FOR_EXAM: frozenset({Status.SUBMITTED}),
    Outcome.EXAM_RESULT: frozenset({Status.APPROVED_FOR_EXAM}),
    Outcome.ENDORSED: frozenset({Status.SUBMITTED, Status.APPROVED_FOR_EXAM}),
    Outcome.DENIED: frozenset({Status.SUBMITTED, Status.APPROVED_FOR_EXAM}),
}
"""The statuses each review outcome follows; in SETTLED statuses it changes nothing, anywhere else it is refused."""
