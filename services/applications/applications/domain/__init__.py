"""The applications domain: the Application aggregate, its value objects, rules and errors (no frameworks)."""

from .access import Actor
from .errors import DomainError, Forbidden, InvalidRequest, NotFound, StateConflict
from .model import Application, Status
from .requirements import UnmetRequirement, skeleton_rule_set_version
from .values import Applicant, CategoryOffer, Details

__all__ = [
    "Actor",
    "Applicant",
    "Application",
    "CategoryOffer",
    "Details",
    "DomainError",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "StateConflict",
    "Status",
    "UnmetRequirement",
    "skeleton_rule_set_version",
]
