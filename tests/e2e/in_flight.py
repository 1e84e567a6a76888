"""Applications in flight while processes die: prepared up front, then submitted and approved through a
retrying client, then checked for anything lost or duplicated (tests/e2e/test_supervision.py, test_chaos.py,
bench/chaos.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import httpx
from devstack.mailbox import read_messages

from .stack_client import complete_ifs_calls, complete_references, sign_up_applicant

RECEIVED_SUBJECT = "We received your"
ENDORSED_SUBJECT = "You are endorsed"


@dataclass(frozen=True)
class Prepared:
    """A complete application with its registration accepted: only `submit` is left."""

    email: str
    auth: dict[str, str]
    application_id: str


def prepare(client: httpx.Client, coordinator: dict[str, str], mail_dir: Path, name: str) -> Prepared:
    email_address, auth = sign_up_applicant(client, name, mail_dir)
    created = client.post("/applications", json={"category": "IFS"}, headers=auth)
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    details = {"statement": "Home visiting with families of infants for three years.", "ethics_attested": True}
    assert client.patch(f"/applications/{application_id}", json=details, headers=auth).status_code == 200
    for method, path, body in complete_ifs_calls():
        response = client.request(method, f"/applications/{application_id}/{path}", json=body, headers=auth)
        assert response.status_code in (200, 201), (path, response.text)
    complete_references(client, auth, application_id, mail_dir)
    registered = client.post(f"/applications/{application_id}/register", headers=auth)
    assert registered.status_code == 200, registered.text
    accepted = client.post(f"/applications/{application_id}/registration/accept", headers=coordinator)
    assert accepted.status_code == 200, accepted.text
    return Prepared(email_address, auth, application_id)


def submit(client: httpx.Client, application: Prepared) -> None:
    """Submit through a retrying client. If the gateway died after forwarding, its repeat is run again and meets
    the application submitted already (409): that is the outcome the client never learnt, so it counts."""
    path = f"/applications/{application.application_id}"
    submitted = client.post(f"{path}/submit", headers=application.auth)
    if submitted.status_code == 409:
        submitted = client.get(path, headers=application.auth)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted", submitted.text


def case_of(client: httpx.Client, coordinator: dict[str, str], application_id: str) -> dict[str, Any] | None:
    response = client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
    if response.status_code != 200:
        return None
    found: dict[str, Any] = response.json()
    return found


def approve(client: httpx.Client, coordinator: dict[str, str], case_id: str) -> str:
    """Approve a case; return the endorsement granted. As with `submit`, a repeat run again after the gateway
    died meets the case approved already (409 CASE_NOT_OPEN): then the case tells the endorsement."""
    response = client.post(f"/reviews/cases/{case_id}/approve", json={}, headers=coordinator)
    if response.status_code == 409 and response.json().get("code") == "CASE_NOT_OPEN":
        case = client.get(f"/reviews/cases/{case_id}", headers=coordinator)
        assert case.status_code == 200 and case.json()["endorsement_id"], case.text
        return str(case.json()["endorsement_id"])
    assert response.status_code == 200, response.text
    return str(response.json()["decision"]["endorsement_id"])


def credentials_of(client: httpx.Client, coordinator: dict[str, str], endorsement_id: str) -> list[Any]:
    response = client.get("/credentials", params={"endorsement_id": endorsement_id}, headers=coordinator)
    if response.status_code != 200:
        return []
    items: list[Any] = response.json()["items"]
    return items


@dataclass(frozen=True)
class MailCount:
    duplicate_message_ids: int
    """Deliveries of a message already delivered (the same Message-ID: a resend of the same email)."""
    received: Counter[str]
    """Recipient -> "we received your application" emails delivered (resends included)."""
    endorsed: Counter[str]
    """Recipient -> "you are endorsed" emails delivered (resends included)."""
    distinct_received: Counter[str]
    """Recipient -> distinct "we received" emails (Message-IDs): more than one means two emails were made."""
    distinct_endorsed: Counter[str]
    """Recipient -> distinct "you are endorsed" emails (Message-IDs)."""


def count_mail(mail_dir: Path) -> MailCount:
    ids: Counter[str] = Counter()
    received: Counter[str] = Counter()
    endorsed: Counter[str] = Counter()
    distinct: dict[tuple[str, str], set[str]] = {}
    for message in read_messages(mail_dir):
        message_id = str(message["Message-ID"])
        ids[message_id] += 1
        subject, recipient = str(message["Subject"]), parseaddr(str(message["To"]))[1]
        for prefix, counts in ((RECEIVED_SUBJECT, received), (ENDORSED_SUBJECT, endorsed)):
            if subject.startswith(prefix):
                counts[recipient] += 1
                distinct.setdefault((prefix, recipient), set()).add(message_id)
    def distinct_of(prefix: str) -> Counter[str]:
        return Counter({recipient: len(found) for (kind, recipient), found in distinct.items() if kind == prefix})
    return MailCount(sum(n - 1 for n in ids.values() if n > 1), received, endorsed,
                     distinct_of(RECEIVED_SUBJECT), distinct_of(ENDORSED_SUBJECT))
