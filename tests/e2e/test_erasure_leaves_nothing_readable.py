"""Issue 10 item 7, the proof of docs/erasure.md: after an erasure, no table, topic or log holds the person.

One journey on one stack puts a unique marker in every personal field (name, email, phone, statement, employer,
the raters' names, emails and comments, a PDF). The control test greps every table of every schema, every record
of every topic and every process log, and finds every marker still kept in plaintext somewhere (those sealed
everywhere at rest are listed); no topic holds any. The erasure test asks for the erasures, waits until the ledger
says `done` (every service answered), and finds 0 hits of what was erased, while the rater who was not erased is
still readable.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.mailbox import wait_for_messages
from devstack.stack import Stack
from devstack.testing import hits, stored_texts, topic_texts

from .stack_client import (
    COORDINATOR,
    REFERENCE_LINK,
    TENANT,
    approve,
    complete_ifs_calls,
    eventually,
    login,
    records,
    review_case,
    verify_email,
)

PASSWORD = "correct horse battery staple"
PARTNER_TOPIC = "endorsement.credentials.v1"


def _letters(hex_text: str) -> str:
    """Letters only (names are validated as names), still unique per run."""
    return "".join(chr(ord("a") + int(c, 16)) for c in hex_text)


@dataclass(frozen=True)
class Markers:
    run: str

    @property
    def applicant(self) -> dict[str, str]:
        tag = _letters(self.run)
        return {"name": f"Quixmarker{tag}", "email": f"zq-{self.run}@example.org", "email local part": f"zq-{self.run}",
                "phone": f"+1 602 {int(self.run[:8], 16) % 10**8:08d}", "statement": f"statement-{self.run}",
                "employer": f"Employer-{self.run}", "document": f"pdfmarker-{self.run}"}

    def rater(self, slot: int) -> dict[str, str]:
        tag = _letters(self.run)
        return {"name": f"Raterslot{slot}{tag}", "email": f"rater{slot}-{self.run}@example.org",
                "comments": f"comment{slot}-{self.run}"}

    @property
    def erased(self) -> dict[str, str]:
        """What the erasures (the applicant's own, a coordinator's of rater 2) must leave nowhere."""
        return self.applicant | {f"rater 2 {k}": v for k, v in self.rater(2).items()}

    @property
    def kept(self) -> dict[str, str]:
        """Rater 3's identity, not erased."""
        return {f"rater 3 {k}": v for k, v in self.rater(3).items() if k != "comments"}


@dataclass(frozen=True)
class Journey:
    markers: Markers
    application_id: str
    applicant_auth: dict[str, str]
    coordinator_auth: dict[str, str]


def _check(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in statuses, (response.request.url, response.status_code, response.text)
    return response.json() if response.content else None


def _pdf(marker: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({marker}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"3 0 obj << /Length " + str(len(stream)).encode() + b" >> stream\n" + stream +
            b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _answer_references(gateway: httpx.Client, auth: dict[str, str], application_id: str, markers: Markers,
                       mail_dir: Path) -> None:
    raters: tuple[dict[str, Any], ...] = ({"slot": 1, "kind": "supervisor", "relationship": "program supervisor"},
              {"slot": 2, "kind": "rsc_provider", "endorsed_category": "IMHM-C"},
              {"slot": 3, "kind": "colleague"})
    for rater in raters:
        marked = markers.rater(int(rater["slot"]))
        _check(gateway.post(f"/applications/{application_id}/references", headers=auth, json={
            **rater, "name": marked["name"], "email": marked["email"], "waived": rater["slot"] == 1}), 201)
        to = marked["email"]
        [message] = wait_for_messages(mail_dir, count=1, timeout=60, to=to)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        link = REFERENCE_LINK.search(body.get_content())
        assert link, "the email carries the rater's link"
        form = _check(gateway.get(f"/references/{link[1]}"), 200)
        ratings = {item["id"]: form["scale"][0]["value"] for item in form["items"]}
        _check(gateway.post(f"/references/{link[1]}", json={"ratings": ratings, "comments": marked["comments"]}), 200)


@pytest.fixture(scope="module")
def journey(stack: Stack, gateway: httpx.Client, mail_dir: Path) -> Journey:
    """Sign-up, application, three raters, a document, review, grant, credential and emails, all marked."""
    markers = Markers(uuid.uuid4().hex[:12])
    person = markers.applicant
    _check(gateway.post("/auth/signup", json={"tenant": TENANT, "email": person["email"], "name": person["name"],
                                              "password": PASSWORD}), 201)
    verify_email(gateway, person["email"], mail_dir)
    applicant = login(gateway, person["email"], PASSWORD)
    coordinator = login(gateway, COORDINATOR, stack.secrets.seed_password)
    application_id = str(_check(gateway.post("/applications", json={"category": "IFS"}, headers=applicant), 201)["id"])
    _check(gateway.patch(f"/applications/{application_id}", headers=applicant, json={
        "statement": person["statement"], "phone": person["phone"], "ethics_attested": True}), 200)
    for method, path, body in complete_ifs_calls():
        marked = {**body, "employer": person["employer"]} if path == "work" else body
        _check(gateway.request(method, f"/applications/{application_id}/{path}", json=marked, headers=applicant),
               200, 201)
    _check(gateway.post(f"/applications/{application_id}/documents", headers=applicant, data={"kind": "cv"},
                        files={"file": ("cv.pdf", _pdf(person["document"]), "application/pdf")}), 201)
    _answer_references(gateway, applicant, application_id, markers, mail_dir)
    _check(gateway.post(f"/applications/{application_id}/register", headers=applicant), 200)
    _check(gateway.post(f"/applications/{application_id}/registration/accept", headers=coordinator), 200)
    _check(gateway.post(f"/applications/{application_id}/submit", headers=applicant), 200)
    decision = approve(gateway, coordinator, review_case(gateway, coordinator, application_id)["id"])
    endorsement_id = decision["decision"]["endorsement_id"]
    records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
            lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id)
    wait_for_messages(mail_dir, lambda m: "endorsed" in str(m["Subject"]), count=1, timeout=60, to=person["email"])
    return Journey(markers, application_id, applicant, coordinator)


def _log_texts(stack: Stack) -> dict[str, str]:
    return {f"log {path.name}": path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(stack.supervisor.log_dir.glob("*.log"))}


def where_found(stack: Stack, markers: dict[str, str]) -> dict[str, set[str]]:
    """For each marker (by label), the tables, topics and logs that hold it, case-insensitively."""
    texts = {**{f"table {table}": text for table, text in stored_texts(stack.database_url).items()},
             **{f"topic {topic}": text for topic, text in topic_texts(stack.engines.kafka_bootstrap).items()},
             **_log_texts(stack)}
    held = hits(texts, *markers.values())
    return {label: {place for place, found in held.items() if marker in found} for label, marker in markers.items()}


SEALED_EVERYWHERE_BEFORE_ERASURE = frozenset({"rater 2 comments", "employer", "document", "phone", "statement"})
"""Markers no table, topic or log holds readable even before any erasure: a reference's comments, an entry's
employer, a document's bytes, the applicant's phone and statement are sealed at rest (slice 7), and the topics carry
them only as sealed tokens (slice 7b). Each addition here must be such a field."""


def test_control_the_grep_finds_every_marker_still_in_plaintext(stack: Stack, journey: Journey) -> None:
    """Without this, 0 hits after erasure might only mean the grep looked in the wrong place. As the slices seal
    fields at rest, markers vanish before any erasure too; each must be acknowledged above. The grep must still see
    the applicant's name in a table (read models keep it until erasure), and the application's id on a topic: it
    reads the topics too, where no personal value is readable (sealed v2 events only, slice 7b)."""
    markers = journey.markers
    found = where_found(stack, markers.erased | markers.kept)

    print("\nwhere each marker is readable today:", *(f"  {k}: {sorted(v)}" for k, v in found.items()), sep="\n")
    missing = {label for label, places in found.items() if not places}
    assert missing == SEALED_EVERYWHERE_BEFORE_ERASURE, f"the grep cannot see {sorted(missing)}; it saw: {found}"
    assert any(p.startswith("table ") for p in found["name"]), "the grep reads the tables"
    assert not any(p.startswith("topic ") for places in found.values() for p in places), "no topic is readable"
    ids = where_found(stack, {"application id": journey.application_id})["application id"]
    assert any(p.startswith("topic endorsement.applications.v2") for p in ids), "the grep reads the topics"


def test_erasure_leaves_nothing_readable(stack: Stack, gateway: httpx.Client, journey: Journey) -> None:
    markers = journey.markers
    own = _check(gateway.post("/me/erasure", json={"password": PASSWORD}, headers=journey.applicant_auth), 202)
    rater = _check(gateway.post("/admin/erasures", headers=journey.coordinator_auth,
                                json={"rater_email": markers.rater(2)["email"], "reason": "the rater asked"}), 202)
    for erasure in (own, rater):
        status = f"/admin/erasures/{erasure['id']}"
        eventually(lambda: _check(gateway.get(status, headers=journey.coordinator_auth), 200)["state"] == "done",  # noqa: B023
                   timeout=120, what=f"erasure {erasure['id']} done")

    found = where_found(stack, markers.erased | markers.kept)

    left = {label: places for label, places in found.items() if places and label in markers.erased}
    assert left == {}, f"still readable after erasure: {left}"
    assert all(found[label] for label in markers.kept), "erasure removed only what was asked: rater 3 stays"
