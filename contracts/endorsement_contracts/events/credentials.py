"""Events the credentials service publishes on the partner topic `endorsement.credentials.v1`.

Every record is keyed by the credential id, and every change event states the credential's whole current
truth (status, dates, the current signed credential and its status list entries), so the latest record
per key is all a partner needs: the topic can be compacted without losing anything a partner relies on.

Why a credential was suspended, reinstated or revoked travels as a code from a closed list (`reason_code`) and the
code's fixed English wording (`reason`): never text typed by a person, which may name people or health matters.
`reason_code` was added within v1 (additively), so records published before it have none, and their `reason`
may be free text.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ..base import IntegrationEvent
from ..topics import CREDENTIALS
from .common import CATEGORY_PATTERN, CategoryCode

CredentialState = Literal["active", "suspended", "revoked", "expired"]
StatusPurpose = Literal["revocation", "suspension"]
SuspensionReasonCode = Literal["lapse", "under_investigation", "administrative", "holder_request", "payment", "other"]
"""`lapse`: the endorsement lapsed (cause `lapse`); the others are chosen by a coordinator (cause `coordinator`)."""
ReinstatementReasonCode = Literal["reinstated_after_lapse", "investigation_closed", "payment_received",
                                  "suspended_in_error", "administrative", "holder_request", "other"]
"""`reinstated_after_lapse`: re-issued after a lapse (`reissued` true); the others: a coordinator lifted a
suspension."""
RevocationReasonCode = Literal["ethics_violation", "issued_in_error", "holder_request", "endorsement_revoked",
                               "erasure", "other"]
"""`endorsement_revoked`: the association revoked the endorsement (in its review service); `erasure`: the holder's
personal data was erased and the endorsement surrendered; the others are chosen by a coordinator."""

REASON_DESCRIPTION = ("The fixed English wording of `reason_code` (the contracts README lists them); never text typed "
                      "by a person. Records published before `reason_code` existed may hold free text.")
REASON_CODE_DESCRIPTION = ("Why, as a code from a closed list (the contracts README gives each one's wording). "
                           "Always set since it was added; absent only on records published before.")


class CredentialIssued(IntegrationEvent):
    """A signed credential was issued; partners receive the whole signed credential."""

    event_type: ClassVar[str] = "CredentialIssued"
    version: ClassVar[int] = 1
    topic: ClassVar[str] = CREDENTIALS.name
    key_field: ClassVar[str] = "credential_id"

    credential_id: UUID
    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    valid_from: date
    valid_until: date
    verification_url: str
    credential: dict[str, Any] = Field(description="The signed OpenBadgeCredential (VC Data Model 2.0).")


class StatusListReference(BaseModel):
    """Where a credential's bit is published: a Bitstring Status List v1.0 credential and an index."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status_purpose: StatusPurpose
    status_list_credential: str = Field(description="URL of the signed BitstringStatusListCredential.")
    status_list_index: int = Field(ge=0)


class CredentialChanged(IntegrationEvent):
    """What every change event carries: the credential's current truth after the change."""

    topic: ClassVar[str] = CREDENTIALS.name
    key_field: ClassVar[str] = "credential_id"

    credential_id: UUID
    endorsement_id: UUID
    category: CategoryCode = Field(pattern=CATEGORY_PATTERN)
    status: CredentialState = Field(description="The credential's status after this change.")
    valid_from: date = Field(description="First valid day of the current signed credential (association's calendar).")
    valid_until: date = Field(description="Last valid day of the current signed credential.")
    verification_url: str
    credential: dict[str, Any] = Field(description="The current signed OpenBadgeCredential (VC Data Model 2.0).")
    status_lists: list[StatusListReference] = Field(
        default_factory=list,
        description="The credential's entries in the issuer's revocation and suspension lists (same index).",
    )


class CredentialRenewed(CredentialChanged):
    """A renewal re-issued the credential: same id, a later validFrom, a new validUntil, the same award date."""

    event_type: ClassVar[str] = "CredentialRenewed"
    version: ClassVar[int] = 1

    renewal_id: str = Field(description="The renewal that caused the re-issue.")


class CredentialSuspended(CredentialChanged):
    """The credential is suspended (reversible): by a coordinator, or because the endorsement lapsed."""

    event_type: ClassVar[str] = "CredentialSuspended"
    version: ClassVar[int] = 1

    cause: Literal["lapse", "coordinator"]
    reason: str = Field(min_length=1, max_length=1000, description=REASON_DESCRIPTION)
    reason_code: SuspensionReasonCode | None = Field(default=None, description=REASON_CODE_DESCRIPTION)


class CredentialReinstated(CredentialChanged):
    """The credential is in force again: unsuspended by a coordinator, or re-issued after a lapse."""

    event_type: ClassVar[str] = "CredentialReinstated"
    version: ClassVar[int] = 1

    reissued: bool = Field(description="True when a new signed credential was issued (reinstatement after a lapse).")
    reason: str | None = Field(default=None, max_length=1000, description=REASON_DESCRIPTION)
    reason_code: ReinstatementReasonCode | None = Field(default=None, description=REASON_CODE_DESCRIPTION)


class CredentialRevoked(CredentialChanged):
    """The credential is revoked: permanently, with the reason recorded."""

    event_type: ClassVar[str] = "CredentialRevoked"
    version: ClassVar[int] = 1

    reason: str = Field(min_length=1, max_length=1000, description=REASON_DESCRIPTION)
    reason_code: RevocationReasonCode | None = Field(default=None, description=REASON_CODE_DESCRIPTION)


class CredentialExpired(CredentialChanged):
    """The credential's validity period ended (its validUntil passed) without a renewal."""

    event_type: ClassVar[str] = "CredentialExpired"
    version: ClassVar[int] = 1


EVENTS: tuple[type[IntegrationEvent], ...] = (
    CredentialIssued,
    CredentialRenewed,
    CredentialSuspended,
    CredentialReinstated,
    CredentialRevoked,
    CredentialExpired,
)
