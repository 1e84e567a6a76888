"""What the signer produces for a grant: an Open Badge in the tenant's words, verifiable by anyone."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from credentials.adapters.keyring import IssuerDirectory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.config import TenantProfile
from credentials.domain.credential import credential_id_for
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import validity_period
from credentials.translation import SOURCE, translate
from credentials.vc.ob3_schema import open_badge_problems
from credentials.vc.openbadge import identity_hash
from credentials.vc.verifier import verify_credential
from servicekit.testing_keys import MemoryKeys

from .conftest import NEW_KEY

SIGNED_AT = datetime(2025, 3, 2, 10, 30, 15, 123456, tzinfo=UTC)
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def signed(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> dict[str, Any]:
    tenant = tenants["itmhca"]
    period = validity_period(endorsement_grant.effective_date, endorsement_grant.renewal_date, tenant.timezone)
    credential_id = credential_id_for(endorsement_grant.endorsement_id)
    result = OpenBadgeSigner(issuers).sign(tenant, credential_id, endorsement_grant, period, SIGNED_AT)
    assert result.verification_method == result.document["proof"]["verificationMethod"]
    return dict(result.document)


def test_the_document_speaks_in_the_tenants_words(signed: dict[str, Any], tenants: dict[str, TenantProfile]) -> None:
    itmhca = tenants["itmhca"]
    assert open_badge_problems(signed) == []
    assert signed["name"] == "Infant Mental Health Mentor - Clinical Endorsement® (IMH-E®)"
    assert signed["issuer"]["name"] == itmhca.issuer_name
    assert signed["validFrom"] == signed["awardedDate"] == "2025-03-01T07:00:00Z"
    assert signed["validUntil"] == "2026-12-16T07:00:00Z"
    assert signed["proof"]["created"] == "2025-03-02T10:30:15Z"
    achievement = signed["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["humanCode"] == "IMHM-C"
    assert achievement["description"] == f"{itmhca.description} Designation: Clinical."
    assert achievement["criteria"] == {"narrative": itmhca.criteria}


def test_the_holder_is_identified_by_a_salted_hash_only(signed: dict[str, Any]) -> None:
    [identifier] = signed["credentialSubject"]["identifier"]
    assert identifier["identityHash"] == identity_hash("ana.nunez@example.org", identifier["salt"])
    assert "nunez@example.org" not in json.dumps(signed).lower()
    assert "name" not in signed["credentialSubject"]  # no name: partners keep what they get, erasure cannot reach it
    assert "núñez" not in json.dumps(signed, ensure_ascii=False).lower()


def test_the_document_verifies_with_the_published_keys_and_independently(
    signed: dict[str, Any], issuers: IssuerDirectory, independent_verifier: Any
) -> None:
    result = verify_credential(signed, issuer_resolver=issuers.resolve, now=NOW)
    assert result.verified, result.as_dict()
    assert independent_verifier(json.loads(json.dumps(signed)), NEW_KEY.public_key_multibase)


def test_the_partner_event_carries_the_signed_credential_but_no_private_data(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    from credentials.application import CredentialsApplication

    app = CredentialsApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        tenants=tenants, signer=OpenBadgeSigner(issuers), public_base_url="https://v.example/", keys=MemoryKeys(),
        clock=lambda: SIGNED_AT,
    )
    credential = app.issue(endorsement_grant)
    assert credential is not None
    app.save(credential)
    [event] = app.events.get(credential.id)  # as the outbox relay reads it back
    issued = translate(event)

    assert issued is not None
    assert issued.key == str(credential.id)
    assert issued.credential_id == credential.id
    assert issued.endorsement_id == endorsement_grant.endorsement_id
    assert issued.category == "IMHM-C"
    assert (issued.valid_from, issued.valid_until) == (endorsement_grant.effective_date, endorsement_grant.renewal_date)
    assert issued.verification_url == f"https://v.example/credentials/{credential.id}"
    assert issued.occurred_at == SIGNED_AT
    assert issued.credential == credential.document
    published = issued.model_dump_json().lower()
    assert "nunez@example.org" not in published
    assert str(endorsement_grant.holder.account_id) not in published
    assert SOURCE == "/services/credentials"
    assert app.issue(endorsement_grant) is None  # the endorsement already has its credential
