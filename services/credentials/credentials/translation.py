"""Stored domain events -> public integration events; the only place the two meet.

`CredentialIssued` goes to partners on a public topic: it carries the signed credential (whose subject
is identified by a salted hash only) and never the holder's e-mail address or account id.
"""

from __future__ import annotations

from uuid import UUID

from endorsement_contracts import CredentialIssued, IntegrationEvent
from eventsourcing.domain import DomainEventProtocol

from credentials.domain.credential import Credential

SOURCE = "/services/credentials"


def translate(event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
    if isinstance(event, Credential.Issued):
        return CredentialIssued(
            tenant=event.tenant,
            occurred_at=event.issued_at,
            credential_id=event.originator_id,
            endorsement_id=event.endorsement_id,
            category=event.category,
            valid_from=event.effective_date,
            valid_until=event.renewal_date,
            verification_url=event.verification_url,
            credential=event.document,
        )
    return None
