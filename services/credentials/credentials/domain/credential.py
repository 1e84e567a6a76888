"""The Credential aggregate: one signed Open Badge per granted endorsement, and what became of it.

Its id is derived from the endorsement, so a grant delivered again (or republished) finds the credential
already there. Signing happens outside the domain; the aggregate records each signed document and checks
that it asserts what is recorded. A renewal or reinstatement re-issues the document under the same id with
a later validity period and the original award date. Revocation is final. Every decision carries an id
(the upstream event's id, or a new one for a coordinator's action): applying it twice is refused.

A status change records why as a `ReasonCode` (the only reason partners see) and, from a coordinator, an optional
`StaffNote` sealed under the holder (see `credentials.domain.reasons`). Changes recorded before codes existed
held free text: they are read with a code derived from them, and their text is kept as staff saw it
(`legacy_reason`), never published again.
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
    InvalidReasonError,
    InvalidReissueError,
    NotDueError,
    NotSuspendedError,
)
from credentials.domain.grant import EndorsementGrant, Holder, account_subject
from credentials.domain.reasons import (
    REVOCATION_CODES,
    SUSPENSION_CODES,
    UNSUSPENSION_CODES,
    ReasonCode,
    StaffNote,
    legacy_revocation_code,
    wording,
)
from credentials.domain.validity import ValidityPeriod

__all__ = ["Credential", "CredentialStatus", "Decision", "Reissue", "SignedCredential", "Standing", "StatusChange",
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
    """A change of status: the id that makes it happen once, why (a code), when, by whom (None: upstream), and a
    coordinator's note (kept sealed under the holder, for staff only; None: no note)."""

    decision_id: str
    reason_code: ReasonCode
    at: datetime
    by: UUID | None = None
    note: str | None = None


@dataclass(frozen=True)
class StatusChange:
    """One entry of a credential's status history, as staff see it: `change` is `suspended`, `unsuspended`,
    `reinstated` (re-issued after a lapse) or `revoked`; `note` is None when there was none or the holder was
    erased."""

    change: str
    reason_code: ReasonCode
    note: str | None
    at: datetime
    by: UUID | None


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

        def apply(self, aggregate: Any) -> None:
            aggregate._apply_reissue(self)

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

        def apply(self, aggregate: Any) -> None:
            aggregate._apply_reissue(self)
            aggregate.status = CredentialStatus.ACTIVE
            aggregate.status_reason_code = None
            aggregate.status_note = None
            aggregate.status_changed_at = self.reissued_at
            aggregate.status_history.append(StatusChange("reinstated", ReasonCode.REINSTATED_AFTER_LAPSE, None,
                                                          self.reissued_at, None))

    class Suspended(Aggregate.Event):
        class_version = 2
        decision_id: str
        cause: str
        reason_code: str
        note: StaffNote | None
        legacy_reason: str | None
        """The free text recorded before codes (version 1), as stored then; None since."""
        suspended_at: datetime
        by: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 recorded a free-text `reason`: a lapse keeps its code, a coordinator's is `other`."""
            lapse = state["cause"] == SuspensionCause.LAPSE.value
            _legacy(state, ReasonCode.LAPSE if lapse else ReasonCode.OTHER)

        def apply(self, aggregate: Any) -> None:
            aggregate._record_status(self.decision_id, CredentialStatus.SUSPENDED,
                                     StatusChange("suspended", ReasonCode(self.reason_code),
                                                  _text(self.note, self.legacy_reason), self.suspended_at, self.by))

    class Unsuspended(Aggregate.Event):
        class_version = 2
        decision_id: str
        reason_code: str
        note: StaffNote | None
        legacy_reason: str | None
        unsuspended_at: datetime
        by: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 recorded a coordinator's free-text `reason`."""
            _legacy(state, ReasonCode.OTHER)

        def apply(self, aggregate: Any) -> None:
            aggregate._record_status(self.decision_id, CredentialStatus.ACTIVE,
                                     StatusChange("unsuspended", ReasonCode(self.reason_code),
                                                  _text(self.note, self.legacy_reason), self.unsuspended_at, self.by))

    class Revoked(Aggregate.Event):
        class_version = 2
        decision_id: str
        reason_code: str
        note: StaffNote | None
        legacy_reason: str | None
        revoked_at: datetime
        by: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 recorded a free-text `reason`, a coordinator's or the one opened from reviews."""
            _legacy(state, legacy_revocation_code(state["reason"], state["decision_id"]))

        def apply(self, aggregate: Any) -> None:
            aggregate._record_status(self.decision_id, CredentialStatus.REVOKED,
                                     StatusChange("revoked", ReasonCode(self.reason_code),
                                                  _text(self.note, self.legacy_reason), self.revoked_at, self.by))

    class Expired(Aggregate.Event):
        valid_until: datetime
        expired_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.expired_for = self.valid_until

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
        self.status_reason_code: ReasonCode | None = None
        """Why the credential is suspended or revoked (None while active)."""
        self.status_note: str | None = None
        """The coordinator's note on that change (staff only; None: none, or the holder was erased)."""
        self.status_changed_at: datetime | None = None
        self.status_history: list[StatusChange] = []
        self.expired_for: datetime | None = None
        """The validUntil for which the expiry was recorded; a re-issue starts a new period."""
        self.decisions: list[str] = []
        self.references: list[str] = []

    # --- re-issue -----------------------------------------------------------------------------------------

    def renew(self, reissue: Reissue) -> None:
        """Re-issue for a renewal; a suspension stays as it is."""
        self._check_reissue(reissue)
        self.trigger_event(self.Renewed, **_reissue_fields(reissue))

    def reinstate(self, reissue: Reissue) -> None:
        """Re-issue after a lapse; the credential is no longer suspended."""
        self._check_reissue(reissue)
        self.trigger_event(self.Reinstated, **_reissue_fields(reissue))

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

    def _apply_reissue(self, reissued: "Credential.Renewed | Credential.Reinstated") -> None:
        """What a renewal and a reinstatement both record."""
        self.decisions.append(reissued.decision_id)
        self.references.append(reissued.reference)
        self.valid_from_date = reissued.valid_from_date
        self.renewal_date = reissued.renewal_date
        self.validity = ValidityPeriod(reissued.valid_from, reissued.valid_until)
        self.verification_method = reissued.verification_method
        self.document = reissued.document
        self.reissued_at = reissued.reissued_at

    # --- status -------------------------------------------------------------------------------------------

    def suspend(self, decision: Decision, cause: SuspensionCause) -> None:
        """Suspend for a suspension code; `lapse` if and only if the cause is the endorsement's lapse."""
        self._require_not_revoked()
        self._require_new_decision(decision.decision_id)
        if self.status is CredentialStatus.SUSPENDED:
            raise AlreadySuspendedError("the credential is suspended already")
        _require_code(decision, SUSPENSION_CODES, "a suspension")
        if (cause is SuspensionCause.LAPSE) != (decision.reason_code is ReasonCode.LAPSE):
            raise InvalidReasonError("the reason `lapse` is the cause `lapse`, and only that")
        self.trigger_event(self.Suspended, decision_id=decision.decision_id, cause=cause.value,
                           reason_code=decision.reason_code.value, note=self._note(decision), legacy_reason=None,
                           suspended_at=decision.at, by=decision.by)

    def unsuspend(self, decision: Decision) -> None:
        self._require_not_revoked()
        self._require_new_decision(decision.decision_id)
        if self.status is not CredentialStatus.SUSPENDED:
            raise NotSuspendedError("the credential is not suspended")
        _require_code(decision, UNSUSPENSION_CODES, "lifting a suspension")
        self.trigger_event(self.Unsuspended, decision_id=decision.decision_id, reason_code=decision.reason_code.value,
                           note=self._note(decision), legacy_reason=None, unsuspended_at=decision.at, by=decision.by)

    def revoke(self, decision: Decision) -> None:
        if self.status is CredentialStatus.REVOKED:
            raise AlreadyRevokedError("the credential is revoked already")
        self._require_new_decision(decision.decision_id)
        _require_code(decision, REVOCATION_CODES, "a revocation")
        self.trigger_event(self.Revoked, decision_id=decision.decision_id, reason_code=decision.reason_code.value,
                           note=self._note(decision), legacy_reason=None, revoked_at=decision.at, by=decision.by)

    def _note(self, decision: Decision) -> StaffNote | None:
        """The decision's note, to be sealed under the holder; none for an erased holder (nothing is sealed for
        them any more)."""
        if decision.note is None or self.holder.erased:
            return None
        return StaffNote(self.holder.subject, decision.note)

    def _record_status(self, decision_id: str, status: CredentialStatus, change: StatusChange) -> None:
        self.decisions.append(decision_id)
        self.status = status
        active = status is CredentialStatus.ACTIVE  # an active credential has no reason to show
        self.status_reason_code = None if active else change.reason_code
        self.status_note = None if active else change.note
        self.status_changed_at = change.at
        self.status_history.append(change)

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
        self.trigger_event(self.Expired, valid_until=self.validity.valid_until, expired_at=now)

    # --- reading ------------------------------------------------------------------------------------------

    @property
    def status_reason(self) -> str | None:
        """The fixed wording of why the credential is suspended or revoked (None while active)."""
        return None if self.status_reason_code is None else wording(self.status_reason_code)

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


def _require_code(decision: Decision, allowed: frozenset[ReasonCode], action: str) -> None:
    if decision.reason_code not in allowed:
        raise InvalidReasonError(f"{decision.reason_code.value!r} is not a reason for {action}")


def _text(note: StaffNote | None, legacy_reason: str | None) -> str | None:
    return note.text if note is not None else legacy_reason


def _legacy(state: dict[str, Any], code: ReasonCode) -> None:
    """A version 1 status event: its free-text `reason` becomes `code`, the text kept as staff saw it."""
    state["legacy_reason"] = state.pop("reason")
    state["reason_code"] = code.value
    state["note"] = None


def _reissue_fields(reissue: Reissue) -> dict[str, Any]:
    return {
        "decision_id": reissue.decision_id, "reference": reissue.reference,
        "valid_from_date": reissue.valid_from_date, "renewal_date": reissue.renewal_date,
        "valid_from": reissue.period.valid_from, "valid_until": reissue.period.valid_until,
        "verification_method": reissue.signed.verification_method, "document": dict(reissue.signed.document),
        "reissued_at": reissue.at,
    }
