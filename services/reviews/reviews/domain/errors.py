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
