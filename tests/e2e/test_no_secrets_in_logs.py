"""Issue 10 item 2: after a rater answers through their link, no process log of the stack holds the link's token
or the password the applicant signed up with (a link taken from gateway.log once submitted a reference)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from devstack.mailbox import wait_for_messages
from devstack.stack import Stack

from .stack_client import REFERENCE_LINK, sign_up_applicant

PASSWORD = "correct horse battery staple"
"""The password `sign_up_applicant` chooses."""


def test_no_token_or_password_in_any_process_log(stack: Stack, gateway: httpx.Client, mail_dir: Path) -> None:
    _, auth = sign_up_applicant(gateway, "Dana Reyes")
    created = gateway.post("/applications", json={"category": "IFS"}, headers=auth)
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    email = f"rater.{uuid.uuid4().hex[:8]}@example.org"
    named = gateway.post(f"/applications/{application_id}/references", headers=auth,
                         json={"slot": 3, "name": "Lee Park", "kind": "colleague", "email": email, "waived": False})
    assert named.status_code == 201, named.text
    [message] = wait_for_messages(mail_dir, count=1, timeout=60, to=email)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = REFERENCE_LINK.search(body.get_content())
    assert match, "the email carries the rater's link"
    token = match[1]

    # the rater opens the portal page, the form's API, saves a draft, then answers; and a stray query token
    assert gateway.get(f"/rate/{token}").status_code == 200
    form = gateway.get(f"/references/{token}?token={token}")
    assert form.status_code == 200, form.text
    ratings = {item["id"]: form.json()["scale"][0]["value"] for item in form.json()["items"]}
    drafted = gateway.put(f"/references/{token}/draft", json={"ratings": ratings, "comments": "so far"})
    assert drafted.status_code == 200, drafted.text
    answered = gateway.post(f"/references/{token}", json={"ratings": ratings, "comments": "Warm and reliable."})
    assert answered.status_code == 200, answered.text
    assert gateway.get(f"/references/{token}").status_code in (404, 409, 410)  # used: the link no longer opens

    logs = sorted(stack.supervisor.log_dir.glob("*.log"))  # children run unbuffered: every line is written
    assert {p.stem for p in logs} >= {"gateway", "applications", "notifications", "portal"}
    hits = [f"{path.name}: {line.strip()[:160]}" for path in logs
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if token in line or PASSWORD in line or token.split(".")[-1] in line]
    assert hits == [], "\n".join(hits)
    seen = "".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
    assert re.search(r"/references/\[redacted\]", seen), "the requests were logged, redacted"
