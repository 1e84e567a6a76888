"""The review domain: cases, endorsements and the rules about them. No framework, driver or contract here."""

from .approval import effective_date_for
from .assignment import COMPETENCY_DOMAINS, Assignment, AssignmentStatus, Recommendation, RecommendationKind
from .audit import AuditEntry, audit_trail
from .case import MAX_DESIGNATION_LENGTH, ReviewCase, endorsement_id_for, review_case_id
from .case_kinds import CYCLED_KINDS, CaseKind, Work
from .checklist import ChecklistItem, Competencies
from .cycles import Cadence, Cycle, CycleCalendar
from .endorsement import Endorsement, EndorsementStatus, granted_endorsement, reinstatement_id_for, renewal_id_for
from .errors import (
    CaseNotFound,
    CaseNotOpen,
    DomainError,
    EndorsementNotFound,
    InvalidDesignation,
    InvalidEffectiveDate,
    InvalidRenewalDate,
    InvalidRequest,
    NotFound,
    ReviewerNotFound,
    StateConflict,
)
from .examination.record import ExaminationRecord
from .lifecycle import CLOSED, DECIDABLE, Status
from .policy import DEFAULT_POLICY, CategoryRules, ExaminationRules, Period, ReviewPolicy
from .register_cases import approve_reinstatement_case, approve_renewal_case
from .renewal import FirstRenewal, MonthDay, RenewalRule, RenewalTerms
from .reviewers import Relations, Reviewer, conflict_of, normalised_email
from .values import Actor, Applicant

__all__ = [
    "CLOSED",
    "COMPETENCY_DOMAINS",
    "CYCLED_KINDS",
    "DECIDABLE",
    "DEFAULT_POLICY",
    "MAX_DESIGNATION_LENGTH",
    "Actor",
    "Applicant",
    "Assignment",
    "AssignmentStatus",
    "AuditEntry",
    "Cadence",
    "CaseKind",
    "CaseNotFound",
    "CaseNotOpen",
    "CategoryRules",
    "ChecklistItem",
    "Competencies",
    "Cycle",
    "CycleCalendar",
    "DomainError",
    "Endorsement",
    "EndorsementNotFound",
    "EndorsementStatus",
    "ExaminationRecord",
    "ExaminationRules",
    "FirstRenewal",
    "InvalidDesignation",
    "InvalidEffectiveDate",
    "InvalidRenewalDate",
    "InvalidRequest",
    "MonthDay",
    "NotFound",
    "Period",
    "Recommendation",
    "RecommendationKind",
    "Relations",
    "RenewalRule",
    "RenewalTerms",
    "ReviewCase",
    "ReviewPolicy",
    "Reviewer",
    "ReviewerNotFound",
    "StateConflict",
    "Status",
    "Work",
    "approve_reinstatement_case",
    "approve_renewal_case",
    "audit_trail",
    "conflict_of",
    "effective_date_for",
    "endorsement_id_for",
    "granted_endorsement",
    "normalised_email",
    "reinstatement_id_for",
    "renewal_id_for",
    "review_case_id",
]
