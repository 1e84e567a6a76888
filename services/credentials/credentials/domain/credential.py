"""The Credential aggregate: one signed Open Badge per granted endorsement.

Its id is derived from the endorsement, so a grant delivered again (or republished) finds the credential
already there. Signing happens outside the domain; the aggregate records the signed document and the
facts it asserts, and checks that they agree.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from credentials.domain.errors import InconsistentDocumentError
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import ValidityPeriod


def credential_id_for(endorsement_id: UUID) -> UUID:
    """Exactly one credential per endorsement: its id is a name-based UUID of the endorsement id."""
    return uuid5(NAMESPACE_URL, f"credential/{endorsement_id}")


class CredentialStatus(StrEnum):
    """What the association has recorded. Suspension and revocation arrive with the status-list issue."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Standing(StrEnum):
    """How a credential stands at a given moment: its recorded status, then its validity period."""

    ACTIVE = "active"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True)
class SignedCredential:
    """A signed credential document and the verification method whose key signed it."""

    document: Mapping[str, Any]
    verification_method: str


class Credential(Aggregate):
    class Issued(Aggregate.Created):
        tenant: str
        endorsement_id: UUID
        holder_account_id: UUID
        holder_name: str
        holder_email: str
        category: str
        category_name: str
        designation: str | None
        effective_date: date
        renewal_date: date
        valid_from: datetime
        valid_until: datetime
        verification_method: str
        verification_url: str
        document: dict[str, Any]
        issued_at: datetime

    @staticmethod
    def create_id(endorsement_id: UUID) -> UUID:
        return credential_id_for(endorsement_id)

    @classmethod
    def issue(
        cls,
        grant: EndorsementGrant,
        period: ValidityPeriod,
        signed: SignedCredential,
        *,
        verification_url: str,
        issued_at: datetime,
    ) -> "Credential":
        """Record a credential issued for `grant`, refusing a document that asserts anything else."""
        _check_document(credential_id_for(grant.endorsement_id), period, signed)
        return cls(
            tenant=grant.tenant,
            endorsement_id=grant.endorsement_id,
            holder_account_id=grant.holder.account_id,
            holder_name=grant.holder.name,
            holder_email=grant.holder.email,
            category=grant.category,
            category_name=grant.category_name,
            designation=grant.designation,
            effective_date=grant.effective_date,
            renewal_date=grant.renewal_date,
            valid_from=period.valid_from,
            valid_until=period.valid_until,
            verification_method=signed.verification_method,
            verification_url=verification_url,
            document=dict(signed.document),
            issued_at=issued_at,
        )

    @event(Issued)
    def __init__(
        self,
        *,
        tenant: str,
        endorsement_id: UUID,
        holder_account_id: UUID,
        holder_name: str,
        holder_email: str,
        category: str,
        category_name: str,
        designation: str | None,
        effective_date: date,
        renewal_date: date,
        valid_from: datetime,
        valid_until: datetime,
        verification_method: str,
        verification_url: str,
        document: dict[str, Any],
        issued_at: datetime,
    ) -> None:
        self.tenant = tenant
        self.endorsement_id = endorsement_id
        self.holder_account_id = holder_account_id
        self.holder_name = holder_name
        self.holder_email = holder_email
        self.category = category
        self.category_name = category_name
        self.designation = designation
        self.effective_date = effective_date
        self.renewal_date = renewal_date
        self.validity = ValidityPeriod(valid_from, valid_until)
        self.verification_method = verification_method
        self.verification_url = verification_url
        self.document = document
        self.issued_at = issued_at
        self.status = CredentialStatus.ACTIVE

    def standing_at(self, moment: datetime) -> Standing:
        if self.status is not CredentialStatus.ACTIVE:
            return Standing(self.status.value)
        if moment < self.validity.valid_from:
            return Standing.NOT_YET_VALID
        if not self.validity.contains(moment):
            return Standing.EXPIRED
        return Standing.ACTIVE


def _check_document(credential_id: UUID, period: ValidityPeriod, signed: SignedCredential) -> None:
    document = signed.document
    if document.get("id") != credential_id.urn:
        raise InconsistentDocumentError(f"the document's id is not {credential_id.urn}")
    for name, expected in (("validFrom", period.valid_from), ("validUntil", period.valid_until)):
        if _instant(document.get(name)) != expected:
            raise InconsistentDocumentError(f"the document's {name} is not {expected.isoformat()}")
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
