"""The HTTP API on a running service: DID documents, credentials as JSON and HTML, verification, look-ups."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from credentials.domain.credential import Credential
from credentials.entrypoints.consumer import grant_from
from credentials.public.i18n import long_date

from .conftest import NEW_KEY, OLD_KEY, TENANT, Running, eventually, grant

PROBLEM = "application/problem+json"


def issue(running: Running, **changes: Any) -> Credential:
    """Issue and save a credential straight through the application (no broker needed here)."""
    credential = running.service.app.issue(grant_from(grant(**changes)))  # type: ignore[attr-defined]
    assert credential is not None
    running.service.app.save(credential)
    return credential


async def verify(running: Running, body: Any) -> Any:
    return await running.client.post("/credentials/verify", json=body)


async def test_the_did_document_lists_every_configured_key_and_the_newest_signs(running_service: Running) -> None:
    response = await running_service.client.get(f"/tenants/{TENANT}/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["id"] == f"did:web:verify.example.org:tenants:{TENANT}"
    keys = [method["publicKeyMultibase"] for method in document["verificationMethod"]]
    assert keys == [NEW_KEY.public_key_multibase, OLD_KEY.public_key_multibase]
    assert document["assertionMethod"] == [f"{document['id']}#{key}" for key in keys]
    credential = issue(running_service)
    assert credential.document["proof"]["verificationMethod"] == f"{document['id']}#{NEW_KEY.public_key_multibase}"

    asked = {"accept": "application/did+json"}
    did_json = await running_service.client.get(f"/tenants/{TENANT}/did.json", headers=asked)
    assert did_json.headers["content-type"].startswith("application/did+json")


async def test_the_service_reports_itself_healthy(running_service: Running) -> None:
    await running_service.relayed()  # the credential the test above issued is out: the count holds still
    response = await running_service.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["relay:outbox"] == {"published": running_service.service.relays[0].published}


async def test_an_unknown_tenant_has_no_did_document(running_service: Running) -> None:
    response = await running_service.client.get("/tenants/nowhere/did.json")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "TENANT_NOT_FOUND"


async def test_a_credential_is_served_as_json_and_as_a_page_for_people(running_service: Running) -> None:
    credential = issue(running_service, name="Zoë <b>O'Brien</b> & co")
    url = f"/credentials/{credential.id}"

    as_json = await running_service.client.get(url)
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.json() == credential.document

    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = await running_service.client.get(url, headers={"accept": browser})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert "Zoë &lt;b&gt;O&#x27;Brien&lt;/b&gt; &amp; co" in html
    assert "<b>" not in html and "<script" not in html
    assert "Infant Toddler Mental Health Coalition of Arizona" in html
    assert "Infant Family Specialist Endorsement® (IMH-E®)" in html
    assert "Status: <strong>Active</strong>" in html
    # dates are the association's calendar days in the one long format ("December 15, 2027"), never ISO
    assert long_date(credential.effective_date, "en") in html and long_date(credential.renewal_date, "en") in html
    assert credential.renewal_date.isoformat() not in html


async def test_an_expired_credential_shows_as_expired_and_does_not_verify(running_service: Running) -> None:
    long_ago = datetime.now(UTC).date() - timedelta(days=800)
    credential = issue(running_service, effective=long_ago, renewal=long_ago + timedelta(days=365))
    page = await running_service.client.get(f"/credentials/{credential.id}", headers={"accept": "text/html"})
    assert "Status: <strong>Expired</strong>" in page.text
    result = (await verify(running_service, {"verifiableCredential": credential.document})).json()
    assert result["verified"] is False
    [validity] = [check for check in result["checks"] if check["check"] == "validity"]
    assert {"check": "validity", "status": "failed", "code": "EXPIRED"}.items() <= validity.items()


@pytest.mark.parametrize("credential_id", ["0b6e3a8e-5f0e-4c1e-9a43-7b1f0e2d9c11", "not-a-uuid"])
async def test_an_unknown_credential_is_a_404_problem(running_service: Running, credential_id: str) -> None:
    response = await running_service.client.get(f"/credentials/{credential_id}")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "CREDENTIAL_NOT_FOUND"


async def test_verification_names_every_check_in_order(running_service: Running) -> None:
    credential = issue(running_service)
    result = (await verify(running_service, {"verifiableCredential": credential.document, "options": {}})).json()
    assert result["verified"] is True
    assert [(c["check"], c["status"]) for c in result["checks"]] == [
        ("schema", "passed"), ("proof", "passed"), ("issuer", "passed"), ("status", "passed"), ("validity", "passed")
    ]
    assert result["errors"] == [] and result["warnings"] == []


async def test_a_credential_from_an_issuer_this_service_does_not_know_is_not_verified(
    running_service: Running,
) -> None:
    credential = copy.deepcopy(issue(running_service).document)
    credential["issuer"]["id"] = f"did:web:evil.example:tenants:{TENANT}"
    result = (await verify(running_service, {"verifiableCredential": credential})).json()
    assert result["verified"] is False
    assert [e["code"] for e in result["errors"]] == ["UNKNOWN_ISSUER"]
    assert result["checks"][1]["status"] == "skipped"  # no trusted key, so the signature was not checked


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b'{"verifiableCredential": {}, "verifiableCredential": {}}', 400),
        (b"[]", 422),
        (b"{}", 422),
        (b'{"verifiableCredential": "a string"}', 422),
        (b'{"verifiableCredential": {}, "options": []}', 422),
        (b'{"verifiableCredential": {}, "extra": 1}', 422),
        (json.dumps({"verifiableCredential": {"description": "x" * 300_000}}).encode(), 400),
    ],
)
async def test_malformed_verification_requests_are_refused(running_service: Running, body: bytes, status: int) -> None:
    response = await running_service.client.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "MALFORMED"


async def test_a_well_formed_request_with_a_broken_credential_is_answered_with_the_result(
    running_service: Running,
) -> None:
    result = (await verify(running_service, {"verifiableCredential": {"id": "urn:x", "issuer": None}})).json()
    assert result["verified"] is False
    assert result["checks"][0]["code"] == "MALFORMED"
    assert [c["status"] for c in result["checks"][1:]] == ["skipped"] * 4


async def test_coordinators_look_up_their_tenants_credentials_by_endorsement(running_service: Running) -> None:
    credential = issue(running_service)
    url = f"/credentials?endorsement_id={credential.endorsement_id}"

    async def found() -> bool:
        response = await running_service.client.get(url, headers={"authorization": f"Bearer {running_service.token()}"})
        return bool(response.json()["items"])

    await eventually(found, 10)
    response = await running_service.client.get(url, headers={"authorization": f"Bearer {running_service.token()}"})
    [item] = response.json()["items"]
    assert item["id"] == str(credential.id)
    assert item["status"] == "active"
    assert item["holder_name"] == credential.holder_name
    assert item["valid_until"] == credential.renewal_date.isoformat()
    assert date.fromisoformat(item["valid_from"]) == credential.effective_date

    other_tenant = running_service.token(tenant="othertenant")
    response = await running_service.client.get(url, headers={"authorization": f"Bearer {other_tenant}"})
    assert response.json() == {"items": []}


@pytest.mark.parametrize(
    ("roles", "authorization", "status", "code"),
    [
        (None, None, 401, "MISSING_IDENTITY"),
        (None, "Bearer forged.token.value", 401, "INVALID_IDENTITY"),
        (frozenset({"applicant"}), "token", 403, "FORBIDDEN"),
    ],
)
async def test_the_look_up_needs_a_coordinator(
    running_service: Running, roles: frozenset[str] | None, authorization: str | None, status: int, code: str
) -> None:
    headers = {}
    if authorization == "token":
        headers["authorization"] = f"Bearer {running_service.token(roles=roles or frozenset())}"
    elif authorization:
        headers["authorization"] = authorization
    response = await running_service.client.get(
        "/credentials?endorsement_id=0b6e3a8e-5f0e-4c1e-9a43-7b1f0e2d9c11", headers=headers
    )
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_the_look_up_validates_its_query(running_service: Running) -> None:
    headers = {"authorization": f"Bearer {running_service.token()}"}
    response = await running_service.client.get("/credentials?endorsement_id=42", headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"
