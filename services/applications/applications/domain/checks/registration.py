"""Registration: where the rules require it, a coordinator must have accepted the registration before submission."""

from __future__ import annotations

from enum import StrEnum

from ..rules import RegistrationRule
from .report import Reason, RequirementResult

CODE = "REGISTRATION_ACCEPTED"


class RegistrationState(StrEnum):
    NOT_REQUIRED = "not_required"
    """The application does not go through registration at all (e.g. a renewal)."""
    NOT_REGISTERED = "not_registered"
    REGISTERED = "registered"
    """Registered; waiting for a coordinator to accept."""
    ACCEPTED = "accepted"


def check_registration(rule: RegistrationRule, state: RegistrationState) -> RequirementResult | None:
    """None when the rules need no registration, or the application is exempt from it."""
    if not rule.required or state is RegistrationState.NOT_REQUIRED:
        return None
    if state is RegistrationState.ACCEPTED:
        return RequirementResult(CODE, "registration", True, "the registration was accepted by the association")
    if state is RegistrationState.REGISTERED:
        reason = Reason("REGISTRATION_AWAITING_ACCEPTANCE", "the association has not accepted the registration yet "
                        "(it checks membership and the registration fee)")
        return RequirementResult(CODE, "registration", False, "registered; waiting for the association to accept",
                                 reasons=(reason,))
    reason = Reason("REGISTRATION_NOT_REGISTERED", "record the registration fee, then register; the association "
                    "accepts the registration before the application can be submitted")
    return RequirementResult(CODE, "registration", False, "not registered", reasons=(reason,))
