"""On PostgreSQL and the broker, through the HTTP API: the exam from the approval for it to the endorsement.

The examinee registers with accommodations, the coordinator records part 1 and hands the vignettes to two scorers,
who score them blind (no response they get names the examinee, at any depth); their agreement passes the exam, the
coordinator approves, and the case's events are published once each without the examinee's identity.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from endorsement_contracts import REVIEWS
from reviews.application import Reviews, Submission
from reviews.domain import Applicant, ReviewCase
from reviews.domain.examination.aggregate import examination_id_for

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]
ONE, TWO = "scorer.one@itmhca.example", "scorer.two@itmhca.example"
SITTING = "2027-03-13"
IDENTITY_KEYS = {
    "name",
    "email",
    "account_id",
    "application_id",
    "applicant",
    "applicant_name",
    "review_case_id",
    "tenant",
    "history",
    "id",
}


@dataclass
class MovableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def seed(reviews: Reviews, received_at: datetime) -> ReviewCase:
    case = reviews.intake.case_for(
        Submission(
            tenant="itmhca",
            application_id=uuid4(),
            submission_number=1,
            applicant=Applicant(account_id=uuid4(), name="Zoë Núñez", email="zoe.nunez@example.org"),
            category="IMHM-C",
            category_name="Infant Mental Health Mentor - Clinical",
            rule_set_version="itmhca-IMHM-C-2026",
            received_at=received_at,
            employer="Valley Clinic",
            related_emails=("rater@example.org",),
        )
    )
    assert case is not None
    reviews.save(case)
    return case


def leaks(body: Any, secrets: set[str], path: str = "$") -> list[str]:
    """Where an identity field or value of the examinee appears in `body`, at any depth."""
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key in IDENTITY_KEYS:
                found.append(f"{path}.{key}")
            found += leaks(value, secrets, f"{path}.{key}")
    elif isinstance(body, list):
        for i, value in enumerate(body):
            found += leaks(value, secrets, f"{path}[{i}]")
    elif isinstance(body, str) and any(s.casefold() in body.casefold() for s in secrets):
        found.append(f"{path}={body!r}")
    return found


async def test_an_exam_from_approval_for_it_to_the_endorsement(
    start: Any, auth: Auth, wait_for: WaitFor, read: Read
) -> None:
    clock = MovableClock(datetime(2027, 1, 10, 18, tzinfo=UTC))
    async with start(consume=False, clock=clock) as running:
        client, reviews = running.client, running.service.app
        bootstrap = running.service.settings.kafka_bootstrap_servers
        case = seed(reviews, clock.now - timedelta(days=30))
        person = case.applicant
        coordinator = auth()
        examinee = auth(roles=("applicant",), account_id=person.account_id, name=person.name, email=person.email)
        one, two = (auth(roles=("scorer",), email=e, name=e.partition("@")[0]) for e in (ONE, TWO))
        exam_id = examination_id_for(case.id)
        exams = f"/reviews/exams/{exam_id}"
        secrets = {
            person.name,
            person.email,
            "zoe",
            "núñez",
            str(person.account_id),
            str(case.application_id),
            str(case.id),
            str(exam_id),
        }

        async def post(path: str, body: dict[str, Any] | None, headers: dict[str, str], status: int = 200) -> Any:
            response = await client.post(path, json=body, headers=headers)
            assert response.status_code == status, response.text
            return response.json()

        # the coordinator approves the case for the exam: its examination opens with it
        for_exam = await post(f"/reviews/cases/{case.id}/approve-for-exam", None, coordinator)
        assert (for_exam["status"], for_exam["exam"]["examination_id"]) == ("approved_for_exam", str(exam_id))

        async def mine() -> list[Any]:
            items: list[Any] = (await client.get("/reviews/exams/mine", headers=examinee)).json()["items"]
            return items

        [own] = await wait_for(mine)
        assert (own["id"], own["status"]) == (str(exam_id), "awaiting_registration")
        assert own["open_sittings"][0] == {"on": SITTING, "register_by": "2027-02-13"}

        # the examinee registers, asking for accommodations; nobody else may register them
        stranger = auth(roles=("applicant",))
        refused = await post(f"{exams}/registrations", {"sitting": SITTING}, stranger, status=404)
        assert refused["code"] == "EXAM_NOT_FOUND"
        unknown = await post(f"{exams}/registrations", {"sitting": "2027-03-14"}, examinee, status=422)
        assert unknown["code"] == "UNKNOWN_SITTING"
        registered = await post(
            f"{exams}/registrations", {"sitting": SITTING, "accommodations": "Screen reader"}, examinee
        )
        assert (registered["status"], registered["current"]["parts"]) == ("registered", [1, 2])
        assert "candidate_number" not in registered["current"]
        again = await post(f"{exams}/registrations", {"sitting": SITTING}, examinee, status=409)
        assert again["code"] == "ALREADY_REGISTERED"
        granted = await post(f"{exams}/accommodations/decision", {"granted": True}, coordinator)
        assert granted["current"]["accommodations"]["status"] == "granted"

        async def queued() -> list[Any]:
            page = (await client.get(f"/reviews/exams?sitting={SITTING}&status=registered", headers=coordinator)).json()
            items: list[Any] = page["items"]
            return items

        [row] = await wait_for(queued)
        assert (row["id"], row["applicant_name"]) == (str(exam_id), person.name)

        # after the sitting: part 1 (85%), then the vignettes to two distinct scorers
        clock.now = datetime(2027, 3, 14, 18, tzinfo=UTC)
        await post(f"{exams}/part1", {"percent": 85}, coordinator)
        scoring = {"responses_ref": "QM-2027-03-0042", "vignettes": 2, "scorers": [ONE, ONE]}
        assert (await post(f"{exams}/scoring", scoring, coordinator, status=422))["code"] == "SCORERS_NOT_DISTINCT"
        naming = {**scoring, "scorers": [ONE, TWO], "responses_ref": "Nunez Zoe QM-42"}
        assert (await post(f"{exams}/scoring", naming, coordinator, status=422))["code"] == (
            "INVALID_RESPONSES_REFERENCE"
        )
        opened = await post(f"{exams}/scoring", {**scoring, "scorers": [ONE, TWO]}, coordinator)
        candidate = opened["current"]["candidate_number"]

        # each scorer finds the work in their queue and scores it blind
        for headers, verdicts in ((one, ["pass", "pass"]), (two, ["pass", "pass"])):

            async def queue(headers: dict[str, str] = headers) -> Any:
                response = await client.get("/reviews/scoring", headers=headers)
                assert response.status_code == 200, response.text
                return response.json() if response.json()["items"] else None

            page = await wait_for(queue)
            [item] = page["items"]
            assert (item["candidate_number"], item["part"], item["vignettes"], item["responses_ref"]) == (
                candidate,
                2,
                2,
                "QM-2027-03-0042",
            )
            detail = (await client.get(f"/reviews/scoring/{item['assignment_id']}", headers=headers)).json()
            scored = await post(
                f"/reviews/scoring/{item['assignment_id']}", {"vignettes": verdicts, "comments": "Clear"}, headers
            )
            assert scored["status"] == "scored"
            for body in (page, detail, scored):
                assert leaks(body, secrets) == [], body
            duplicate = await post(
                f"/reviews/scoring/{item['assignment_id']}", {"vignettes": verdicts}, headers, status=409
            )
            assert duplicate["code"] == "SCORE_ALREADY_SUBMITTED"
            assert leaks(duplicate, secrets) == []

        # the agreement passes the exam; the case can be approved
        exam = (await client.get(exams, headers=coordinator)).json()
        assert (exam["status"], exam["parts_passed"], exam["attempts"][0]["reconciled_by"]) == (
            "passed",
            [1, 2],
            "agreement",
        )
        feedback = await post(f"{exams}/feedback", {"text": "Strong, well-grounded vignettes."}, coordinator)
        assert feedback["attempts"][0]["feedback"] == "Strong, well-grounded vignettes."
        [own] = await mine()
        assert (own["status"], own["attempts"][0]["feedback"], own["attempts"][0]["passed"]) == (
            "passed",
            "Strong, well-grounded vignettes.",
            True,
        )
        approved = await post(f"/reviews/cases/{case.id}/approve", {}, coordinator)
        assert approved["status"] == "approved"

        # published once each, without the examinee's identity on the exam events
        records = read(bootstrap, REVIEWS.name, lambda r: r.key == str(case.application_id).encode(), expect=4)
        records.sort(key=lambda r: (r.partition, r.offset))
        assert [dict(r.headers)["ce_type"].decode() for r in records] == [
            "ReviewOpened.v1",
            "ApprovedForExam.v1",
            "ExamRegistered.v1",
            "ExamScored.v1",
        ]
        for record in records[2:]:
            body = json.loads(record.value)
            assert (
                leaks(
                    {k: v for k, v in body.items() if k not in {"application_id", "review_case_id", "tenant"}},
                    {person.name, person.email, str(person.account_id)},
                )
                == []
            )
        assert json.loads(records[2].value)["accommodations_requested"] is True
        endorsement_id = approved["decision"]["endorsement_id"]
        granted_records = read(bootstrap, REVIEWS.name, lambda r: r.key == endorsement_id.encode(), expect=1)
        assert [dict(r.headers)["ce_type"].decode() for r in granted_records] == ["EndorsementGranted.v1"]


async def test_who_may_call_the_exam_routes(running_api: Any, auth: Auth) -> None:
    client, reviews = running_api.client, running_api.service.app
    case = seed(reviews, datetime.now(UTC) - timedelta(days=3))
    coordinator, applicant = auth(), auth(roles=("applicant",))
    scorer, not_on_roster = auth(roles=("scorer",), email=ONE), auth(roles=("scorer",), email="reviewer@example.org")
    assert (await client.post(f"/reviews/cases/{case.id}/approve-for-exam", headers=coordinator)).status_code == 200
    exam = f"/reviews/exams/{examination_id_for(case.id)}"
    for method, path, headers in (
        ("get", "/reviews/exams", applicant),
        ("get", exam, scorer),
        ("post", f"{exam}/part1", applicant),
        ("get", "/reviews/scoring", coordinator),
        ("get", "/reviews/exams/mine", scorer),
        ("post", f"{exam}/registrations", scorer),
    ):
        response = await client.request(method, path, headers=headers, json={"percent": 90, "sitting": SITTING})
        assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN"), path
    for path in ("/reviews/scoring", f"/reviews/scoring/{uuid4()}"):
        response = await client.get(path, headers=not_on_roster)
        assert (response.status_code, response.json()["code"]) == (404, "SCORING_ASSIGNMENT_NOT_FOUND")
    other_tenant = auth(tenant="other-assoc")
    assert (await client.get(exam, headers=other_tenant)).status_code == 404
    assert (await client.get(f"/reviews/exams/{UUID(int=7)}", headers=coordinator)).json()["code"] == "EXAM_NOT_FOUND"
