"""A credential's life: renewal and reinstatement re-issue it under the same id; suspension is reversible,
revocation is final, expiry is recorded once per validity period; each decision applies once."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from credentials.config import TenantProfile
from credentials.domain.credential import Credential, CredentialStatus, Standing, SuspensionCause
from credentials.domain.errors import (
    AlreadyExpiredError,
    AlreadyRevokedError,
    AlreadySuspendedError,
    ConcurrentChangeError,
    CredentialError,
    CredentialNotFoundError,
    CredentialRevokedError,
    DecisionAlreadyAppliedError,
    InvalidReasonError,
    InvalidReissueError,
    NotDueError,
    NotSuspendedError,
)
from credentials.domain.reasons import ReasonCode
from credentials.domain.status_list import StatusPurpose
from credentials.entrypoints.api import REFUSALS
from credentials.lifecycle import ON_CONFLICT, ReissueTerms

from .world import KEY_A, TENANT, World

RENEWAL = ReissueTerms("renewal-2026", date(2025, 12, 10), date(2026, 12, 31))


def test_a_renewal_reissues_the_same_credential_with_a_later_period_and_the_original_award_date(
    tenants: dict[str, TenantProfile], independent_verifier: Any
) -> None:
    world = World(tenants)
    credential = world.issue()
    before = credential.document
    world.later(days=1)

    world.apply(world.lifecycle.renew(credential, RENEWAL, "decision-1"))

    renewed = world.credential(credential.id)
    after = renewed.document
    assert after["id"] == before["id"] == credential.id.urn
    assert after["validFrom"] == "2025-12-10T07:00:00Z" > before["validFrom"]  # Phoenix midnight, in UTC
    assert after["validUntil"] == "2027-01-01T07:00:00Z"
    assert after["awardedDate"] == before["awardedDate"] == "2025-01-01T07:00:00Z"
    assert after["credentialStatus"] == before["credentialStatus"]
    assert after["proof"]["created"] != before["proof"]["created"]
    assert (renewed.valid_from_date, renewed.renewal_date) == (date(2025, 12, 10), date(2026, 12, 31))
    assert renewed.effective_date == date(2025, 1, 1)  # the endorsement's own date is kept
    world.now = renewed.validity.valid_from + timedelta(days=1)
    assert world.verify(after)["verified"] is True
    assert independent_verifier(json.loads(json.dumps(after)), KEY_A.public_key_multibase)


@pytest.mark.parametrize(
    ("terms", "error"),
    [
        (ReissueTerms("r", date(2024, 12, 1), date(2026, 12, 31)), InvalidReissueError),  # not from a later day
        (ReissueTerms("r", date(2025, 6, 1), date(2025, 12, 31)), InvalidReissueError),  # not until a later day
    ],
)
def test_a_reissue_must_move_the_period_forward(
    tenants: dict[str, TenantProfile], terms: ReissueTerms, error: type[Exception]
) -> None:
    world = World(tenants)
    credential = world.issue()
    with pytest.raises(error):
        world.lifecycle.renew(credential, terms, "decision-1")
    assert not credential.pending_events


def test_each_renewal_and_each_decision_applies_once(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.renew(credential, RENEWAL, "decision-1"))
    credential = world.credential(credential.id)
    with pytest.raises(DecisionAlreadyAppliedError):
        world.lifecycle.renew(credential, ReissueTerms("another", date(2026, 1, 2), date(2027, 12, 31)), "decision-1")
    with pytest.raises(DecisionAlreadyAppliedError):
        world.lifecycle.renew(credential, ReissueTerms(RENEWAL.reference, date(2026, 1, 2), date(2027, 12, 31)), "d2")
    decision = world.decision()
    world.apply(world.lifecycle.suspend(credential, decision, SuspensionCause.COORDINATOR))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.unsuspend(credential, world.decision()))
    credential = world.credential(credential.id)
    with pytest.raises(DecisionAlreadyAppliedError):
        credential.suspend(decision, SuspensionCause.COORDINATOR)  # the same decision again: not a new suspension


def test_suspension_is_reversible_and_guarded(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    with pytest.raises(NotSuspendedError):
        credential.unsuspend(world.decision())
    suspension = world.decision(ReasonCode.PAYMENT, note="membership lapsed")
    world.apply(world.lifecycle.suspend(credential, suspension, SuspensionCause.COORDINATOR))
    credential = world.credential(credential.id)
    assert credential.status is CredentialStatus.SUSPENDED and credential.status_reason_code is ReasonCode.PAYMENT
    assert credential.status_reason == "A payment to the association is outstanding"
    assert credential.status_note == "membership lapsed"
    assert credential.standing_at(world.now) is Standing.SUSPENDED
    with pytest.raises(AlreadySuspendedError):
        credential.suspend(world.decision(ReasonCode.LAPSE), SuspensionCause.LAPSE)
    world.apply(world.lifecycle.unsuspend(credential, world.decision(ReasonCode.PAYMENT_RECEIVED, "renewed")))
    credential = world.credential(credential.id)
    assert credential.status is CredentialStatus.ACTIVE and credential.status_reason is None
    assert credential.status_reason_code is None and credential.status_note is None
    assert [(c.change, c.reason_code, c.note) for c in credential.status_history] == [
        ("suspended", ReasonCode.PAYMENT, "membership lapsed"), ("unsuspended", ReasonCode.PAYMENT_RECEIVED, "renewed")]
    suspension = world.app.get_status_list(TENANT, StatusPurpose.SUSPENSION)
    assert suspension is not None and credential.status_index is not None
    assert not suspension.is_set(credential.status_index) and suspension.revision == 2


def test_revocation_is_final(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.revoke(credential, world.decision(ReasonCode.ETHICS_VIOLATION, "sanctioned")))
    credential = world.credential(credential.id)
    assert credential.status is CredentialStatus.REVOKED
    assert (credential.status_reason_code, credential.status_note) == (ReasonCode.ETHICS_VIOLATION, "sanctioned")
    with pytest.raises(AlreadyRevokedError):
        credential.revoke(world.decision())
    for attempt in (
        lambda: credential.suspend(world.decision(), SuspensionCause.COORDINATOR),
        lambda: credential.unsuspend(world.decision()),
        lambda: world.lifecycle.renew(credential, RENEWAL, "decision-9"),
        lambda: world.lifecycle.reinstate(credential, RENEWAL, "decision-9"),
        lambda: credential.expire(credential.validity.valid_until),
    ):
        with pytest.raises(CredentialRevokedError):
            attempt()
    revocation = world.app.get_status_list(TENANT, StatusPurpose.REVOCATION)
    assert revocation is not None and revocation.is_set(credential.status_index)  # type: ignore[arg-type]


def test_a_lapse_suspends_and_a_reinstatement_reissues_and_lifts_it(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.suspend(credential, world.decision(ReasonCode.LAPSE), SuspensionCause.LAPSE))
    lapsed = world.credential(credential.id)
    assert world.verify(lapsed.document)["errors"][0]["code"] == "SUSPENDED"

    terms = ReissueTerms("reinstatement-1", date(2026, 3, 1), date(2026, 12, 31))
    world.now = world.now.replace(year=2026, month=3, day=2)
    world.apply(world.lifecycle.reinstate(lapsed, terms, "decision-r"))

    reinstated = world.credential(credential.id)
    assert reinstated.status is CredentialStatus.ACTIVE
    assert reinstated.document["validFrom"] == "2026-03-01T07:00:00Z"
    assert reinstated.document["awardedDate"] == credential.document["awardedDate"]
    assert world.verify(reinstated.document)["verified"] is True


def test_expiry_is_recorded_once_per_validity_period(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    end = credential.validity.valid_until
    assert not credential.is_due_to_expire(end - timedelta(microseconds=1))
    with pytest.raises(NotDueError):
        credential.expire(end - timedelta(microseconds=1))
    assert credential.is_due_to_expire(end)

    world.now = end
    world.apply(world.lifecycle.expire_if_due(credential))
    expired = world.credential(credential.id)
    assert expired.is_expired and world.lifecycle.expire_if_due(expired) == []
    with pytest.raises(AlreadyExpiredError):
        expired.expire(end + timedelta(days=1))
    assert [type(e) for e in world.stored_events() if isinstance(e, Credential.Expired)] == [Credential.Expired]

    world.apply(world.lifecycle.renew(expired, RENEWAL, "late-renewal"))  # renewed in the grace period
    renewed = world.credential(credential.id)
    assert not renewed.is_expired and not renewed.is_due_to_expire(world.now)
    assert renewed.is_due_to_expire(renewed.validity.valid_until)


def test_credentials_issued_before_status_lists_still_have_a_life() -> None:
    state: dict[str, Any] = {"tenant": TENANT}
    Credential.Issued.upcast_v1_v2(state)
    assert state == {"tenant": TENANT, "status_index": None}


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("suspend", ReasonCode.ETHICS_VIOLATION),
        ("suspend", ReasonCode.LAPSE),  # a coordinator's suspension is never a lapse
        ("suspend", ReasonCode.INVESTIGATION_CLOSED),
        ("revoke", ReasonCode.PAYMENT),
        ("revoke", ReasonCode.LAPSE),
    ],
)
def test_a_reason_code_of_another_action_is_refused(tenants: dict[str, TenantProfile], action: str,
                                                     code: ReasonCode) -> None:
    world = World(tenants)
    credential = world.issue()
    with pytest.raises(InvalidReasonError):
        if action == "suspend":
            credential.suspend(world.decision(code), SuspensionCause.COORDINATOR)
        else:
            credential.revoke(world.decision(code))


def test_a_lapse_has_its_own_code_and_only_a_reissue_ends_it(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    with pytest.raises(InvalidReasonError):
        credential.suspend(world.decision(ReasonCode.PAYMENT), SuspensionCause.LAPSE)
    world.apply(world.lifecycle.suspend(credential, world.decision(ReasonCode.LAPSE), SuspensionCause.LAPSE))
    with pytest.raises(InvalidReasonError):
        world.credential(credential.id).unsuspend(world.decision(ReasonCode.REINSTATED_AFTER_LAPSE))


def test_a_change_that_met_another_writer_decides_again_on_the_state_it_left(
        tenants: dict[str, TenantProfile], monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(tenants)
    credential = world.issue()
    read_before = credential.version
    world.apply(world.lifecycle.suspend(world.credential(credential.id), world.decision(ReasonCode.PAYMENT),
                                        SuspensionCause.COORDINATOR))  # another coordinator saves first
    fresh = world.app.get_credential
    reads = iter([world.app.repository.get(credential.id, version=read_before)])
    monkeypatch.setattr(world.app, "get_credential", lambda credential_id: next(reads, None) or fresh(credential_id))
    decision = world.decision(ReasonCode.ADMINISTRATIVE)

    with pytest.raises(AlreadySuspendedError):
        world.lifecycle.save_with_retries(credential.id, lambda c: world.lifecycle.suspend(
            c, decision, SuspensionCause.COORDINATOR))
    assert world.credential(credential.id).status_reason_code is ReasonCode.PAYMENT


def test_a_change_that_meets_another_writer_every_time_is_refused_with_409(
        tenants: dict[str, TenantProfile], monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(tenants)
    credential = world.issue()
    read_before = credential.version
    world.apply(world.lifecycle.suspend(world.credential(credential.id), world.decision(ReasonCode.PAYMENT),
                                        SuspensionCause.COORDINATOR))
    loads: list[int] = []

    def stale(credential_id: uuid.UUID) -> Credential:
        loads.append(read_before)
        old: Credential = world.app.repository.get(credential_id, version=read_before)
        return old

    monkeypatch.setattr(world.app, "get_credential", stale)
    decision = world.decision(ReasonCode.ADMINISTRATIVE)
    with pytest.raises(ConcurrentChangeError) as refused:
        world.lifecycle.save_with_retries(credential.id, lambda c: world.lifecycle.suspend(
            c, decision, SuspensionCause.COORDINATOR))

    assert (len(loads), refused.value.code) == (ON_CONFLICT.attempts, "CONCURRENT_CHANGE")
    problem = REFUSALS.problem(refused.value)
    assert (problem.status, problem.code) == (409, "CONCURRENT_CHANGE")


@pytest.mark.parametrize(("error", "status", "title"), [
    (CredentialNotFoundError("x"), 404, "Credential not found"),
    (AlreadyRevokedError("x"), 409, "Credential status unchanged"),
    (AlreadySuspendedError("x"), 409, "Credential status unchanged"),
    (NotSuspendedError("x"), 409, "Credential status unchanged"),
    (CredentialRevokedError("x"), 409, "Credential status unchanged"),
    (InvalidReasonError("x"), 409, "Credential status unchanged"),
    (DecisionAlreadyAppliedError("x"), 409, "Credential status unchanged"),
    (ConcurrentChangeError("x"), 409, "Conflict"),
])
def test_the_coordinators_refusals_keep_their_status(error: CredentialError, status: int, title: str) -> None:
    problem = REFUSALS.problem(error)

    assert (problem.status, problem.title, problem.code, problem.detail) == (status, title, error.code, "x")
