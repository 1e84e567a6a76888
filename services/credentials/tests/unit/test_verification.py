"""Verifying presented credentials: signature -> issuer -> status -> validity, and never a green result for
what was not checked. Status comes from the issuer's signed status lists as this service publishes them."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from typing import Any

from credentials.adapters.keyring import build_issuer_directory
from credentials.adapters.status_lists import StatusListPublisher
from credentials.config import TenantProfile
from credentials.domain.credential import SuspensionCause
from credentials.domain.reasons import ReasonCode
from credentials.domain.validity import validity_period
from credentials.status_check import StatusChecker
from credentials.verification import verify_presented

from .world import BASE_URL, KEY_B, TENANT, World, check, codes

ORDER = ["schema", "proof", "issuer", "status", "validity"]


def test_an_issued_credential_carries_one_status_entry_and_verifies(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    entry = credential.document["credentialStatus"]
    assert entry == {
        "id": f"{BASE_URL}/status-lists/{TENANT}/revocation#{credential.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(credential.status_index),
        "statusListCredential": f"{BASE_URL}/status-lists/{TENANT}/revocation",
    }
    result = world.verify(credential.document)
    assert result["verified"] is True, result
    assert [(c["check"], c["status"]) for c in result["checks"]] == [(name, "passed") for name in ORDER]
    assert result["errors"] == [] and result["warnings"] == []


def test_revocation_suspension_and_unsuspension_are_seen_by_verification(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    suspended, revoked, bystander = world.issue(), world.issue(), world.issue()

    world.apply(world.lifecycle.suspend(suspended, world.decision(note="membership lapsed"),
                                        SuspensionCause.COORDINATOR))
    world.apply(world.lifecycle.revoke(revoked, world.decision(note="sanctioned by a licensing board")))

    result = world.verify(suspended.document)
    assert result["verified"] is False and codes(result) == ["SUSPENDED"]
    assert [c["check"] for c in result["checks"]] == ORDER and check(result, "validity")["status"] == "passed"
    assert codes(world.verify(revoked.document)) == ["REVOKED"]
    assert world.verify(bystander.document)["verified"] is True

    world.apply(world.lifecycle.unsuspend(world.credential(suspended.id), world.decision(note="membership renewed")))
    assert world.verify(suspended.document)["verified"] is True

    world.apply(world.lifecycle.suspend(world.credential(suspended.id), world.decision(ReasonCode.LAPSE),
                                        SuspensionCause.LAPSE))
    world.apply(world.lifecycle.revoke(world.credential(suspended.id), world.decision()))
    assert codes(world.verify(suspended.document)) == ["REVOKED"]  # revocation is read first


def test_a_bad_signature_stops_every_later_check(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.revoke(credential, world.decision()))
    tampered = copy.deepcopy(credential.document)
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    result = world.verify(tampered)
    assert codes(result) == ["INVALID_SIGNATURE"]
    assert [check(result, name)["status"] for name in ("issuer", "status", "validity")] == ["skipped"] * 3


def test_a_credential_of_an_unknown_issuer_has_no_status_checked(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    document = copy.deepcopy(world.issue().document)
    document["issuer"]["id"] = "did:web:evil.example:tenants:itmhca"
    result = world.verify(document)
    assert result["verified"] is False and codes(result) == ["UNKNOWN_ISSUER"]
    assert check(result, "status")["status"] == "skipped"


def test_expiry_is_checked_after_status_and_at_the_exact_instant(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.now = credential.validity.valid_until - timedelta(microseconds=1)
    assert world.verify(credential.document)["verified"] is True
    world.now = credential.validity.valid_until
    result = world.verify(credential.document)
    assert codes(result) == ["EXPIRED"] and check(result, "status")["status"] == "passed"
    world.apply(world.lifecycle.revoke(credential, world.decision()))
    assert codes(world.verify(credential.document)) == ["REVOKED", "EXPIRED"]
    world.now = credential.validity.valid_from - timedelta(seconds=1)
    assert "NOT_YET_VALID" in codes(world.verify(credential.document))


def signed_with_status(world: World, status: dict[str, Any] | None) -> dict[str, Any]:
    """A properly signed credential of the tenant whose status entry is `status` (None: no entry)."""
    grant = world.grant()
    tenant = world.tenants[TENANT]
    period = validity_period(grant.effective_date, grant.renewal_date, tenant.timezone)
    signed = world.app.signer.sign(tenant, uuid.uuid4(), grant, period, world.now, credential_status=status)
    return dict(signed.document)


def unavailable(world: World, document: dict[str, Any]) -> str:
    result = world.verify(document)
    assert result["verified"] is False and codes(result) == ["STATUS_UNAVAILABLE"], result
    assert check(result, "proof")["status"] == "passed"
    return str(check(result, "status")["detail"])


def test_a_status_that_cannot_be_checked_is_never_green(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    ours = world.issue().document["credentialStatus"]
    elsewhere = {**ours, "statusListCredential": "https://elsewhere.example/status/1",
                 "id": "https://elsewhere.example/status/1#5"}
    other_tenant = {**ours, "statusListCredential": f"{BASE_URL}/status-lists/nmaimh/revocation"}
    wrong_purpose = {**ours, "statusPurpose": "suspension"}

    assert "names no status entry" in unavailable(world, signed_with_status(world, None))
    assert "not a status list published by this service" in unavailable(world, signed_with_status(world, elsewhere))
    assert "issuer" in unavailable(world, signed_with_status(world, other_tenant))
    assert "purpose" in unavailable(world, signed_with_status(world, wrong_purpose))
    beyond = {**ours, "statusListIndex": "999999999"}
    assert "beyond" in unavailable(world, signed_with_status(world, beyond))


def test_a_status_list_whose_proof_does_not_verify_gives_no_status(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    forged_lists = StatusListPublisher(world.app, build_issuer_directory(tenants, {TENANT: [KEY_B.seed.hex()]},
                                                                         BASE_URL))
    checker = StatusChecker(forged_lists, world.issuers, BASE_URL)  # the lists are signed by a key not listed
    result = verify_presented(credential.document, {}, issuer_resolver=world.issuers.resolve, status_check=checker,
                              clock=lambda: world.now)
    assert codes(result) == ["STATUS_UNAVAILABLE"]
    assert "proof" in check(result, "status")["detail"]


def test_unsupported_options_are_ignored_with_a_warning(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    document = world.issue().document
    result = verify_presented(document, {"challenge": "abc"}, issuer_resolver=world.issuers.resolve,
                              status_check=world.checker, clock=lambda: world.now)
    assert result["verified"] is True
    assert {"code": "OPTION_IGNORED", "option": "challenge"}.items() <= result["warnings"][-1].items()
