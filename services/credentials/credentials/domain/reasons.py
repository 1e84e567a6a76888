"""Why a credential's status changed: a code from a closed list, never free text, and a staff note kept sealed.

What staff type may name people or health matters, so it never leaves the association: partners (the partner
topic, webhooks) and the public pages get only the code and its fixed wording below. A coordinator may add a
`StaffNote`, stored sealed under the holder's subject (erased with them) and shown to staff only.

Each action has its own codes; some are set by the platform only (a lapse, a revocation decided in reviews, an
erasure), never chosen by a coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from uuid import UUID


class ReasonCode(StrEnum):
    # suspension
    LAPSE = "lapse"
    UNDER_INVESTIGATION = "under_investigation"
    PAYMENT = "payment"
    # revocation
    ETHICS_VIOLATION = "ethics_violation"
    ISSUED_IN_ERROR = "issued_in_error"
    ENDORSEMENT_REVOKED = "endorsement_revoked"
    ERASURE = "erasure"
    # lifting a suspension
    REINSTATED_AFTER_LAPSE = "reinstated_after_lapse"
    INVESTIGATION_CLOSED = "investigation_closed"
    PAYMENT_RECEIVED = "payment_received"
    SUSPENDED_IN_ERROR = "suspended_in_error"
    # any action
    ADMINISTRATIVE = "administrative"
    HOLDER_REQUEST = "holder_request"
    OTHER = "other"


WORDING: Final[dict[ReasonCode, str]] = {
    ReasonCode.LAPSE: "The endorsement lapsed: it was not renewed in time",
    ReasonCode.UNDER_INVESTIGATION: "Under investigation by the association",
    ReasonCode.PAYMENT: "A payment to the association is outstanding",
    ReasonCode.ETHICS_VIOLATION: "A breach of the association's code of ethics",
    ReasonCode.ISSUED_IN_ERROR: "Issued in error",
    ReasonCode.ENDORSEMENT_REVOKED: "The association revoked the endorsement",
    ReasonCode.ERASURE: "Surrendered when the holder's personal data was erased",
    ReasonCode.REINSTATED_AFTER_LAPSE: "Reinstated after a lapse",
    ReasonCode.INVESTIGATION_CLOSED: "The investigation was closed",
    ReasonCode.PAYMENT_RECEIVED: "The outstanding payment was received",
    ReasonCode.SUSPENDED_IN_ERROR: "Suspended in error",
    ReasonCode.ADMINISTRATIVE: "For an administrative reason",
    ReasonCode.HOLDER_REQUEST: "At the holder's request",
    ReasonCode.OTHER: "For another reason",
}
"""The fixed English wording of each code: what the partner events' `reason` says. It names nobody."""

SUSPENSION_BY_COORDINATOR: Final = (ReasonCode.UNDER_INVESTIGATION, ReasonCode.ADMINISTRATIVE,
                                    ReasonCode.HOLDER_REQUEST, ReasonCode.PAYMENT, ReasonCode.OTHER)
UNSUSPENSION_BY_COORDINATOR: Final = (ReasonCode.INVESTIGATION_CLOSED, ReasonCode.PAYMENT_RECEIVED,
                                      ReasonCode.SUSPENDED_IN_ERROR, ReasonCode.ADMINISTRATIVE,
                                      ReasonCode.HOLDER_REQUEST, ReasonCode.OTHER)
REVOCATION_BY_COORDINATOR: Final = (ReasonCode.ETHICS_VIOLATION, ReasonCode.ISSUED_IN_ERROR,
                                    ReasonCode.HOLDER_REQUEST, ReasonCode.OTHER)

SUSPENSION_CODES: Final = frozenset({*SUSPENSION_BY_COORDINATOR, ReasonCode.LAPSE})
UNSUSPENSION_CODES: Final = frozenset(UNSUSPENSION_BY_COORDINATOR)
REVOCATION_CODES: Final = frozenset({*REVOCATION_BY_COORDINATOR, ReasonCode.ENDORSEMENT_REVOKED,
                                     ReasonCode.ERASURE})
REINSTATEMENT_CODES: Final = frozenset({*UNSUSPENSION_CODES, ReasonCode.REINSTATED_AFTER_LAPSE})
"""What a partner's `CredentialReinstated` may carry: a lifted suspension's code, or a re-issue after a lapse."""

NOTE_MAX_LENGTH: Final = 1000


def wording(code: ReasonCode) -> str:
    return WORDING[code]


@dataclass(frozen=True)
class StaffNote:
    """What a coordinator wrote about a status change: sealed under the holder's subject (`account:<id>`) in the
    event store, shown only to the association's staff, never published. `text` is None once the holder was
    erased."""

    subject: str
    text: str | None


# --- status changes recorded before reasons were codes (their free text is read, never published again) -------

LEGACY_ERASED_REASONS: Final = frozenset({"erasure", "not available: the holder's personal data was erased"})
"""The texts recorded for a revocation on erasure before codes: reviews' surrender reason, and what this service
recorded when that reason could no longer be opened."""


def legacy_revocation_code(reason: str, decision_id: str) -> ReasonCode:
    """The code of a revocation recorded with free text. A decision taken upstream has the reviews event's `ce_id`
    as its id, a name-based UUID (version 5); a coordinator's decision here has a random one (version 4)."""
    if reason in LEGACY_ERASED_REASONS:
        return ReasonCode.ERASURE
    return ReasonCode.ENDORSEMENT_REVOKED if _uuid_version(decision_id) == 5 else ReasonCode.OTHER


def _uuid_version(value: str) -> int | None:
    try:
        return UUID(value).version
    except ValueError:
        return None
