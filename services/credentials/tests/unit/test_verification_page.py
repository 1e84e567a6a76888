"""The HTML page behind a verification link: what was recorded, escaped, without scripts."""

import dataclasses
from datetime import UTC, datetime, timedelta

from credentials.adapters.keyring import IssuerDirectory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.application import CredentialsApplication
from credentials.config import TenantProfile
from credentials.domain.credential import Credential
from credentials.domain.grant import EndorsementGrant
from credentials.entrypoints.verification_page import render_verification_page
from servicekit.testing_keys import MemoryKeys


def issue(tenants: dict[str, TenantProfile], issuers: IssuerDirectory, grant: EndorsementGrant) -> Credential:
    app = CredentialsApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, tenants=tenants,
                                 signer=OpenBadgeSigner(issuers), public_base_url="https://v.example",
                                 keys=MemoryKeys())
    credential = app.issue(grant)
    assert credential is not None
    return credential


def test_the_page_shows_the_record_with_everything_escaped(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    holder = dataclasses.replace(endorsement_grant.holder, name='<script>alert("x")</script> Ana')
    credential = issue(tenants, issuers, dataclasses.replace(endorsement_grant, holder=holder))

    page = render_verification_page(credential, credential.validity.valid_from + timedelta(days=1))

    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ana" in page
    assert "Status: <strong>Active</strong>" in page
    for shown in ("Infant Toddler Mental Health Coalition of Arizona", "IMHM-C", "Clinical", "2025-03-01",
                  "2026-12-15", credential.document["id"], credential.document["issuer"]["id"]):
        assert shown in page
    assert "Ana.Nunez@Example.org" not in page


def test_the_page_says_when_a_credential_is_not_valid_now(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    credential = issue(tenants, issuers, endorsement_grant)
    before = render_verification_page(credential, datetime(2025, 1, 1, tzinfo=UTC))
    after = render_verification_page(credential, credential.validity.valid_until)
    assert "Status: <strong>Not yet valid</strong>" in before
    assert "Status: <strong>Expired</strong>" in after
