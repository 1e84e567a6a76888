"""On the real engines: what the reviews service stores about a person is sealed, and `PersonErased` erases it.

The applicant's name, address, employer and related people, and the reviewer's comments never reach the event
store readable. Once the applicant is erased (the request delivered twice), their endorsement is surrendered
(revoked, reason `erasure`), the read models hold nothing of theirs, the aggregates still load with their personal
values None, and the erasure is answered once with `ErasureCompleted`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from devstack.testing import hits, stored_texts
from endorsement_contracts import ERASURES, REVIEWS, REVIEWS_V2, ApplicationSubmitted, Person, decode, encode
from endorsement_contracts.events import EndorsementRevoked, ErasureCompleted, PersonErased, reviews_v2
from kafka import KafkaProducer
from reviews.application import Reviews
from reviews.config import SCHEMA
from reviews.domain import EndorsementStatus, review_case_id
from reviews.domain.erasure import erasure_record_id
from servicekit.shredding import SubjectKeys, erased_token

from .applications_twins import publish

Auth = Callable[..., dict[str, str]]
MENTOR = "reviewer.mentor@itmhca.example"


def markers() -> dict[str, str]:
    """Unique text for every personal value, so a grep finds them wherever they are stored."""
    tag = uuid4().hex[:10]
    return {"name": f"Zelda Quixmarker{tag}", "email": f"zq-{tag}@example.org", "employer": f"Quixclinic {tag}",
            "rater": f"quixrater-{tag}@example.org", "comment": f"quixcomment {tag}", "note": f"quixnote {tag}"}


def send(bootstrap: str, topic: str, key: bytes, *events: Any) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for event in events:
        record = encode(event, event_id=uuid4(), source="/tests")
        producer.send(topic, key=key, value=record.value, headers=record.headers).get(timeout=10)
    producer.close()


async def test_a_person_is_stored_sealed_and_erased_once_however_often_asked(
    running: Any,  # conftest.Running
    auth: Auth,
    wait_for: Callable[..., Awaitable[Any]],
    read: Callable[..., list[Any]],
    applications_keys: SubjectKeys,
) -> None:
    service, client = running.service, running.client
    reviews: Reviews = service.app
    bootstrap, database_url = service.settings.kafka_bootstrap_servers, service.settings.database_url
    mark = markers()
    account_id = uuid4()
    subject = f"account:{account_id}"
    submitted = ApplicationSubmitted(
        tenant="itmhca", occurred_at=datetime.now(UTC) - timedelta(days=1), application_id=uuid4(),
        submission_number=1, applicant=Person(account_id=account_id, name=mark["name"], email=mark["email"]),
        category="IFS", category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2025",
        details={"employer": mark["employer"], "rater_emails": mark["rater"]},
    )
    coordinator, mentor = auth(), auth(roles=("reviewer",), email=MENTOR, name="Mia Mentor")

    # given a case opened from the submission, reviewed with comments, and approved
    publish(bootstrap, applications_keys, submitted)  # its sealed v2 twin, as the applications relay publishes it
    case_id = review_case_id(submitted.application_id, 1)
    cases = f"/reviews/cases/{case_id}"
    await wait_for(lambda: _ok(client.get(cases, headers=coordinator)), within=30)
    for path, body, headers in (
        (f"{cases}/completeness", {"outcome": "complete"}, coordinator),
        (f"{cases}/reviewers", {"email": MENTOR}, coordinator),
        (f"/reviews/assignments/{case_id}/accept", {}, mentor),
        (f"/reviews/assignments/{case_id}/recommendation",
         {"recommendation": "endorse", "comments_for_applicant": mark["comment"], "private_notes": mark["note"]},
         mentor),
        (f"{cases}/approve", {}, coordinator),
    ):
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 200, (path, response.text)
    endorsement_id = UUID(response.json()["decision"]["endorsement_id"])
    register = f"/reviews/endorsements/{endorsement_id}"
    entry = await wait_for(lambda: _ok(client.get(register, headers=coordinator)), within=30)
    assert entry["holder"]["name"] == mark["name"]  # readable while the person is not erased

    # then nothing personal is readable in the event store (the read models do hold the name until erasure)
    events = stored_texts(database_url, SCHEMA, events_only=True)
    assert events, "no event store table found"
    assert hits(events, *mark.values()) == {}
    await wait_for(lambda: _marked(database_url, mark), within=30)  # the control: the grep sees the read models

    # when the person is erased, the request delivered twice, then another person's erasure on the same partition
    erasure_id, later_id = uuid4(), uuid4()
    now = datetime.now(UTC)
    erased = PersonErased(tenant="itmhca", occurred_at=now, erasure_id=erasure_id, subject=subject)
    later = PersonErased(tenant="itmhca", occurred_at=now, erasure_id=later_id, subject=f"account:{uuid4()}")
    send(bootstrap, ERASURES.name, subject.encode(), erased, erased, later)

    # then both are answered, the person's once
    def answer_to(record: Any) -> bool:
        event = decode(list(record.headers), record.value).event
        return isinstance(event, ErasureCompleted) and event.erasure_id in (erasure_id, later_id)

    async def on_topic(topic: str, accept: Callable[[Any], bool], expect: int) -> list[Any] | None:
        """The records once `expect` are there (read in a thread: the service runs on this event loop)."""
        records = await asyncio.to_thread(read, bootstrap, topic, accept, expect, 1.0)
        return [decode(list(r.headers), r.value).event for r in records] if len(records) >= expect else None

    answers = await wait_for(lambda: on_topic(ERASURES.name, answer_to, 2), within=60)
    assert sorted((a.erasure_id == erasure_id, a.service) for a in answers) == [(False, "reviews"), (True, "reviews")]
    records = [n for n in reviews.process_recorder.select_notifications(start=1, limit=100_000)
               if n.originator_id == erasure_record_id(erasure_id)]
    assert [n.topic.rpartition(".")[2] for n in records] == ["SubjectErased"]

    # and the endorsement was surrendered: revoked, reason `erasure`, published for the credential
    endorsement = reviews.get_endorsement(endorsement_id, "itmhca")
    assert endorsement.status is EndorsementStatus.REVOKED

    def revocation(record: Any) -> bool:
        return (record.key == str(endorsement_id).encode()
                and dict(record.headers)["ce_type"].startswith(b"EndorsementRevoked"))

    [revoked] = await wait_for(lambda: on_topic(REVIEWS.name, revocation, 1), within=60)
    assert isinstance(revoked, EndorsementRevoked)
    assert revoked.reason == "erasure"
    # its v2 twin carries the reason sealed under the holder, who is erased: a token that opens to nothing
    [sealed] = await wait_for(lambda: on_topic(REVIEWS_V2.name, revocation, 1), within=60)
    assert isinstance(sealed, reviews_v2.EndorsementRevoked)
    assert sealed.reason == erased_token(subject)
    assert service.subject_keys is not None and service.subject_keys.open(sealed.reason) is None

    # and the aggregates still load, with every personal value None
    case = reviews.get_case(case_id, "itmhca")
    assert (case.applicant.name, case.applicant.email, endorsement.holder.name) == (None, None, None)
    [assignment] = case.assignments.values()
    assert assignment.recommendation is not None
    assert (assignment.recommendation.comments_for_applicant, assignment.recommendation.private_notes) == (None, None)
    assert reviews.case_file(case_id, "itmhca").history[0].by_name is None

    # and the read models are scrubbed: no table of the schema holds anything of theirs
    async def scrubbed() -> Any:
        page = await _ok(client.get("/reviews/endorsements?status=revoked&limit=100", headers=coordinator))
        row = next((item for item in (page or {"items": []})["items"] if item["id"] == str(endorsement_id)), None)
        return row is not None and row["holder_name"] is None

    await wait_for(scrubbed, within=30)
    await wait_for(lambda: _no_marker(database_url, mark), within=30)


async def _ok(call: Awaitable[Any]) -> Any:
    response = await call
    return response.json() if response.status_code == 200 else None


async def _marked(database_url: str, mark: dict[str, str]) -> bool:
    return bool(hits(stored_texts(database_url, SCHEMA), mark["name"]))


async def _no_marker(database_url: str, mark: dict[str, str]) -> bool:
    return hits(stored_texts(database_url, SCHEMA), *mark.values()) == {}
