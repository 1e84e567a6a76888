"""The rater's form and the credential verification page."""

from __future__ import annotations

import hashlib
import json

import httpx
from fastapi.testclient import TestClient

from .conftest import FakeGateway, csrf_of, problem

REFERENCE = {
    "applicant_name": "Ana", "category": "IFS", "category_name": "Infant Family Specialist", "rater_name": "Bea",
    "rater_kind": "supervisor", "waived": True, "expires_at": "2027-12-16T07:00:00Z",
    "items": [{"id": "i1", "domain": "Theory", "name": "Knows development"},
              {"id": "i2", "domain": "Theory", "name": "Reflects"}],
    "scale": [{"value": 1, "label": "Rarely"}, {"value": 2, "label": "Often"}, {"value": 0, "label": "Not enough"}],
    "max_not_enough_information": 1,
}


def test_rater_form_in_the_links_language_with_a_fieldset_per_item(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/references/t1", lambda r: httpx.Response(200, json=REFERENCE))
    page = client.get("/rate/t1?lang=es")
    assert page.status_code == 200
    assert gateway.last("GET", "/references/t1").url.params["lang"] == "es"
    assert '<html lang="es">' in page.text and "Enviar la referencia" in page.text
    assert page.text.count("<fieldset") == 2 and "<legend" in page.text
    assert "16 de diciembre de 2027 a las 00:00 (MST)" in page.text  # the association's time zone


def test_rater_submit_and_missing_ratings(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/references/t1", lambda r: httpx.Response(200, json=REFERENCE))
    gateway.on("POST", "/references/t1", lambda r: httpx.Response(200, json={
        "status": "completed", "completed_on": "2027-01-05", "message": "ok"}))
    token = csrf_of(client)
    missing = client.post("/rate/t1", data={"csrf_token": token, "rating-i1": "2", "action": "submit"})
    assert missing.status_code == 422 and 'href="#rating-i2"' in missing.text and "checked" in missing.text
    done = client.post("/rate/t1", data={"csrf_token": token, "rating-i1": "2", "rating-i2": "0",
                                         "comments": "Good", "action": "submit"})
    assert done.status_code == 200 and "Reference submitted" in done.text
    sent = gateway.json_of(gateway.last("POST", "/references/t1"))
    assert sent == {"ratings": {"i1": 2, "i2": 0}, "comments": "Good"}


def test_expired_used_and_invalid_links_get_friendly_pages(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/references/old", lambda r: problem(410, "REFERENCE_LINK_EXPIRED"))
    gateway.on("GET", "/references/used", lambda r: problem(410, "REFERENCE_LINK_USED"))
    expired = client.get("/rate/old")
    assert expired.status_code == 410 and "ask the applicant to send you a new link" in expired.text
    assert "already been given" in client.get("/rate/used").text
    invalid = client.get("/rate/nope")
    assert invalid.status_code == 404 and "This reference link does not work" in invalid.text


def test_save_for_later_falls_back_when_drafts_are_not_there_yet(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/references/t1", lambda r: httpx.Response(200, json=REFERENCE))
    token = csrf_of(client)
    response = client.post("/rate/t1", data={"csrf_token": token, "rating-i1": "1", "action": "save"})
    assert response.status_code == 200 and "Saving for later is not available" in response.text


def test_verify_shows_each_check_in_plain_words(client: TestClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/credentials/verify", lambda r: httpx.Response(200, json={
        "verified": False, "errors": [], "warnings": [],
        "checks": [{"check": "schema", "status": "passed"},
                   {"check": "proof", "status": "failed", "code": "INVALID_SIGNATURE"},
                   {"check": "issuer", "status": "skipped"}]}))
    token = csrf_of(client, "/verify")
    credential = {"type": ["VerifiableCredential"], "issuer": {"id": "did:web:x", "name": "ITMHCA"}}
    result = client.post("/verify", data={"csrf_token": token, "credential": json.dumps(credential)})
    assert result.status_code == 200
    assert "This credential could not be verified" in result.text
    assert "The signature does not match" in result.text and "Not checked" in result.text
    sent = gateway.json_of(gateway.last("POST", "/credentials/verify"))
    assert sent == {"verifiableCredential": credential}
    upload = client.post("/verify", data={"csrf_token": token},
                         files={"file": ("vc.json", json.dumps(credential).encode(), "application/json")})
    assert upload.status_code == 200 and "ITMHCA" in upload.text


def test_verify_bad_json_and_oversized_files_are_field_errors(client: TestClient) -> None:
    token = csrf_of(client, "/verify")
    bad = client.post("/verify", data={"csrf_token": token, "credential": "{not json"})
    assert bad.status_code == 422 and 'href="#credential"' in bad.text
    big = client.post("/verify", data={"csrf_token": token},
                      files={"file": ("vc.json", b" " * (256 * 1024 + 1), "application/json")})
    assert big.status_code == 422 and 'href="#file"' in big.text and "too large" in big.text


SALT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
GENUINE_CHECKS = [{"check": name, "status": "passed"} for name in ("schema", "proof", "issuer", "status", "validity")]


def credential_for(email: str) -> dict[str, object]:
    digest = hashlib.sha256((email + SALT).encode()).hexdigest()
    return {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"id": "did:web:x", "name": "ITMHCA"},
            "credentialSubject": {"type": ["AchievementSubject"], "name": "Name On The Document",
                                  "identifier": [{"type": "IdentityObject", "identityHash": f"sha256${digest}",
                                                  "identityType": "emailAddress", "hashed": True, "salt": SALT}]}}


def answer(holder: dict[str, object] | None, checks: list[dict[str, str]] = GENUINE_CHECKS) -> httpx.Response:
    body: dict[str, object] = {"verified": True, "checks": checks, "errors": [], "warnings": []}
    return httpx.Response(200, json=body if holder is None else {**body, "holder": holder})


def test_verify_names_the_holder_the_issuer_records_not_the_document(client: TestClient, gateway: FakeGateway) -> None:
    token = csrf_of(client, "/verify")
    pasted = json.dumps(credential_for("lea@example.org"))
    gateway.on("POST", "/credentials/verify", lambda r: answer({"name": "Léa Ibáñez"}))
    named = client.post("/verify", data={"csrf_token": token, "credential": pasted})
    assert "<dt>Holder</dt><dd>Léa Ibáñez</dd>" in named.text and "Name On The Document" not in named.text

    gateway.on("POST", "/credentials/verify", lambda r: answer({"name": None, "erased": True}))
    erased = client.post("/verify", data={"csrf_token": token, "credential": pasted})
    assert "<dt>Holder</dt><dd>Name erased at the holder" in erased.text
    assert "Name On The Document" not in erased.text

    gateway.on("POST", "/credentials/verify", lambda r: answer(None))
    unnamed = client.post("/verify", data={"csrf_token": token, "credential": pasted})
    assert "<dt>Holder</dt>" not in unnamed.text


def test_verify_checks_a_typed_email_against_the_identity_hash(client: TestClient, gateway: FakeGateway) -> None:
    token = csrf_of(client, "/verify")
    pasted = json.dumps(credential_for("lea@example.org"))
    gateway.on("POST", "/credentials/verify", lambda r: answer({"name": "Léa Ibáñez"}))

    def checked(email: str) -> str:
        page = client.post("/verify", data={"csrf_token": token, "credential": pasted, "holder_email": email})
        assert page.status_code == 200
        return page.text

    assert "Matches: the credential was issued to this email address" in checked("  Lea@Example.org ")
    assert "Does not match" in checked("someone@example.org")
    assert "<dt>Email address</dt>" not in checked("")
    sent = gateway.json_of(gateway.last("POST", "/credentials/verify"))
    assert "holder_email" not in json.dumps(sent)  # the address stays in the portal

    forged = [{**check, "status": "failed"} if check["check"] == "proof" else check for check in GENUINE_CHECKS]
    gateway.on("POST", "/credentials/verify", lambda r: answer(None, forged))
    assert "Not checked: the signature is not genuine" in checked("lea@example.org")


def test_verify_refuses_what_is_not_an_email_address_with_the_credential_kept(client: TestClient) -> None:
    token = csrf_of(client, "/verify")
    pasted = json.dumps(credential_for("lea@example.org"))
    for typed in ("not an address", "a@" + "b" * 300):
        page = client.post("/verify", data={"csrf_token": token, "credential": pasted, "holder_email": typed})
        assert page.status_code == 422 and 'href="#holder_email"' in page.text, typed
        assert 'aria-invalid="true"' in page.text and "Enter an email address" in page.text
