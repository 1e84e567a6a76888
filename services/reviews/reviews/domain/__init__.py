"""The review domain: cases, their decisions and the rules about them. No framework, driver or contract here."""

from .approval import effective_date_for
from .audit import AuditEntry, audit_trail
from .case import DECIDABLE, MAX_DESIGNATION_LENGTH, ReviewCase, Status, endorsement_id_for, review_case_id
from .errors import (
    CaseNotFound,
    CaseNotOpen,
    DomainError,
    InvalidDesignation,
    InvalidEffectiveDate,
    InvalidRenewalDate,
    InvalidRequest,
    NotFound,
    StateConflict,
)
from .renewal import FirstRenewal, RenewalRule
from .values import Actor, Applicant

__all__ = [
    "DECIDABLE",
    "MAX_DESIGNATION_LENGTH",
    "Actor",
    "Applicant",
    "AuditEntry",
    "CaseNotFound",
    "CaseNotOpen",
    "DomainError",
    "FirstRenewal",
    "InvalidDesignation",
    "InvalidEffectiveDate",
    "InvalidRenewalDate",
    "InvalidRequest",
    "NotFound",
    "RenewalRule",
    "ReviewCase",
    "StateConflict",
    "Status",
    "audit_trail",
    "effective_date_for",
    "endorsement_id_for",
    "review_case_id",
]
