"""Renewal, lapse and reinstatement across processes, through the gateway only, with the stack's clock moved.

An endorsement granted today first falls due for renewal next year, and lapses only after the removal date: the
tests move every service's business time (`Stack.travel_to`, `servicekit.clock`) to the renewal window, or past
the removal date, as a holder would live through it. The gateway, its sessions and identity tokens stay on real
time. Each test reads the dates it travels to from the platform (holdings, register), and starts from whatever
business time the previous test left (time only moves forward within the stack).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from devstack.mailbox import wait_for_messages
from devstack.stack import Stack

from .stack_client import (
    COORDINATOR,
    approve,
    complete_references,
    eventually,
    header,
    login,
    records,
    review_case,
    sign_up_applicant,
    submit_application,
)

PARTNER_TOPIC = "endorsement.credentials.v1"
REVIEWS_TOPIC = "endorsement.reviews.v2"  # sealed (docs/erasure.md); ids, codes and dates stay plain
ARIZONA = ZoneInfo("America/Phoenix")  # ITMHCA's time zone (tenant file)
IFS_RENEWAL_FEE_CENTS = 2500
IFS_PROCESSING_FEE_CENTS = 10000
Headers = dict[str, str]


@dataclass(frozen=True)
class Holder:
    email: str
    auth: Headers
    coordinator: Headers
    endorsement_id: str
    credential_id: str
    credential: dict[str, Any]


def business_today(stack: Stack) -> date:
    """The association's date on the services' (moved) clock."""
    return stack.now().astimezone(ARIZONA).date()


def arizona_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), ARIZONA)


def granted_holder(stack: Stack, gateway: httpx.Client, name: str) -> Holder:
    """A new applicant endorsed IFS on the services' today, holding the credential that grant issued."""
    email, applicant = sign_up_applicant(gateway, name)
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(
        gateway, applicant, coordinator=coordinator, mail_dir=stack.engines.mail_dir, today=business_today(stack)
    )
    case = review_case(gateway, coordinator, application_id)
    endorsement_id = str(approve(gateway, coordinator, case["id"])["decision"]["endorsement_id"])
    [issued] = partner_events(stack, "CredentialIssued.v1", endorsement_id)
    holding(gateway, applicant, endorsement_id, "active")  # the applications service follows the grant
    return Holder(email, applicant, coordinator, endorsement_id, str(issued["credential_id"]), issued["credential"])


def partner_events(stack: Stack, ce_type: str, endorsement_id: str, at_least: int = 1) -> list[dict[str, Any]]:
    found = records(
        stack.engines.kafka_bootstrap,
        PARTNER_TOPIC,
        lambda r: header(r, "ce_type") == ce_type and json.loads(r.value)["endorsement_id"] == endorsement_id,
        at_least=at_least,
    )
    return [json.loads(r.value) for r in found]


def reviews_event(stack: Stack, ce_type: str, endorsement_id: str) -> dict[str, Any]:
    [found] = records(
        stack.engines.kafka_bootstrap,
        REVIEWS_TOPIC,
        lambda r: header(r, "ce_type") == ce_type and r.key.decode() == endorsement_id,
    )
    event: dict[str, Any] = json.loads(found.value)
    return event


def holding(gateway: httpx.Client, auth: Headers, endorsement_id: str, status: str) -> dict[str, Any]:
    """The holder's view of the endorsement (applications service), once it shows `status`."""

    def probe() -> dict[str, Any] | None:
        answer = gateway.get(f"/applications/holdings/{endorsement_id}", headers=auth)
        return answer.json() if answer.status_code == 200 and answer.json()["status"] == status else None

    found: dict[str, Any] = eventually(probe, 60, f"holding {endorsement_id} {status}")
    return found


def register_entry(gateway: httpx.Client, coordinator: Headers, endorsement_id: str) -> dict[str, Any]:
    answer = gateway.get(f"/reviews/endorsements/{endorsement_id}", headers=coordinator)
    assert answer.status_code == 200, answer.text
    entry: dict[str, Any] = answer.json()
    return entry


def verify(gateway: httpx.Client, credential: dict[str, Any]) -> dict[str, Any]:
    answer = gateway.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def failing_codes(result: dict[str, Any]) -> set[str]:
    return {str(error.get("code")) for error in result.get("errors", [])}


def yearly_minimums(today: date, fee: str, fee_cents: int) -> list[tuple[str, str, dict[str, Any]]]:
    """One renewal year's ITMHCA IFS minimums dated just before `today`: 15 training hours (1 on DEI), 12 RSC
    hours from an IMHM-C provider, current membership, both attestations signed now, no RSC provided, the fee."""

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    return [
        ("PATCH", "", {"ethics_attested": True}),
        (
            "PUT",
            "membership",
            {"association": "ITMHCA", "member_id": "AZ-1001", "expires_on": (today + timedelta(days=365)).isoformat()},
        ),
        (
            "POST",
            "training",
            {
                "title": "Diversity-informed infant mental health practice",
                "provider": "ITMHCA",
                "completed_on": day(30),
                "hours": 15,
                "dei_hours": 1,
                "competencies": ["theoretical_foundations"],
            },
        ),
        (
            "POST",
            "rsc",
            {
                "provider_name": "Rita Moreno",
                "provider_category": "IMHM-C",
                "hours": 12,
                "start": day(200),
                "end": day(10),
                "format": "individual",
            },
        ),
        ("PUT", "rsc-provision", {"provides_rsc": False}),
        ("PUT", f"fees/{fee}", {"amount_cents": fee_cents, "reference": f"{fee.upper()}-1001", "paid_on": day(1)}),
    ]


def fill_in(
    gateway: httpx.Client, auth: Headers, application_id: str, calls: list[tuple[str, str, dict[str, Any]]]
) -> None:
    for method, path, body in calls:
        url = f"/applications/{application_id}" + (f"/{path}" if path else "")
        answer = gateway.request(method, url, json=body, headers=auth)
        assert answer.status_code in (200, 201), (path, answer.text)


def submit_when_complete(gateway: httpx.Client, auth: Headers, application_id: str) -> None:
    report = gateway.get(f"/applications/{application_id}/requirements", headers=auth)
    assert report.status_code == 200, report.text
    unmet = [r for r in report.json()["requirements"] if not r["met"]]
    assert not unmet, unmet
    submitted = gateway.post(f"/applications/{application_id}/submit", headers=auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text


def email_to(mail_dir: Path, address: str, subject_part: str) -> None:
    wait_for_messages(mail_dir, lambda m: subject_part in str(m["Subject"]), timeout=60, to=address)


def test_a_holder_renews_in_the_window_and_the_credential_is_reissued(
    stack: Stack, gateway: httpx.Client, mail_dir: Path
) -> None:
    """Given an IFS endorsement granted today, when the holder renews in the first renewal window and the
    coordinator approves, then the register moves the renewal date a year on, the credential is re-issued
    (`CredentialRenewed`), verifies on that day, and the holder is told by email."""
    holder = granted_holder(stack, gateway, "Renata Ruiz")
    window = holding(gateway, holder.auth, holder.endorsement_id, "active")["renewal_window"]
    entry = register_entry(gateway, holder.coordinator, holder.endorsement_id)
    assert window["due"] == entry["renewal_date"] and window["removal"] == entry["removal_date"]
    too_early = gateway.post(
        "/applications/renewals", json={"endorsement_id": holder.endorsement_id}, headers=holder.auth
    )
    assert (too_early.status_code, too_early.json()["code"]) == (409, "RENEWAL_NOT_OPEN"), too_early.text

    stack.travel_to(arizona_noon(date.fromisoformat(window["opens"]) + timedelta(days=14)))
    today = business_today(stack)
    started = gateway.post(
        "/applications/renewals", json={"endorsement_id": holder.endorsement_id}, headers=holder.auth
    )
    assert started.status_code == 201, started.text
    renewal = started.json()
    assert renewal["kind"] == "renewal" and renewal["renewal"]["renewal_year"] == window["year"]
    fill_in(gateway, holder.auth, renewal["id"], yearly_minimums(today, "renewal", IFS_RENEWAL_FEE_CENTS))
    submit_when_complete(gateway, holder.auth, renewal["id"])
    email_to(mail_dir, holder.email, f"We received your {window['year']} renewal")

    case = review_case(gateway, holder.coordinator, renewal["id"])
    assert (case["kind"], case["endorsement_id"]) == ("renewal", holder.endorsement_id)
    approve(gateway, holder.coordinator, case["id"])

    approved = reviews_event(stack, "RenewalApproved.v2", holder.endorsement_id)
    next_due = date.fromisoformat(entry["renewal_date"]).replace(year=window["year"] + 1)
    assert (approved["renewed_on"], approved["renewal_date"]) == (today.isoformat(), next_due.isoformat())
    [renewed] = partner_events(stack, "CredentialRenewed.v1", holder.endorsement_id)
    assert renewed["credential_id"] == holder.credential_id and renewed["status"] == "active"
    assert (renewed["valid_from"], renewed["valid_until"]) == (today.isoformat(), next_due.isoformat())
    assert verify(gateway, renewed["credential"])["verified"] is True
    email_to(mail_dir, holder.email, "endorsement is renewed")
    entry = register_entry(gateway, holder.coordinator, holder.endorsement_id)
    assert (entry["status"], entry["renewal_date"], entry["renewals"]) == (
        "active",
        next_due.isoformat(),
        [window["year"]],
    )


def test_an_unrenewed_endorsement_lapses_and_is_reinstated(stack: Stack, gateway: httpx.Client, mail_dir: Path) -> None:
    """Given an IFS endorsement granted today and never renewed, when the business time passes its removal date,
    then the lapse sweep lapses it, the credential is suspended and verification says so; when the holder then
    applies for reinstatement with three new raters and a year's minimums and the coordinator approves, the
    endorsement and the credential are in force again."""
    holder = granted_holder(stack, gateway, "Lupe Ocampo")
    removal = date.fromisoformat(register_entry(gateway, holder.coordinator, holder.endorsement_id)["removal_date"])
    assert verify(gateway, holder.credential)["verified"] is True

    stack.travel_to(arizona_noon(removal + timedelta(days=1)))
    lapsed = reviews_event(stack, "EndorsementLapsed.v2", holder.endorsement_id)
    assert lapsed["lapsed_on"] == (removal + timedelta(days=1)).isoformat()
    assert register_entry(gateway, holder.coordinator, holder.endorsement_id)["status"] == "lapsed"
    [suspended] = partner_events(stack, "CredentialSuspended.v1", holder.endorsement_id)
    assert (suspended["status"], suspended["cause"]) == ("suspended", "lapse")

    def suspended_for_employers() -> dict[str, Any] | None:
        outcome = verify(gateway, holder.credential)
        return outcome if "SUSPENDED" in failing_codes(outcome) else None

    assert eventually(suspended_for_employers, 60, "the lapse to reach verification")["verified"] is False
    email_to(mail_dir, holder.email, "endorsement has lapsed")
    holding(gateway, holder.auth, holder.endorsement_id, "lapsed")
    too_late = gateway.post(
        "/applications/renewals", json={"endorsement_id": holder.endorsement_id}, headers=holder.auth
    )
    assert (too_late.status_code, too_late.json()["code"]) == (409, "ENDORSEMENT_NOT_ACTIVE"), too_late.text

    stack.travel_to(arizona_noon(removal + timedelta(days=15)))
    today = business_today(stack)
    started = gateway.post(
        "/applications/reinstatements", json={"endorsement_id": holder.endorsement_id}, headers=holder.auth
    )
    assert started.status_code == 201, started.text
    reinstatement = started.json()
    assert reinstatement["kind"] == "reinstatement"
    fill_in(gateway, holder.auth, reinstatement["id"], yearly_minimums(today, "processing", IFS_PROCESSING_FEE_CENTS))
    assert stack.engines.mail_dir is not None
    complete_references(gateway, holder.auth, reinstatement["id"], stack.engines.mail_dir)  # 3 new raters, by email
    submit_when_complete(gateway, holder.auth, reinstatement["id"])

    case = review_case(gateway, holder.coordinator, reinstatement["id"])
    assert (case["kind"], case["endorsement_id"]) == ("reinstatement", holder.endorsement_id)
    approve(gateway, holder.coordinator, case["id"])

    reinstated_event = reviews_event(stack, "EndorsementReinstated.v2", holder.endorsement_id)
    next_due = date(today.year + 1, 12, 15)  # renewals restart as after a grant: ITMHCA's due day, next year
    assert (reinstated_event["reinstated_on"], reinstated_event["renewal_date"]) == (
        today.isoformat(),
        next_due.isoformat(),
    )
    [reinstated] = partner_events(stack, "CredentialReinstated.v1", holder.endorsement_id)
    assert (reinstated["status"], reinstated["reissued"]) == ("active", True)
    assert (reinstated["valid_from"], reinstated["valid_until"]) == (today.isoformat(), next_due.isoformat())
    assert verify(gateway, reinstated["credential"])["verified"] is True
    email_to(mail_dir, holder.email, "endorsement is reinstated")
    assert register_entry(gateway, holder.coordinator, holder.endorsement_id)["status"] == "active"
    holding(gateway, holder.auth, holder.endorsement_id, "active")
