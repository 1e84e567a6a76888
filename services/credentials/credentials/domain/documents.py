"""What a signed credential document must assert for the Credential aggregate to record it.

Signing happens outside the domain; these checks make sure the document says what the aggregate records
(id, validity, award date, status entry, signing key), so the two can never drift apart.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from credentials.domain.errors import InconsistentDocumentError
from credentials.domain.validity import ValidityPeriod


@dataclass(frozen=True)
class SignedCredential:
    """A signed credential document and the verification method whose key signed it."""

    document: Mapping[str, Any]
    verification_method: str


def check_document(
    credential_id: UUID,
    period: ValidityPeriod,
    signed: SignedCredential,
    *,
    awarded_at: datetime | None = None,
    status_index: int | None = None,
) -> None:
    """Raise InconsistentDocumentError unless the document asserts exactly these facts."""
    document = signed.document
    if document.get("id") != credential_id.urn:
        raise InconsistentDocumentError(f"the document's id is not {credential_id.urn}")
    for name, expected in (("validFrom", period.valid_from), ("validUntil", period.valid_until)):
        if _instant(document.get(name)) != expected:
            raise InconsistentDocumentError(f"the document's {name} is not {expected.isoformat()}")
    if awarded_at is not None and _instant(document.get("awardedDate")) != awarded_at:
        raise InconsistentDocumentError(f"the document's awardedDate is not {awarded_at.isoformat()}")
    if status_index is not None:
        entry = document.get("credentialStatus")
        if not isinstance(entry, Mapping) or entry.get("statusListIndex") != str(status_index):
            raise InconsistentDocumentError(f"the document's status entry is not index {status_index}")
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or proof.get("verificationMethod") != signed.verification_method:
        raise InconsistentDocumentError(f"the document is not signed by {signed.verification_method}")


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
