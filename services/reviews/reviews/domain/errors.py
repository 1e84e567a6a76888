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


class ConcurrentChange(StateConflict):
    """Other writers saved the same case (or endorsement, examination) first, every time the command ran."""

    code = "CONCURRENT_CHANGE"


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


class CycleNotOpen(StateConflict):
    """The case belongs to a review cycle that has not opened yet; it waits for its intake window."""

    code = "CYCLE_NOT_OPEN"


class CaseKindConflict(StateConflict):
    """The command does not apply to this kind of case (e.g. a reviewer or the exam for a renewal)."""

    code = "CASE_KIND_CONFLICT"


class InvalidChecklist(InvalidRequest):
    code = "INVALID_CHECKLIST"


# The examination (domain/examination/) ----------------------------------------------------------------


class ExaminationNotFound(NotFound):
    code = "EXAM_NOT_FOUND"


class UnknownSitting(InvalidRequest):
    code = "UNKNOWN_SITTING"


class RegistrationClosed(StateConflict):
    code = "REGISTRATION_CLOSED"


class RetakeNoticeTooShort(StateConflict):
    code = "RETAKE_NOTICE_TOO_SHORT"


class AlreadyRegistered(StateConflict):
    code = "ALREADY_REGISTERED"


class ExamAlreadyPassed(StateConflict):
    code = "EXAM_ALREADY_PASSED"


class NotRegistered(StateConflict):
    code = "NOT_REGISTERED"


class ExamAttemptOpen(StateConflict):
    code = "EXAM_ATTEMPT_OPEN"


class ExamCancelled(StateConflict):
    """The applicant withdrew the application: the examination admits nothing more."""

    code = "EXAM_CANCELLED"


class WithdrawalTooLate(StateConflict):
    code = "WITHDRAWAL_TOO_LATE"


class AccommodationsTooLate(StateConflict):
    code = "ACCOMMODATIONS_TOO_LATE"


class AccommodationsAlreadyRequested(StateConflict):
    code = "ACCOMMODATIONS_ALREADY_REQUESTED"


class AccommodationsNotPending(StateConflict):
    code = "ACCOMMODATIONS_NOT_PENDING"


class SittingNotHeld(StateConflict):
    code = "SITTING_NOT_HELD"


class PartNotInAttempt(StateConflict):
    code = "PART_NOT_IN_ATTEMPT"


class PartAlreadyRecorded(StateConflict):
    code = "PART_ALREADY_RECORDED"


class ScoringAlreadyOpen(StateConflict):
    code = "SCORING_ALREADY_OPEN"


class ScoringNotOpen(StateConflict):
    code = "SCORING_NOT_OPEN"


class ScorerNotFound(NotFound):
    code = "SCORER_NOT_FOUND"


class ScorerNotEligible(InvalidRequest):
    code = "SCORER_NOT_ELIGIBLE"


class ScorerConflicted(InvalidRequest):
    code = "SCORER_CONFLICT_OF_INTEREST"


class ScorersNotDistinct(InvalidRequest):
    code = "SCORERS_NOT_DISTINCT"


class ScorerAlreadyAssigned(StateConflict):
    code = "SCORER_ALREADY_ASSIGNED"


class ScorerSlotsFull(StateConflict):
    code = "SCORER_SLOTS_FULL"


class ScoringAssignmentNotFound(NotFound):
    """No such scoring assignment of the caller's (scorers never learn which examination it belongs to)."""

    code = "SCORING_ASSIGNMENT_NOT_FOUND"


class ScoreAlreadySubmitted(StateConflict):
    code = "SCORE_ALREADY_SUBMITTED"


class ScoringClosed(StateConflict):
    code = "SCORING_CLOSED"


class InvalidScore(InvalidRequest):
    code = "INVALID_SCORE"


class InvalidResponsesReference(InvalidRequest):
    code = "INVALID_RESPONSES_REFERENCE"


class ScoresNotInDispute(StateConflict):
    code = "SCORES_NOT_IN_DISPUTE"


class NoResultYet(StateConflict):
    code = "NO_RESULT_YET"


class FeedbackAlreadySent(StateConflict):
    code = "FEEDBACK_ALREADY_SENT"


class InvalidFeedback(InvalidRequest):
    code = "INVALID_FEEDBACK"


class InvalidAccommodations(InvalidRequest):
    code = "INVALID_ACCOMMODATIONS"
