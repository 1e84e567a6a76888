"""What an applicant, a coordinator, an employer and a partner do, over the wire only."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from devstack.mailbox import wait_for_messages
from endorsement_contracts import partition_counts
from kafka import KafkaConsumer, TopicPartition

TENANT = "itmhca"
COORDINATOR = "coordinator@itmhca.example"


def login(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post("/auth/login", json={"tenant": TENANT, "email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


MAIL_DIR: Path | None = None
"""The SMTP sink's directory, set by the e2e conftest: what `sign_up_applicant` reads when given no `mail_dir`."""
VERIFY_LINK = re.compile(r"/account/verify/([A-Za-z0-9_-]{20,})")


def sign_up_applicant(client: httpx.Client, name: str, mail_dir: Path | None = None) -> tuple[str, dict[str, str]]:
    """A new applicant who has confirmed their email through the link the platform mailed them."""
    email = f"applicant-{uuid.uuid4().hex[:8]}@example.org"
    password = "correct horse battery staple"
    response = client.post("/auth/signup", json={"tenant": TENANT, "email": email, "name": name, "password": password})
    assert response.status_code == 201, response.text
    verify_email(client, email, mail_dir or MAIL_DIR)
    return email, login(client, email, password)


def verify_email(client: httpx.Client, email: str, mail_dir: Path | None) -> None:
    """Open the confirmation link from the email sent to `email`, as the person would (the portal posts its token)."""
    assert mail_dir is not None, "the e2e tests read mail from the local SMTP sink (set stack_client.MAIL_DIR)"

    def link_in(message: Any) -> re.Match[str] | None:
        body = message.get_body(preferencelist=("plain", "html"))
        return None if body is None else VERIFY_LINK.search(body.get_content())

    [message] = wait_for_messages(mail_dir, lambda m: link_in(m) is not None, count=1, timeout=60, to=email)
    match = link_in(message)
    assert match is not None
    verified = client.post("/auth/email-verification", json={"token": match[1]})
    assert verified.status_code == 200 and verified.json()["email_verified"] is True, verified.text


def submit_application(client: httpx.Client, auth: dict[str, str], category: str = "IFS", *,
                       coordinator: dict[str, str], mail_dir: Path | None, today: date | None = None) -> str:
    """Complete an IFS application (its three raters answering the links they get by email, read from the SMTP
    sink's `mail_dir`), register it, have the `coordinator` accept the registration, submit. Entries are dated
    before `today` (the services' date when a test moved their clock; default: the real one)."""
    created = client.post("/applications", json={"category": category}, headers=auth)
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    details = {"statement": "Home visiting with families of infants for three years.", "ethics_attested": True}
    patched = client.patch(f"/applications/{application_id}", json=details, headers=auth)
    assert patched.status_code == 200, patched.text
    for method, path, body in complete_ifs_calls(today):
        response = client.request(method, f"/applications/{application_id}/{path}", json=body, headers=auth)
        assert response.status_code in (200, 201), (path, response.text)
    assert mail_dir is not None, "the e2e tests read mail from the local SMTP sink"
    complete_references(client, auth, application_id, mail_dir)
    registered = client.post(f"/applications/{application_id}/register", headers=auth)
    assert registered.status_code == 200 and registered.json()["status"] == "registered", registered.text
    accepted = client.post(f"/applications/{application_id}/registration/accept", headers=coordinator)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    submitted = client.post(f"/applications/{application_id}/submit", headers=auth)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    return application_id


IFS_RATERS = (  # one per slot of the ITMHCA IFS rules; at least one endorsed IFS or higher
    {"slot": 1, "name": "Sam Ortiz", "kind": "supervisor", "relationship": "program supervisor"},
    {"slot": 2, "name": "Rita Moreno", "kind": "rsc_provider", "endorsed_category": "IMHM-C"},
    {"slot": 3, "name": "Lee Park", "kind": "colleague"},
)
RATER_COMMENT = "Reflective, warm and reliable with families."
REFERENCE_LINK = re.compile(r"https?://[^\s\"<>]+/rate/([0-9a-f]{32}\.[0-9a-f]{32}\.[0-9]+\.[A-Za-z0-9_-]{43})")


def complete_references(client: httpx.Client, auth: dict[str, str], application_id: str, mail_dir: Path) -> None:
    """Name a rater per slot; each finds the link in the email the platform sends and answers the form (no
    account). The link reaches raters by email only, so this reads it from the mail sink like a rater would."""
    for rater in IFS_RATERS:
        email = f"{rater['kind']}.{application_id[:8]}@example.org"
        named = client.post(f"/applications/{application_id}/references", headers=auth,
                            json={**rater, "email": email, "waived": rater["slot"] == 1})
        assert named.status_code == 201, named.text
        [message] = wait_for_messages(mail_dir, count=1, timeout=60, to=email)
        assert "reference" in str(message["Subject"]).lower()
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        match = REFERENCE_LINK.search(body.get_content())
        assert match, "the email carries the rater's link"
        form = client.get(f"/references/{match[1]}")
        assert form.status_code == 200, form.text
        first_value = form.json()["scale"][0]["value"]
        answered = client.post(f"/references/{match[1]}",
                               json={"ratings": {item["id"]: first_value for item in form.json()["items"]},
                                     "comments": RATER_COMMENT})
        assert answered.status_code == 200 and answered.json()["status"] == "completed", answered.text


def complete_ifs_calls(today: date | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """What an Infant Family Specialist application needs under every ITMHCA IFS rule version."""
    today = today or date.today()

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    return [
        ("PUT", "membership", {"association": "ITMHCA", "member_id": "AZ-1001",
                               "expires_on": (today + timedelta(days=365)).isoformat()}),
        ("POST", "education", {"kind": "degree", "level": "bachelor", "field": "Child development",
                               "institution": "Arizona State University", "year": today.year - 6}),
        ("POST", "work", {"employer": "Early Head Start", "role": "Home visitor", "start": day(1095), "paid": True,
                          "supervised": True, "families_served": 12, "age_band": "0-3",
                          "activities": ["direct_service"]}),
        ("POST", "training", {"title": "Foundations of infant mental health", "provider": "ITMHCA",
                              "completed_on": day(60), "hours": 30,
                              "competencies": ["theoretical_foundations", "tf_attachment_trauma_loss"]}),
        ("POST", "rsc", {"provider_name": "Rita Moreno", "provider_category": "IMHM-C", "hours": 24,
                         "start": day(400), "end": day(10), "format": "individual"}),
        ("PUT", "fees/registration", {"amount_cents": 2000, "reference": "REG-1001", "paid_on": day(30)}),
        ("PUT", "fees/processing", {"amount_cents": 10000, "reference": "PROC-1001", "paid_on": day(2)}),
    ]


def eventually(probe: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def review_case(client: httpx.Client, auth: dict[str, str], application_id: str, timeout: float = 60) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        response = client.get(f"/reviews/cases/by-application/{application_id}", headers=auth)
        return response.json() if response.status_code == 200 else None

    found: dict[str, Any] = eventually(probe, timeout, f"the review case of {application_id}")
    return found


def approve(client: httpx.Client, auth: dict[str, str], case_id: str) -> dict[str, Any]:
    response = client.post(f"/reviews/cases/{case_id}/approve", json={}, headers=auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def records(bootstrap: str, topic: str, match: Callable[[Any], bool], *, at_least: int = 1,
            timeout: float = 60, settle: float = 0.0) -> list[Any]:
    """Every record on `topic` (all partitions, from the beginning) that `match` accepts.

    A plain kafka-python consumer with assigned partitions: what any partner would run.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=300)
    try:
        # the contract's partitions: a consumer with no metadata yet would know none (and read nothing)
        partitions = consumer.partitions_for_topic(topic) or set(range(partition_counts().get(topic, 1)))
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        consumer.seek_to_beginning()
        found: list[Any] = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            found.extend(r for r in consumer if match(r))
            if len(found) >= at_least:
                settle_until = settle_until or time.monotonic() + settle
                if time.monotonic() >= settle_until:
                    return found
        raise AssertionError(f"found {len(found)} matching records on {topic}, wanted {at_least}")
    finally:
        consumer.close()


def header(record: Any, name: str) -> str:
    return dict(record.headers)[name].decode()
