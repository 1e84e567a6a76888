"""Refusals with stable codes. Each family tells the ports how to answer; the code tells clients why."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A command was refused; nothing was changed."""

    code: ClassVar[str] = "REFUSED"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The command's data breaks a rule."""


class StateConflict(DomainError):
    """The command does not fit the case's current status."""


class NotFound(DomainError):
    """No such case, or none the actor may see (the two are indistinguishable on purpose)."""


class CaseNotFound(NotFound):
    code = "CASE_NOT_FOUND"


class CaseNotOpen(StateConflict):
    code = "CASE_NOT_OPEN"


class InvalidDesignation(InvalidRequest):
    code = "INVALID_DESIGNATION"


class InvalidEffectiveDate(InvalidRequest):
    code = "INVALID_EFFECTIVE_DATE"


class InvalidRenewalDate(InvalidRequest):
    code = "INVALID_RENEWAL_DATE"


class CaseStatusConflict(StateConflict):
    code = "CASE_STATUS_CONFLICT"


class ExamRequired(StateConflict):
    code = "EXAM_REQUIRED"


class ExamNotRequired(InvalidRequest):
    code = "EXAM_NOT_REQUIRED"


class RetakeTooEarly(StateConflict):
    code = "RETAKE_TOO_EARLY"


class InvalidExamResult(InvalidRequest):
    code = "INVALID_EXAM_RESULT"


class EmergingNotAllowed(InvalidRequest):
    code = "EMERGING_NOT_ALLOWED"


class DenialNotAllowed(InvalidRequest):
    code = "DENIAL_NOT_ALLOWED"


class InvalidReasons(InvalidRequest):
    code = "INVALID_REASONS"


class InvalidRereviewDate(InvalidRequest):
    code = "INVALID_REREVIEW_DATE"


class ReviewerNotFound(NotFound):
    code = "REVIEWER_NOT_FOUND"


class ReviewerNotEligible(InvalidRequest):
    code = "REVIEWER_NOT_ELIGIBLE"


class ReviewerConflicted(InvalidRequest):
    code = "REVIEWER_CONFLICT_OF_INTEREST"


class ReviewerAlreadyAssigned(StateConflict):
    code = "REVIEWER_ALREADY_ASSIGNED"


class ReviewerSlotsFull(StateConflict):
    code = "REVIEWER_SLOTS_FULL"


class FirstReviewPending(StateConflict):
    code = "FIRST_REVIEW_PENDING"


class NotAssigned(CaseNotFound):
    """The caller is not an assigned reviewer of the case; to them it does not exist."""


class AssignmentNotPending(StateConflict):
    code = "ASSIGNMENT_NOT_PENDING"


class AssignmentNotAccepted(StateConflict):
    code = "ASSIGNMENT_NOT_ACCEPTED"


class AlreadyRecommended(StateConflict):
    code = "ALREADY_RECOMMENDED"


class InvalidRecommendation(InvalidRequest):
    code = "INVALID_RECOMMENDATION"


class EndorsementNotFound(NotFound):
    code = "ENDORSEMENT_NOT_FOUND"


class EndorsementNotActive(StateConflict):
    code = "ENDORSEMENT_NOT_ACTIVE"


class EndorsementNotLapsed(StateConflict):
    code = "ENDORSEMENT_NOT_LAPSED"


class RenewalNotOpen(StateConflict):
    code = "RENEWAL_NOT_OPEN"


class RenewalAlreadyApproved(StateConflict):
    code = "RENEWAL_ALREADY_APPROVED"


class RenewalTooLate(StateConflict):
    code = "RENEWAL_TOO_LATE"


class NotYetRemovable(StateConflict):
    code = "NOT_PAST_REMOVAL_DATE"


class InvalidDate(InvalidRequest):
    code = "INVALID_DATE"
