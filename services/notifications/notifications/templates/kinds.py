"""Every kind of email, by who reads it. English and Spanish exist for every kind."""

from __future__ import annotations

# to the applicant or holder
APPLICATION_SUBMITTED = "application-submitted"
APPLICATION_RESUBMITTED = "application-resubmitted"
APPLICATION_WITHDRAWN = "application-withdrawn"
REGISTRATION_ACCEPTED = "registration-accepted"
REFERENCE_VOIDED = "reference-voided"
REFERENCE_COMPLETED = "reference-completed"
REFERENCE_DECLINED = "reference-declined"
RENEWAL_SUBMITTED = "renewal-submitted"
REINSTATEMENT_SUBMITTED = "reinstatement-submitted"
INFORMATION_REQUESTED = "information-requested"
APPLICATION_DEFERRED = "application-deferred"
APPROVED_FOR_EXAM = "approved-for-exam"
EXAM_REGISTERED = "exam-registered"
EXAM_PASSED = "exam-passed"
EXAM_NOT_PASSED = "exam-not-passed"
ENDORSEMENT_DENIED = "endorsement-denied"
ENDORSEMENT_GRANTED = "endorsement-granted"
RENEWAL_APPROVED = "renewal-approved"
ENDORSEMENT_LAPSED = "endorsement-lapsed"
ENDORSEMENT_REINSTATED = "endorsement-reinstated"
ENDORSEMENT_REVOKED = "endorsement-revoked"

# to the person of an account (links are secrets: the support API withholds these bodies)
EMAIL_VERIFICATION = "email-verification"
PASSWORD_RESET = "password-reset"  # noqa: S105 (a kind of email, not a password)
PASSWORD_CHANGED = "password-changed"  # noqa: S105
PASSWORD_WAS_RESET = "password-was-reset"  # noqa: S105

# to a rater (no account on the platform)
REFERENCE_REQUESTED = "reference-requested"
REFERENCE_REMINDER = "reference-reminder"

# to association staff
REGISTRATION_AWAITING_ACCEPTANCE = "registration-awaiting-acceptance"
REVIEW_ASSIGNED = "review-assigned"

APPLICANT_KINDS = frozenset(
    {
        APPLICATION_SUBMITTED,
        APPLICATION_RESUBMITTED,
        APPLICATION_WITHDRAWN,
        REGISTRATION_ACCEPTED,
        REFERENCE_VOIDED,
        REFERENCE_COMPLETED,
        REFERENCE_DECLINED,
        RENEWAL_SUBMITTED,
        REINSTATEMENT_SUBMITTED,
        INFORMATION_REQUESTED,
        APPLICATION_DEFERRED,
        APPROVED_FOR_EXAM,
        EXAM_REGISTERED,
        EXAM_PASSED,
        EXAM_NOT_PASSED,
        ENDORSEMENT_DENIED,
        ENDORSEMENT_GRANTED,
        RENEWAL_APPROVED,
        ENDORSEMENT_LAPSED,
        ENDORSEMENT_REINSTATED,
        ENDORSEMENT_REVOKED,
    }
)
ACCOUNT_KINDS = frozenset({EMAIL_VERIFICATION, PASSWORD_RESET, PASSWORD_CHANGED, PASSWORD_WAS_RESET})
RATER_KINDS = frozenset({REFERENCE_REQUESTED, REFERENCE_REMINDER})
STAFF_KINDS = frozenset({REGISTRATION_AWAITING_ACCEPTANCE, REVIEW_ASSIGNED})
ALL_KINDS = APPLICANT_KINDS | ACCOUNT_KINDS | RATER_KINDS | STAFF_KINDS
SECRET_LINK_KINDS = frozenset({EMAIL_VERIFICATION, PASSWORD_RESET}) | RATER_KINDS
"""Kinds whose body carries a single-use link that lets anyone act as the recipient."""
