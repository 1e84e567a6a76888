"""Refusals of the references tab and of rater links, with stable codes (families as in `errors.py`)."""

from __future__ import annotations

from .errors import DomainError, InvalidRequest, NotFound, StateConflict


class Gone(DomainError):
    """The thing existed and can no longer be used (a rater link already answered or expired): HTTP 410."""


class InvalidRater(InvalidRequest):
    code = "INVALID_RATER"


class UnknownSlot(InvalidRequest):
    code = "UNKNOWN_SLOT"


class RaterKindNotAllowed(InvalidRequest):
    code = "RATER_KIND_NOT_ALLOWED"


class RaterNotEligible(InvalidRequest):
    """The slot needs a rater endorsed at a level, and the association does not vet others for it."""

    code = "RATER_NOT_ELIGIBLE"


class DuplicateRater(InvalidRequest):
    code = "DUPLICATE_RATER"


class TooManyReferences(InvalidRequest):
    code = "TOO_MANY_REFERENCES"


class InvalidRatings(InvalidRequest):
    code = "INVALID_RATINGS"


class InvalidVetting(InvalidRequest):
    code = "INVALID_VETTING"


class SlotTaken(StateConflict):
    code = "SLOT_TAKEN"


class ReferenceNotPending(StateConflict):
    """Re-sending or changing the waiver of a reference the rater already answered (or that was voided)."""

    code = "REFERENCE_NOT_PENDING"


class ReferenceVoided(StateConflict):
    code = "REFERENCE_VOIDED"


class ResendLimitReached(StateConflict):
    code = "RESEND_LIMIT_REACHED"


class VettingNotPending(StateConflict):
    code = "VETTING_NOT_PENDING"


class ReferenceNotFound(NotFound):
    code = "REFERENCE_NOT_FOUND"


class ReferenceLinkInvalid(NotFound):
    """Unknown, forged or superseded link: never says which."""

    code = "REFERENCE_LINK_INVALID"


class ReferenceLinkUsed(Gone):
    code = "REFERENCE_LINK_USED"


class ReferenceLinkDeclined(Gone):
    code = "REFERENCE_LINK_DECLINED"


class ReferenceLinkExpired(Gone):
    code = "REFERENCE_LINK_EXPIRED"
