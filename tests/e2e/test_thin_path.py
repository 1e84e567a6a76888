"""One endorsement from sign-up to a verified credential, across every service, on real engines."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import httpx
from devstack.mailbox import wait_for_messages
from devstack.stack import Stack

from .stack_client import (
    COORDINATOR,
    RATER_COMMENT,
    approve,
    header,
    login,
    records,
    review_case,
    sign_up_applicant,
    submit_application,
)

PARTNER_TOPIC = "endorsement.credentials.v1"


def test_applicant_to_verified_credential(stack: Stack, gateway: httpx.Client, mail_dir: Path) -> None:
    """Given an applicant and a coordinator, when the applicant submits and the coordinator approves,
    then a signed credential reaches the partner topic, both emails arrive, and an employer can verify it."""
    assert gateway.get("/healthz").status_code == 200
    email, applicant = sign_up_applicant(gateway, "Zoë Núñez-山田")
    started = time.monotonic()
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(gateway, applicant, coordinator=coordinator,
                                        mail_dir=stack.engines.mail_dir)
    case = review_case(gateway, coordinator, application_id)
    decision = approve(gateway, coordinator, case["id"])
    endorsement_id = decision["decision"]["endorsement_id"]

    issued = records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
                     lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id)
    latency = time.monotonic() - started
    print(f"\nsubmit -> CredentialIssued on the partner topic: {latency:.2f} s (incl. coordinator approval)")
    record = issued[0]
    assert header(record, "ce_specversion") == "1.0"
    assert header(record, "ce_type") == "CredentialIssued.v1"
    assert header(record, "ce_source") == "/services/credentials"
    assert header(record, "content-type") == "application/json"
    for name in ("ce_id", "ce_time"):
        assert header(record, name)
    event = json.loads(record.value)
    assert record.key.decode() == event["credential_id"]
    assert email not in record.value.decode(), "the public topic must not carry the holder's email"
    credential = event["credential"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    assert len(credential["credentialSubject"]["achievement"]["alignment"]) == 8  # the competency domains
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["issuer"]["id"].startswith("did:web:")

    mails = wait_for_messages(mail_dir, count=7, timeout=60, to=email)
    subjects = sorted(str(m["Subject"]) for m in mails)
    assert subjects == sorted([  # each step of the journey, each rater's answer (never its contents)
        "Confirm your email address",
        "Your Infant Family Specialist registration is accepted",
        *["A reference for your Infant Family Specialist application is complete"] * 3,
        "We received your Infant Family Specialist endorsement application",
        "You are endorsed: Infant Family Specialist"]), subjects
    bodies = [part.get_content() for m in mails if (part := m.get_body(preferencelist=("plain",))) is not None]
    assert len(bodies) == 7 and not any(RATER_COMMENT in body for body in bodies)

    did_path = "/tenants/itmhca/did.json"
    did_document = gateway.get(did_path)
    assert did_document.status_code == 200
    assert credential["proof"]["verificationMethod"].split("#")[0] == did_document.json()["id"]

    verified = gateway.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True, verified.json()

    tampered = copy.deepcopy(credential)
    tampered["validUntil"] = "2099-12-31T00:00:00Z"
    refused = gateway.post("/credentials/verify", json={"verifiableCredential": tampered}).json()
    assert refused["verified"] is False
    failing = [c for c in refused["checks"] if c["status"] == "failed"]
    assert failing and failing[0]["check"] == "proof", refused

    page = gateway.get(f"/credentials/{event['credential_id']}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Zoë" in page.text


def test_refusals_are_problem_details(gateway: httpx.Client) -> None:
    """Every refusal through the gateway is RFC 9457 problem details, never a bare 500."""
    unauthenticated = gateway.post("/applications", json={"category": "IFS"})
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"].startswith("application/problem+json")
    _, applicant = sign_up_applicant(gateway, "Ana")
    unknown_category = gateway.post("/applications", json={"category": "NOPE"}, headers=applicant)
    assert unknown_category.status_code == 422
    body = unknown_category.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    not_json = gateway.post("/credentials/verify", content=b"{", headers={"content-type": "application/json"})
    assert 400 <= not_json.status_code < 500
    assert not_json.headers["content-type"].startswith("application/problem+json")
    forbidden = gateway.get("/reviews/cases", headers=applicant)
    assert forbidden.status_code == 403
