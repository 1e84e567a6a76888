"""Refusals of holdings, renewals, reinstatements and second categories, with stable codes."""

from __future__ import annotations

from .errors import InvalidRequest, NotFound, StateConflict


class EndorsementNotHeld(NotFound):
    """No such endorsement, or not one the caller holds or may see (indistinguishable on purpose)."""

    code = "ENDORSEMENT_NOT_HELD"


class EndorsementNotActive(StateConflict):
    code = "ENDORSEMENT_NOT_ACTIVE"


class EndorsementRevoked(StateConflict):
    code = "ENDORSEMENT_REVOKED"


class RenewalNotOpen(StateConflict):
    """Before the renewal window opens or after the removal date."""

    code = "RENEWAL_NOT_OPEN"


class RenewalAlreadyOpen(StateConflict):
    code = "RENEWAL_ALREADY_OPEN"


class RenewalNotOffered(StateConflict):
    """The rules in force have no renewal section for the category."""

    code = "RENEWAL_NOT_OFFERED"


class NotLapsed(StateConflict):
    code = "NOT_LAPSED"


class ReinstatementAlreadyOpen(StateConflict):
    code = "REINSTATEMENT_ALREADY_OPEN"


class ReinstatementNotOffered(StateConflict):
    """The rules in force have no reinstatement section for the category."""

    code = "REINSTATEMENT_NOT_OFFERED"


class CategoryAlreadyHeld(StateConflict):
    code = "CATEGORY_ALREADY_HELD"


class ApplicationAlreadyOpen(StateConflict):
    code = "APPLICATION_ALREADY_OPEN"


class NotARenewal(StateConflict):
    """A renewal-only command on an initial application."""

    code = "NOT_A_RENEWAL"


class InvalidInactiveReason(InvalidRequest):
    code = "INVALID_INACTIVE_REASON"
