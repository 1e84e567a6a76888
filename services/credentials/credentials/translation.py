"""Stored domain events -> public integration events; the only place the two meet.

The partner topic never carries the holder's e-mail address or account id: the signed credential
identifies its subject by a salted hash only. `CredentialIssued` is made from its stored event alone.
Every change event states the credential's whole current truth (status, dates, current signed document,
status list entries), read from the credential as it was right after that event, so translating the same
stored event again (relay retry, webhook fan-out, replay) always gives the same partner event.

A status change is published with its `reason_code` and the code's fixed wording as `reason`: never a staff note,
and never the free text a change recorded before codes held (its upcast code is published instead, so a
republication after a broker's data loss carries no old text either).

The relay also answers the erasure ledger: a recorded `Erasure.SubjectErased` becomes `ErasureCompleted` on
`endorsement.erasures.v1` (the relay publishes each event to its own topic). Partners never see it: the webhook
fan-out and replay translate with `PartnerEvents` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events import (
    CredentialExpired,
    CredentialIssued,
    CredentialReinstated,
    CredentialRenewed,
    CredentialRevoked,
    CredentialSuspended,
    ErasureCompleted,
    StatusListReference,
)
from eventsourcing.domain import DomainEventProtocol

from credentials.domain.credential import Credential, CredentialStatus
from credentials.domain.erasure import SERVICE, Erasure
from credentials.domain.reasons import ReasonCode, wording
from credentials.domain.status_list import StatusPurpose

SOURCE = "/services/credentials"

CredentialAt = Callable[[UUID, int], Credential]
"""The credential as it was right after its event number `version`."""
StatusListUrl = Callable[[str, StatusPurpose], str]


def translate(event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
    """The partner event of a `Credential.Issued` (the only one that needs no other state)."""
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


def erasure_answer(event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
    """`ErasureCompleted` for a recorded erasure (the same `ce_id` on every relay of it)."""
    if isinstance(event, Erasure.SubjectErased):
        return ErasureCompleted(tenant=event.tenant, occurred_at=event.erased_at, erasure_id=event.erasure_id,
                                subject=event.subject, service=SERVICE)
    return None


class RelayEvents:
    """The outbox relay's translator: partner events, and the answers to the erasure ledger."""

    def __init__(self, partner_events: PartnerEvents) -> None:
        self.partner_events = partner_events

    def __call__(self, event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
        return erasure_answer(event) or self.partner_events(event)


class PartnerEvents:
    """The translator of the outbox relay, the webhook fan-out and replay: every partner event."""

    def __init__(self, credential_at: CredentialAt, status_list_url: StatusListUrl) -> None:
        self.credential_at = credential_at
        self.status_list_url = status_list_url

    def __call__(self, event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
        if isinstance(event, Credential.Issued):
            return translate(event)
        change = _CHANGES.get(type(event))
        if change is None:
            return None  # status list events and anything else private
        after = self.credential_at(event.originator_id, event.originator_version)
        event_class, occurred_at, details = change(event)
        return event_class(**self._current_truth(after), occurred_at=occurred_at, **details)

    def _current_truth(self, credential: Credential) -> dict[str, Any]:
        return {
            "tenant": credential.tenant,
            "credential_id": credential.id,
            "endorsement_id": credential.endorsement_id,
            "category": credential.category,
            "status": _state(credential),
            "valid_from": credential.valid_from_date,
            "valid_until": credential.renewal_date,
            "verification_url": credential.verification_url,
            "credential": credential.document,
            "status_lists": self._references(credential),
        }

    def _references(self, credential: Credential) -> list[StatusListReference]:
        if credential.status_index is None:
            return []
        return [
            StatusListReference(status_purpose=purpose.value, status_list_index=credential.status_index,
                                status_list_credential=self.status_list_url(credential.tenant, purpose))
            for purpose in StatusPurpose
        ]


def _state(credential: Credential) -> str:
    if credential.status is not CredentialStatus.ACTIVE:
        return credential.status.value
    return "expired" if credential.is_expired else "active"


Change = tuple[type[IntegrationEvent], datetime, dict[str, Any]]


def _renewed(event: Any) -> Change:
    return CredentialRenewed, event.reissued_at, {"renewal_id": event.reference}


def _reason(code: ReasonCode | str) -> dict[str, str]:
    """The published reason: the code and its fixed wording, nothing a person typed."""
    code = ReasonCode(code)
    return {"reason_code": code.value, "reason": wording(code)}


def _reinstated(event: Any) -> Change:
    return CredentialReinstated, event.reissued_at, {"reissued": True, **_reason(ReasonCode.REINSTATED_AFTER_LAPSE)}


def _suspended(event: Any) -> Change:
    return CredentialSuspended, event.suspended_at, {"cause": event.cause, **_reason(event.reason_code)}


def _unsuspended(event: Any) -> Change:
    return CredentialReinstated, event.unsuspended_at, {"reissued": False, **_reason(event.reason_code)}


def _revoked(event: Any) -> Change:
    return CredentialRevoked, event.revoked_at, _reason(event.reason_code)


def _expired(event: Any) -> Change:
    return CredentialExpired, event.expired_at, {}


_CHANGES: dict[type[Any], Callable[[Any], Change]] = {
    Credential.Renewed: _renewed,
    Credential.Reinstated: _reinstated,
    Credential.Suspended: _suspended,
    Credential.Unsuspended: _unsuspended,
    Credential.Revoked: _revoked,
    Credential.Expired: _expired,
}
