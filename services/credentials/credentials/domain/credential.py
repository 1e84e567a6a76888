"""The Credential aggregate: one signed Open Badge per granted endorsement, and what became of it.

Its id is derived from the endorsement, so a grant delivered again (or republished) finds the credential
already there. Signing happens outside the domain; the aggregate records each signed document and checks
that it asserts what is recorded. A renewal or reinstatement re-issues the document under the same id with
a later validity period and the original award date. Revocation is final. Every decision carries an id
(the upstream event's id, or a new one for a coordinator's action): applying it twice is refused.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from credentials.domain.documents import SignedCredential, check_document
from credentials.domain.errors import (
    AlreadyExpiredError,
    AlreadyRevokedError,
    AlreadySuspendedError,
    CredentialRevokedError,
    DecisionAlreadyAppliedError,
    InvalidReissueError,
    NotDueError,
    NotSuspendedError,
)
from credentials.domain.grant import EndorsementGrant, Holder, account_subject
from credentials.domain.validity import ValidityPeriod

__all__ = ["Credential", "CredentialStatus", "Decision", "Reissue", "SignedCredential", "Standing",
           "SuspensionCause", "credential_id_for"]


def credential_id_for(endorsement_id: UUID) -> UUID:
    """Exactly one credential per endorsement: its id is a name-based UUID of the endorsement id."""
    return uuid5(NAMESPACE_URL, f"credential/{endorsement_id}")


class CredentialStatus(StrEnum):
    """What the association has decided: in force, suspended (reversible) or revoked (final)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class SuspensionCause(StrEnum):
    LAPSE = "lapse"
    COORDINATOR = "coordinator"


class Standing(StrEnum):
    """How a credential stands at a given moment: its recorded status, then its validity period."""

    ACTIVE = "active"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Decision:
    """A change of status: the id that makes it happen once, why, when and by whom (None: upstream)."""

    decision_id: str
    reason: str
    at: datetime
    by: UUID | None = None


@dataclass(frozen=True)
class Reissue:
    """A new signed document for the same credential: renewal or reinstatement."""

    decision_id: str
    reference: str
    """The upstream renewal or reinstatement id: one re-issue per reference."""
    valid_from_date: date
    """The first valid day, in the association's calendar (the renewal's or reinstatement's date)."""
    renewal_date: date
    period: ValidityPeriod
    signed: SignedCredential
    at: datetime


class Credential(Aggregate):
    class Issued(Aggregate.Created):
        class_version = 3
        tenant: str
        endorsement_id: UUID
        holder_account_id: UUID
        holder: Holder
        """Name and e-mail address, sealed under the holder's account (both None once erased)."""
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
        status_index: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["status_index"] = None  # issued before status lists existed

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Stored before holder data was sealed: plaintext `holder_name` and `holder_email` fields."""
            state["holder"] = Holder(account_subject(state["holder_account_id"]), state.pop("holder_name"),
                                     state.pop("holder_email"))

    class Renewed(Aggregate.Event):
        decision_id: str
        reference: str
        valid_from_date: date
        renewal_date: date
        valid_from: datetime
        valid_until: datetime
        verification_method: str
        document: dict[str, Any]
        reissued_at: datetime

    class Reinstated(Aggregate.Event):
        """Re-issued after a lapse, and no longer suspended."""

        decision_id: str
        reference: str
        valid_from_date: date
        renewal_date: date
        valid_from: datetime
        valid_until: datetime
        verification_method: str
        document: dict[str, Any]
        reissued_at: datetime

    class Suspended(Aggregate.Event):
        decision_id: str
        cause: str
        reason: str
        suspended_at: datetime
        by: UUID | None

    class Unsuspended(Aggregate.Event):
        decision_id: str
        reason: str
        unsuspended_at: datetime
        by: UUID | None

    class Revoked(Aggregate.Event):
        decision_id: str
        reason: str
        revoked_at: datetime
        by: UUID | None

    class Expired(Aggregate.Event):
        valid_until: datetime
        expired_at: datetime

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
        status_index: int | None = None,
    ) -> "Credential":
        """Record a credential issued for `grant`, refusing a document that asserts anything else."""
        check_document(credential_id_for(grant.endorsement_id), period, signed, status_index=status_index)
        holder = grant.holder
        return cls(
            tenant=grant.tenant, endorsement_id=grant.endorsement_id, holder_account_id=holder.account_id,
            holder=holder, category=grant.category,
            category_name=grant.category_name, designation=grant.designation, effective_date=grant.effective_date,
            renewal_date=grant.renewal_date, valid_from=period.valid_from, valid_until=period.valid_until,
            verification_method=signed.verification_method, verification_url=verification_url,
            document=dict(signed.document), issued_at=issued_at, status_index=status_index,
        )

    @event(Issued)
    def __init__(
        self, *, tenant: str, endorsement_id: UUID, holder_account_id: UUID, holder: Holder, category: str,
        category_name: str, designation: str | None, effective_date: date, renewal_date: date,
        valid_from: datetime, valid_until: datetime, verification_method: str, verification_url: str,
        document: dict[str, Any], issued_at: datetime, status_index: int | None = None,
    ) -> None:
        self.tenant = tenant
        self.endorsement_id = endorsement_id
        self.holder_account_id = holder_account_id
        self.holder = holder
        self.category = category
        self.category_name = category_name
        self.designation = designation
        self.effective_date = effective_date
        self.renewal_date = renewal_date
        self.valid_from_date = effective_date
        """The first valid day of the current document (the effective date until a re-issue)."""
        self.validity = ValidityPeriod(valid_from, valid_until)
        self.awarded_at = valid_from
        self.verification_method = verification_method
        self.verification_url = verification_url
        self.document = document
        self.issued_at = issued_at
        self.reissued_at: datetime | None = None
        self.status_index = status_index
        self.status = CredentialStatus.ACTIVE
        self.status_reason: str | None = None
        self.status_changed_at: datetime | None = None
        self.expired_for: datetime | None = None
        """The validUntil for which the expiry was recorded; a re-issue starts a new period."""
        self.decisions: list[str] = []
        self.references: list[str] = []

    # --- re-issue -----------------------------------------------------------------------------------------

    def renew(self, reissue: Reissue) -> None:
        """Re-issue for a renewal; a suspension stays as it is."""
        self._check_reissue(reissue)
        self._renew(**_reissue_fields(reissue))

    @event(Renewed)
    def _renew(self, decision_id: str, reference: str, valid_from_date: date, renewal_date: date,
               valid_from: datetime, valid_until: datetime, verification_method: str, document: dict[str, Any],
               reissued_at: datetime) -> None:
        self._apply_reissue(decision_id, reference, valid_from_date, renewal_date,
                            ValidityPeriod(valid_from, valid_until), verification_method, document, reissued_at)

    def reinstate(self, reissue: Reissue) -> None:
        """Re-issue after a lapse; the credential is no longer suspended."""
        self._check_reissue(reissue)
        self._reinstate(**_reissue_fields(reissue))

    @event(Reinstated)
    def _reinstate(self, decision_id: str, reference: str, valid_from_date: date, renewal_date: date,
                   valid_from: datetime, valid_until: datetime, verification_method: str, document: dict[str, Any],
                   reissued_at: datetime) -> None:
        self._apply_reissue(decision_id, reference, valid_from_date, renewal_date,
                            ValidityPeriod(valid_from, valid_until), verification_method, document, reissued_at)
        self.status = CredentialStatus.ACTIVE
        self.status_reason = None
        self.status_changed_at = reissued_at

    def require_reissuable(self, decision_id: str, reference: str, period: ValidityPeriod) -> None:
        """Refuse a re-issue before anything is signed: revoked, repeated, or not moving the period forward."""
        self._require_not_revoked()
        self._require_new_decision(decision_id)
        if reference in self.references:
            raise DecisionAlreadyAppliedError(f"{reference} was applied to this credential already")
        if period.valid_from <= self.validity.valid_from:
            raise InvalidReissueError("a re-issued credential must be valid from a later moment than before")
        if period.valid_until <= self.validity.valid_until:
            raise InvalidReissueError("a re-issued credential must be valid until a later moment than before")

    def _check_reissue(self, reissue: Reissue) -> None:
        self.require_reissuable(reissue.decision_id, reissue.reference, reissue.period)
        check_document(self.id, reissue.period, reissue.signed, awarded_at=self.awarded_at,
                       status_index=self.status_index)

    def _apply_reissue(self, decision_id: str, reference: str, valid_from_date: date, renewal_date: date,
                       period: ValidityPeriod, verification_method: str, document: dict[str, Any],
                       reissued_at: datetime) -> None:
        self.decisions.append(decision_id)
        self.references.append(reference)
        self.valid_from_date = valid_from_date
        self.renewal_date = renewal_date
        self.validity = period
        self.verification_method = verification_method
        self.document = document
        self.reissued_at = reissued_at

    # --- status -------------------------------------------------------------------------------------------

    def suspend(self, decision: Decision, cause: SuspensionCause) -> None:
        self._require_not_revoked()
        self._require_new_decision(decision.decision_id)
        if self.status is CredentialStatus.SUSPENDED:
            raise AlreadySuspendedError("the credential is suspended already")
        self._suspend(decision_id=decision.decision_id, cause=cause.value, reason=decision.reason,
                      suspended_at=decision.at, by=decision.by)

    @event(Suspended)
    def _suspend(self, decision_id: str, cause: str, reason: str, suspended_at: datetime, by: UUID | None) -> None:
        self._record_status(decision_id, CredentialStatus.SUSPENDED, reason, suspended_at)

    def unsuspend(self, decision: Decision) -> None:
        self._require_not_revoked()
        self._require_new_decision(decision.decision_id)
        if self.status is not CredentialStatus.SUSPENDED:
            raise NotSuspendedError("the credential is not suspended")
        self._unsuspend(decision_id=decision.decision_id, reason=decision.reason, unsuspended_at=decision.at,
                        by=decision.by)

    @event(Unsuspended)
    def _unsuspend(self, decision_id: str, reason: str, unsuspended_at: datetime, by: UUID | None) -> None:
        self._record_status(decision_id, CredentialStatus.ACTIVE, None, unsuspended_at)

    def revoke(self, decision: Decision) -> None:
        if self.status is CredentialStatus.REVOKED:
            raise AlreadyRevokedError("the credential is revoked already")
        self._require_new_decision(decision.decision_id)
        self._revoke(decision_id=decision.decision_id, reason=decision.reason, revoked_at=decision.at,
                     by=decision.by)

    @event(Revoked)
    def _revoke(self, decision_id: str, reason: str, revoked_at: datetime, by: UUID | None) -> None:
        self._record_status(decision_id, CredentialStatus.REVOKED, reason, revoked_at)

    def _record_status(self, decision_id: str, status: CredentialStatus, reason: str | None, at: datetime) -> None:
        self.decisions.append(decision_id)
        self.status = status
        self.status_reason = reason
        self.status_changed_at = at

    # --- expiry -------------------------------------------------------------------------------------------

    def is_due_to_expire(self, now: datetime) -> bool:
        return (self.status is not CredentialStatus.REVOKED and now >= self.validity.valid_until
                and self.expired_for != self.validity.valid_until)

    def expire(self, now: datetime) -> None:
        """Record, once per validity period, that it ended."""
        self._require_not_revoked()
        if now < self.validity.valid_until:
            raise NotDueError(f"the credential is valid until {self.validity.valid_until.isoformat()}")
        if self.expired_for == self.validity.valid_until:
            raise AlreadyExpiredError("the credential's expiry is recorded already")
        self._expire(valid_until=self.validity.valid_until, expired_at=now)

    @event(Expired)
    def _expire(self, valid_until: datetime, expired_at: datetime) -> None:
        self.expired_for = valid_until

    # --- reading ------------------------------------------------------------------------------------------

    @property
    def holder_name(self) -> str | None:
        """None once the holder was erased."""
        return self.holder.name

    @property
    def holder_email(self) -> str | None:
        """None once the holder was erased."""
        return self.holder.email

    @property
    def is_expired(self) -> bool:
        """Whether the end of the current validity period has been recorded."""
        return self.expired_for is not None and self.expired_for == self.validity.valid_until

    def has_applied(self, decision_id: str) -> bool:
        return decision_id in self.decisions

    def standing_at(self, moment: datetime) -> Standing:
        if self.status is not CredentialStatus.ACTIVE:
            return Standing(self.status.value)
        if moment < self.validity.valid_from:
            return Standing.NOT_YET_VALID
        if not self.validity.contains(moment):
            return Standing.EXPIRED
        return Standing.ACTIVE

    def _require_not_revoked(self) -> None:
        if self.status is CredentialStatus.REVOKED:
            raise CredentialRevokedError("the credential is revoked")

    def _require_new_decision(self, decision_id: str) -> None:
        if decision_id in self.decisions:
            raise DecisionAlreadyAppliedError(f"decision {decision_id} was applied to this credential already")


def _reissue_fields(reissue: Reissue) -> dict[str, Any]:
    return {
        "decision_id": reissue.decision_id, "reference": reissue.reference,
        "valid_from_date": reissue.valid_from_date, "renewal_date": reissue.renewal_date,
        "valid_from": reissue.period.valid_from, "valid_until": reissue.period.valid_until,
        "verification_method": reissue.signed.verification_method, "document": dict(reissue.signed.document),
        "reissued_at": reissue.at,
    }
