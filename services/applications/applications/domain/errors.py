"""Refusals with stable codes. Each family tells the ports how to answer; the code tells clients why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from datetime import date

    from .checks.report import RequirementResult


class DomainError(Exception):
    """A command was refused; nothing was changed."""

    code: ClassVar[str] = "REFUSED"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The command's data breaks a rule."""


class StateConflict(DomainError):
    """The command does not fit the application's current status."""


class Forbidden(DomainError):
    """The actor may see the application but not do this to it."""


class NotFound(DomainError):
    """No such application, or none the actor may see (the two are indistinguishable on purpose)."""


# Starting an application
class UnknownCategory(InvalidRequest):
    code = "UNKNOWN_CATEGORY"


class InvalidApplicant(InvalidRequest):
    code = "INVALID_APPLICANT"


# Editing
class NotEditable(StateConflict):
    code = "NOT_EDITABLE"


class InvalidDetails(InvalidRequest):
    code = "INVALID_DETAILS"


# Submitting
class AlreadySubmitted(StateConflict):
    code = "ALREADY_SUBMITTED"


class NotSubmittable(StateConflict):
    code = "NOT_SUBMITTABLE"


# Withdrawing
class NotWithdrawable(StateConflict):
    code = "NOT_WITHDRAWABLE"


class InvalidWithdrawalReason(InvalidRequest):
    code = "INVALID_WITHDRAWAL_REASON"


# Access
class ApplicationNotFound(NotFound):
    code = "APPLICATION_NOT_FOUND"


class NotTheApplicant(Forbidden):
    code = "NOT_THE_APPLICANT"


class RoleRequired(Forbidden):
    code = "FORBIDDEN"


class RequirementsNotMet(InvalidRequest):
    """Submission refused: `unmet` lists every requirement still open, with its reasons."""

    code = "REQUIREMENTS_NOT_MET"

    def __init__(self, unmet: Sequence[RequirementResult]) -> None:
        super().__init__(f"{len(unmet)} requirement(s) not met: " + ", ".join(u.code for u in unmet))
        self.unmet = tuple(unmet)


class NoRuleSetInForce(StateConflict):
    """The association has no rules for the category on that date (a data gap, not the applicant's fault)."""

    code = "NO_RULE_SET_IN_FORCE"


# Tabs
class InvalidEntry(InvalidRequest):
    code = "INVALID_ENTRY"


class InvalidDates(InvalidRequest):
    """A date in the future, or a period that ends before it starts."""

    code = "INVALID_DATES"


class UnknownCompetency(InvalidRequest):
    code = "UNKNOWN_COMPETENCY"


class TooManyEntries(InvalidRequest):
    code = "TOO_MANY_ENTRIES"


class EntryNotFound(NotFound):
    code = "ENTRY_NOT_FOUND"


class InvalidMembership(InvalidRequest):
    code = "INVALID_MEMBERSHIP"


class InvalidFee(InvalidRequest):
    code = "INVALID_FEE"


# The store: which association, and writes that met another
class UnknownTenant(Forbidden):
    code = "UNKNOWN_TENANT"


class ConcurrentChange(StateConflict):
    code = "CONCURRENT_CHANGE"


class ApplicationChanged(StateConflict):
    """The caller's copy (its `If-Match` version) is stale: someone else changed the application since."""

    code = "APPLICATION_CHANGED"


# Documents
class DocumentNotFound(NotFound):
    code = "DOCUMENT_NOT_FOUND"


class TooManyDocuments(InvalidRequest):
    code = "TOO_MANY_DOCUMENTS"


class InvalidDocument(InvalidRequest):
    code = "INVALID_DOCUMENT"


class DocumentInUse(StateConflict):
    """An education entry names the document as its transcript; change the entry first."""

    code = "DOCUMENT_IN_USE"


class UnknownDocument(InvalidRequest):
    """An entry names a document that is not attached to the application."""

    code = "UNKNOWN_DOCUMENT"


class DocumentErased(NotFound):
    """The document's owner was erased: its bytes are unreadable for good (and deleted)."""

    code = "DOCUMENT_ERASED"


# Registration
class NotRegistrable(StateConflict):
    code = "NOT_REGISTRABLE"


class AlreadyRegistered(StateConflict):
    code = "ALREADY_REGISTERED"


class RegistrationNotRequired(StateConflict):
    """The association's rules for the category need no registration: the applicant completes and submits."""

    code = "REGISTRATION_NOT_REQUIRED"


class RegistrationFeeNotRecorded(InvalidRequest):
    code = "REGISTRATION_FEE_NOT_RECORDED"


class NotRegistered(StateConflict):
    code = "NOT_REGISTERED"


class RegistrationAlreadyAccepted(StateConflict):
    code = "REGISTRATION_ALREADY_ACCEPTED"


# Review outcomes and resubmission
class TooEarlyToResubmit(StateConflict):
    """A deferred application may be resubmitted from its earliest re-review date."""

    code = "TOO_EARLY_TO_RESUBMIT"

    def __init__(self, earliest: date) -> None:
        super().__init__(f"a deferred application can be resubmitted from {earliest.isoformat()}")
        self.earliest = earliest


class OutcomeDoesNotFit(StateConflict):
    """A review outcome about an application in a status (or submission) it cannot follow."""

    code = "REVIEW_OUTCOME_DOES_NOT_FIT"
