"""Signs an endorsement as an Open Badges 3.0 credential with the tenant's newest key (eddsa-rdfc-2022).

The holder is only the salted hash of their address: the person's name is left out (docs/erasure.md, "The
public topic"), since partners keep what they receive and a signed document cannot be changed on erasure.
Pages and certificates take the name from this service's own records, which erasure scrubs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from credentials.adapters.keyring import IssuerDirectory
from credentials.config import TenantProfile
from credentials.domain.credential import SignedCredential
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import ValidityPeriod
from credentials.vc.dataintegrity import sign
from credentials.vc.openbadge import EndorsementAward, build_open_badge_credential


class OpenBadgeSigner:
    def __init__(self, issuers: IssuerDirectory) -> None:
        self.issuers = issuers

    def sign(
        self,
        tenant: TenantProfile,
        credential_id: UUID,
        grant: EndorsementGrant,
        period: ValidityPeriod,
        signed_at: datetime,
        *,
        awarded_at: datetime | None = None,
        credential_status: Mapping[str, Any] | None = None,
    ) -> SignedCredential:
        """Sign with the tenant's newest key; a re-issue passes the original `awarded_at`."""
        issuer = self.issuers.get(tenant.slug)
        if grant.holder.email is None:
            raise LookupError("the holder's address is erased: there is nothing to hash")
        if issuer is None:
            raise LookupError(f"no signing keys for tenant {tenant.slug!r}")
        award = EndorsementAward(
            tenant_slug=tenant.slug,
            credential_id=credential_id,
            issuer_did=issuer.did,
            issuer_name=tenant.issuer_name,
            category_code=grant.category,
            category_name=grant.category_name,
            designation=grant.designation,
            holder_email=grant.holder.email,
            holder_name=None,  # never in a signed document: it could not be erased from partners' copies
            awarded_at=awarded_at or period.valid_from,  # first issue: the endorsement's effective date
            valid_from=period.valid_from,
            valid_until=period.valid_until,
            endorsement_name=tenant.endorsement_name(grant.category_name),
            achievement_description=tenant.description,
            criteria_narrative=tenant.criteria,
            credential_status=credential_status,
            alignments=tenant.alignments,
        )
        document = sign(build_open_badge_credential(award), issuer.signing_key, issuer.verification_method, signed_at)
        return SignedCredential(document, issuer.verification_method)
