"""A credential's life as an employer and a partner see it, driven through the gateway only."""

from __future__ import annotations

import json
from typing import Any

import httpx
from devstack.stack import Stack

from .stack_client import (
    COORDINATOR,
    approve,
    eventually,
    header,
    login,
    records,
    review_case,
    sign_up_applicant,
    submit_application,
)

PARTNER_TOPIC = "endorsement.credentials.v1"


def issued_credential(stack: Stack, gateway: httpx.Client) -> tuple[str, str, dict[str, Any]]:
    """Endorse a new applicant; return (endorsement id, credential id, signed credential)."""
    _, applicant = sign_up_applicant(gateway, "Léa Ibáñez")
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator,
                                        mail_dir=stack.engines.mail_dir)
    case = review_case(gateway, coordinator, application_id)
    endorsement_id = str(approve(gateway, coordinator, case["id"])["decision"]["endorsement_id"])
    issued = records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
                     lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id)
    event = json.loads(issued[0].value)
    return endorsement_id, str(event["credential_id"]), event["credential"]


def verify(gateway: httpx.Client, credential: dict[str, Any]) -> dict[str, Any]:
    response = gateway.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def failing_codes(result: dict[str, Any]) -> set[str]:
    return {str(error.get("code")) for error in result.get("errors", [])}


NOTE_SUSPEND = "complaint from a parent about the holder, under review"
NOTE_UNSUSPEND = "the complaint was withdrawn"
NOTE_REVOKE = "endorsement agreement breached"


def partner_records(stack: Stack, credential_id: str, at_least: int) -> list[Any]:
    return records(stack.engines.kafka_bootstrap, PARTNER_TOPIC, lambda r: r.key.decode() == credential_id,
                   at_least=at_least)


def test_suspension_and_revocation_reach_employers_and_partners(stack: Stack, gateway: httpx.Client) -> None:
    """Given an issued credential, when the coordinator suspends, unsuspends, then the association revokes
    the endorsement, then verification, the public page, the status list and the partner topic follow."""
    endorsement_id, credential_id, credential = issued_credential(stack, gateway)
    assert verify(gateway, credential)["verified"] is True
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)

    suspended = gateway.post(f"/credentials/{credential_id}/suspend", headers=coordinator,
                             json={"reason_code": "under_investigation", "note": NOTE_SUSPEND})
    assert suspended.status_code == 200, suspended.text
    result = verify(gateway, credential)
    assert result["verified"] is False and "SUSPENDED" in failing_codes(result), result
    status_list = gateway.get("/status-lists/itmhca/suspension")
    assert status_list.status_code == 200 and status_list.headers.get("etag")
    again = gateway.get("/status-lists/itmhca/suspension", headers={"if-none-match": status_list.headers["etag"]})
    assert again.status_code == 304

    unsuspended = gateway.post(f"/credentials/{credential_id}/unsuspend", headers=coordinator,
                               json={"reason_code": "investigation_closed", "note": NOTE_UNSUSPEND})
    assert unsuspended.status_code == 200, unsuspended.text
    assert verify(gateway, credential)["verified"] is True

    revoked = gateway.post(f"/reviews/endorsements/{endorsement_id}/revoke",
                           json={"reason": NOTE_REVOKE}, headers=coordinator)
    assert revoked.status_code == 200, revoked.text

    def revoked_for_employers() -> dict[str, Any] | None:
        outcome = verify(gateway, credential)
        return outcome if "REVOKED" in failing_codes(outcome) else None

    assert eventually(revoked_for_employers, 60, "revocation to reach verification")["verified"] is False
    page = gateway.get(f"/credentials/{credential_id}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "revoked" in page.text.lower()
    found = partner_records(stack, credential_id, at_least=4)
    types = [header(r, "ce_type") for r in found]
    # what staff typed stays inside the association: partners get the codes and their fixed wording
    codes = {header(r, "ce_type"): json.loads(r.value).get("reason_code") for r in found}
    assert codes["CredentialSuspended.v1"] == "under_investigation", codes
    assert codes["CredentialReinstated.v1"] == "investigation_closed", codes
    assert codes["CredentialRevoked.v1"] == "endorsement_revoked", codes
    for note in (NOTE_SUSPEND, NOTE_UNSUSPEND, NOTE_REVOKE):
        assert all(note.encode() not in r.value for r in found), f"{note!r} reached the partner topic"
    assert types[0] == "CredentialIssued.v1"
    assert types.count("CredentialSuspended.v1") == 1
    assert types.count("CredentialReinstated.v1") == 1
    assert types[-1] == "CredentialRevoked.v1"
    certificate = gateway.get(f"/credentials/{credential_id}/certificate.pdf")
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
