"""Verifying presented credentials: every check named, and no green for what was not checked."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from credentials.adapters.keyring import IssuerDirectory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.config import TenantProfile
from credentials.domain.credential import credential_id_for
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import validity_period
from credentials.verification import STATUS_NOT_CHECKED, verify_presented

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def credential(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> dict[str, Any]:
    tenant = tenants["itmhca"]
    period = validity_period(endorsement_grant.effective_date, endorsement_grant.renewal_date, tenant.timezone)
    signed = OpenBadgeSigner(issuers).sign(
        tenant, credential_id_for(endorsement_grant.endorsement_id), endorsement_grant, period, NOW
    )
    return copy.deepcopy(dict(signed.document))


def verify(credential: dict[str, Any], issuers: IssuerDirectory, options: dict[str, Any] | None = None) -> Any:
    return verify_presented(credential, options or {}, issuer_resolver=issuers.resolve, clock=lambda: NOW)


def test_an_issued_credential_verifies_and_the_status_check_is_skipped(
    credential: dict[str, Any], issuers: IssuerDirectory
) -> None:
    result = verify(credential, issuers)
    assert result["verified"] is True
    assert [(c["check"], c["status"]) for c in result["checks"]] == [
        ("schema", "passed"), ("proof", "passed"), ("issuer", "passed"), ("validity", "passed"), ("status", "skipped")
    ]
    assert result["checks"][-1]["detail"] == STATUS_NOT_CHECKED
    assert result["errors"] == []
    assert result["warnings"] == [{"code": "STATUS_NOT_CHECKED", "check": "status", "detail": STATUS_NOT_CHECKED}]


def test_a_credential_naming_a_status_entry_does_not_verify_because_it_cannot_be_checked(
    credential: dict[str, Any], issuers: IssuerDirectory
) -> None:
    credential["credentialStatus"] = {"id": "urn:status:1"}  # the signature breaks too, but status is named
    result = verify(credential, issuers)
    assert result["verified"] is False
    assert result["checks"][-1]["status"] == "failed"
    assert {"code": "STATUS_NOT_CHECKED", "check": "status"}.items() <= result["errors"][-1].items()


def test_a_tampered_credential_names_the_failing_check(credential: dict[str, Any], issuers: IssuerDirectory) -> None:
    credential["validUntil"] = "2099-01-01T00:00:00Z"
    result = verify(credential, issuers)
    assert result["verified"] is False
    assert result["errors"] == [
        {"code": "INVALID_SIGNATURE", "check": "proof", "detail": "signature does not match the document"}
    ]
    assert {w["check"] for w in result["warnings"]} == {"issuer", "validity", "status"}


def test_unsupported_options_are_ignored_with_a_warning(credential: dict[str, Any], issuers: IssuerDirectory) -> None:
    result = verify(credential, issuers, {"challenge": "abc"})
    assert result["verified"] is True
    assert {"code": "OPTION_IGNORED", "option": "challenge"}.items() <= result["warnings"][-1].items()
