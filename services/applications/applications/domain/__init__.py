"""The applications domain: the Application aggregate, its entries, rule sets, requirement checks, errors.

No frameworks: rule sets arrive as `rules.RuleBook` objects built by `applications.rulesets` from data files.
"""

from .access import Actor
from .checks import Evidence, Progress, Reason, RequirementReport, RequirementResult, check_requirements
from .competencies import CompetencyFramework
from .entries import (
    AgeBand,
    Attestation,
    AttestationKind,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    Entry,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    Tab,
    TrainingEntry,
    WorkActivity,
    WorkEntry,
)
from .entry_checks import EntryContext
from .errors import DomainError, Forbidden, InvalidRequest, NotFound, StateConflict
from .lifecycle import Status
from .model import Application
from .rules import RuleBook, RuleSet, RuleVersion
from .values import Applicant, CategoryOffer, Details

__all__ = [
    "Actor",
    "AgeBand",
    "Applicant",
    "Application",
    "Attestation",
    "AttestationKind",
    "CategoryOffer",
    "CompetencyFramework",
    "DegreeLevel",
    "Details",
    "DomainError",
    "EducationEntry",
    "EducationKind",
    "Entry",
    "EntryContext",
    "Evidence",
    "FeeKind",
    "FeePayment",
    "Forbidden",
    "InvalidRequest",
    "Membership",
    "NotFound",
    "Progress",
    "Reason",
    "RequirementReport",
    "RequirementResult",
    "RscEntry",
    "RscFormat",
    "RuleBook",
    "RuleSet",
    "RuleVersion",
    "StateConflict",
    "Status",
    "Tab",
    "TrainingEntry",
    "WorkActivity",
    "WorkEntry",
    "check_requirements",
]
