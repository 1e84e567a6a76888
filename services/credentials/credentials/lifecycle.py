"""Use cases that change an issued credential: renew, reinstate, suspend, unsuspend, revoke, expire.

Each returns the aggregates whose pending events are its effects: the credential, and the status list
whose bit it flipped. The grant consumer saves them with the message's position; the HTTP routes save them with
`save_with_retries`, which loads and applies again after a concurrent change (`servicekit.concurrency`: 409
`CONCURRENT_CHANGE` after `ON_CONFLICT.attempts` conflicts), and the expiry sweep leaves a changed credential to its
next pass.

A coordinator's note is sealed under the holder when the change is saved; for a holder erased by then it is not
kept (nothing may be sealed for them any more), and the change is still made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from servicekit.concurrency import OnConflict
from servicekit.shredding import SubjectErased

from credentials.application import CONFLICT_ATTEMPTS, CredentialsApplication
from credentials.domain.credential import Credential, Decision, Reissue, SuspensionCause
from credentials.domain.errors import ConcurrentChangeError, CredentialNotFoundError, HolderErasedError
from credentials.domain.grant import EndorsementGrant
from credentials.domain.status_list import StatusList, StatusPurpose
from credentials.domain.validity import validity_period

Effects = list[Any]
ON_CONFLICT = OnConflict(ConcurrentChangeError, attempts=CONFLICT_ATTEMPTS, conflicts=(IntegrityError, SubjectErased))
"""Changed meanwhile, or the holder erased while a note was sealed for them (the next attempt drops the note). As
many attempts as the service's other saves (`CONFLICT_ATTEMPTS`): each change also saves the tenant's status list,
which every credential of the tenant shares."""


@dataclass(frozen=True)
class ReissueTerms:
    """A renewal or reinstatement decided upstream: its id, from when, and the next renewal date."""

    reference: str
    valid_from_date: date
    renewal_date: date


class Lifecycle:
    def __init__(self, app: CredentialsApplication) -> None:
        self.app = app

    def credential_of(self, tenant: str, endorsement_id: UUID) -> Credential:
        """The tenant's credential for the endorsement; CredentialNotFoundError otherwise."""
        credential = self.app.get_credential_for_endorsement(endorsement_id)
        if credential is None or credential.tenant != tenant:
            raise CredentialNotFoundError(f"no credential of {tenant!r} was issued for endorsement {endorsement_id}")
        return credential

    def renew(self, credential: Credential, terms: ReissueTerms, decision_id: str) -> Effects:
        """Re-issue with the same id, a later validity period and the original award date."""
        credential.renew(self._reissue(credential, terms, decision_id))
        return [credential]

    def reinstate(self, credential: Credential, terms: ReissueTerms, decision_id: str) -> Effects:
        """Re-issue after a lapse and lift the suspension."""
        reissue = self._reissue(credential, terms, decision_id)
        credential.reinstate(reissue)
        return [credential, *self._flip(credential, StatusPurpose.SUSPENSION, on=False)]

    def suspend(self, credential: Credential, decision: Decision, cause: SuspensionCause) -> Effects:
        credential.suspend(self._kept_note(credential, decision), cause)
        return [credential, *self._flip(credential, StatusPurpose.SUSPENSION, on=True)]

    def unsuspend(self, credential: Credential, decision: Decision) -> Effects:
        credential.unsuspend(self._kept_note(credential, decision))
        return [credential, *self._flip(credential, StatusPurpose.SUSPENSION, on=False)]

    def revoke(self, credential: Credential, decision: Decision) -> Effects:
        credential.revoke(self._kept_note(credential, decision))
        return [credential, *self._flip(credential, StatusPurpose.REVOCATION, on=True)]

    def _kept_note(self, credential: Credential, decision: Decision) -> Decision:
        """The decision without its note when the holder was erased (the key store knows, a cached aggregate may
        not)."""
        if decision.note is not None and self.app.keys.is_erased(credential.holder.subject):
            return replace(decision, note=None)
        return decision

    def expire_if_due(self, credential: Credential) -> Effects:
        now = self.app.clock()
        if not credential.is_due_to_expire(now):
            return []
        credential.expire(now)
        return [credential]

    def save_with_retries(self, credential_id: UUID, change: Callable[[Credential], Effects]) -> Credential:
        """Load the credential, apply `change` and save its effects; again after a concurrent change."""

        def attempt() -> Credential:
            credential = self.app.get_credential(credential_id)
            if credential is None:
                raise CredentialNotFoundError(f"no credential {credential_id} was issued here")
            self.app.save(*change(credential))
            return credential

        return ON_CONFLICT.run(attempt)

    def _reissue(self, credential: Credential, terms: ReissueTerms, decision_id: str) -> Reissue:
        tenant = self.app.tenant(credential.tenant)
        period = validity_period(terms.valid_from_date, terms.renewal_date, tenant.timezone)
        credential.require_reissuable(decision_id, terms.reference, period)  # before signing anything
        # the identity hash needs the address, which is gone (the key store, not a cached aggregate, knows)
        if credential.holder.erased or self.app.keys.is_erased(credential.holder.subject):
            raise HolderErasedError("the holder was erased: the credential is not re-issued")
        index = credential.status_index
        entry = self.app.status_entry(credential.tenant, index).as_document() if index is not None else None
        signed_at = self.app.clock()
        signed = self.app.signer.sign(tenant, credential.id, _grant_of(credential, terms), period, signed_at,
                                      awarded_at=credential.awarded_at, credential_status=entry)
        return Reissue(decision_id, terms.reference, terms.valid_from_date, terms.renewal_date, period, signed,
                       signed_at)

    def _flip(self, credential: Credential, purpose: StatusPurpose, *, on: bool) -> Sequence[StatusList]:
        """The status list, when the credential's bit in it changed (credentials issued before status
        lists existed have no index, and their status is only in the records)."""
        if credential.status_index is None:
            return []
        status_list = self.app.status_list(credential.tenant, purpose)
        at = self.app.clock()  # when this service changed the list (its validFrom): never in its own future
        changed = status_list.set(credential.status_index, at) if on else status_list.clear(credential.status_index, at)
        return [status_list] if changed else []


def _grant_of(credential: Credential, terms: ReissueTerms) -> EndorsementGrant:
    """The recorded facts of the endorsement, with the new renewal date, for signing a re-issue."""
    return EndorsementGrant(
        tenant=credential.tenant,
        endorsement_id=credential.endorsement_id,
        holder=credential.holder,
        category=credential.category,
        category_name=credential.category_name,
        designation=credential.designation,
        effective_date=credential.effective_date,
        renewal_date=terms.renewal_date,
    )

