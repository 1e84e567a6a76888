"""Use cases of the credentials service: issue a credential for a granted endorsement, look one up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from servicekit.eventstore import TrackedApplication

from credentials.config import TenantProfile
from credentials.domain.credential import Credential, SignedCredential, credential_id_for
from credentials.domain.errors import CredentialError
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import ValidityPeriod, validity_period

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnknownTenantError(CredentialError):
    code = "UNKNOWN_TENANT"


class UnknownCategoryError(CredentialError):
    code = "UNKNOWN_CATEGORY"


class CredentialSigner(Protocol):
    def sign(
        self,
        tenant: TenantProfile,
        credential_id: UUID,
        grant: EndorsementGrant,
        period: ValidityPeriod,
        signed_at: datetime,
    ) -> SignedCredential: ...


class CredentialsApplication(TrackedApplication):
    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        tenants: Mapping[str, TenantProfile],
        signer: CredentialSigner,
        public_base_url: str,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(env)
        self.tenants = tenants
        self.signer = signer
        self.public_base_url = public_base_url.rstrip("/")
        self.clock = clock

    def verification_url(self, credential_id: UUID) -> str:
        return f"{self.public_base_url}/credentials/{credential_id}"

    def issue(self, grant: EndorsementGrant) -> Credential | None:
        """The new, unsaved credential for `grant`, or None when the endorsement already has one.

        The caller saves it (with the position of the message that carried the grant). Should another
        delivery of the same grant save first, saving fails and a retry finds the credential here.
        """
        tenant = self.tenants.get(grant.tenant)
        if tenant is None:
            raise UnknownTenantError(f"tenant {grant.tenant!r} is not configured here")
        if grant.category not in tenant.categories:
            raise UnknownCategoryError(f"tenant {grant.tenant!r} does not award category {grant.category!r}")
        credential_id = credential_id_for(grant.endorsement_id)
        if credential_id in self.repository:
            return None
        period = validity_period(grant.effective_date, grant.renewal_date, tenant.timezone)
        issued_at = self.clock()
        signed = self.signer.sign(tenant, credential_id, grant, period, issued_at)
        return Credential.issue(
            grant, period, signed, verification_url=self.verification_url(credential_id), issued_at=issued_at
        )

    def get_credential(self, credential_id: UUID) -> Credential | None:
        try:
            credential: Any = self.repository.get(credential_id)
        except AggregateNotFoundError:
            return None
        return credential if isinstance(credential, Credential) else None
