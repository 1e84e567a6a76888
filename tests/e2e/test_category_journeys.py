"""Every ITMHCA category from sign-up to a credential, through an information request, on the real processes.

Per category (parametrised over the tenant file's `categories`): the applicant completes the least application the
rule version in force today accepts (`category_journeys`), submits; the coordinator finds it complete and assigns
a reviewer the service suggests (eligible: endorsed at the applicant's rank or higher); the reviewer accepts and
asks for information; the applicant sees the application returned, gets the email, edits and resubmits; the
reviewer recommends with a competency checklist; where the rules require the exam the coordinator approves for
it, the applicant registers for a sitting, part 1 is recorded and two scorers pass part 2 blind; the coordinator
approves and the grant becomes a credential. One more test withdraws a submitted application.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.stack import Stack

from .category_journeys import (
    Headers,
    Mailbox,
    application_in,
    assert_requirements_met,
    assign_suggested_reviewer,
    case_in,
    categories,
    category_name,
    check,
    checklist,
    credential_issued,
    endorsement_granted,
    leaked,
    local_today,
    noon_on,
    prepare_application,
    review_file,
    rules_in_force,
    scorer_item,
    subject_of,
    submit,
    tenant_file,
    text_of,
)
from .stack_client import COORDINATOR, eventually, login, sign_up_applicant

INFORMATION_ITEMS = ["Describe how your reflective supervision is arranged"]
STATEMENT_AFTER = "Relationship-based work with infants; RSC monthly with Rita Moreno, individually."


@pytest.fixture(scope="module")
def coordinator(stack: Stack, gateway: httpx.Client) -> Headers:
    return login(gateway, COORDINATOR, stack.secrets.seed_password)


@pytest.fixture(scope="module")
def mailbox(mail_dir: Path) -> Mailbox:
    return Mailbox(mail_dir)


@pytest.mark.parametrize("category", categories())
def test_category_from_application_to_credential(
    category: str, stack: Stack, gateway: httpx.Client, mailbox: Mailbox, coordinator: Headers
) -> None:
    """Given the category's rules in force today, the applicant, the coordinator, a reviewer (and for the exam two
    scorers) take the application from sign-up through an information request to an endorsement and credential."""
    rules = rules_in_force(category)
    title = category_name(category)
    name = f"Noor Tsosie-Quintero {category}"
    email, applicant = sign_up_applicant(gateway, name)

    # the applicant: the least complete application, every requirement met, submitted
    application_id = prepare_application(gateway, applicant, coordinator, mailbox, category)
    report = assert_requirements_met(gateway, applicant, application_id)
    assert (report["rule_set_version"], report["exam_required"]) == (
        f"itmhca/{category}/{rules.effective_from.isoformat()}",
        rules.exam.required,
    )
    submit(gateway, applicant, application_id)

    # the coordinator: complete; the association's number of reviewers; a suggested, eligible reviewer
    case = case_in(gateway, coordinator, application_id, "open")
    assert case["review"]["reviewers_required"] == tenant_file()["review"]["reviewers_per_case"]
    assert case["review"]["sequential"] is review_file()["policy"]["sequential"]
    case = check(
        gateway.post(f"/reviews/cases/{case['id']}/completeness", json={"outcome": "complete"}, headers=coordinator)
    )
    assert case["status"] == "in_review"
    reviewer_email = assign_suggested_reviewer(gateway, coordinator, case)
    reviewer = login(gateway, reviewer_email, stack.secrets.seed_password)
    assignment = f"/reviews/assignments/{case['id']}"
    assert check(gateway.post(f"{assignment}/accept", json={}, headers=reviewer))["assignment"]["status"] == "accepted"

    # the reviewer asks for information: the application is returned, the applicant is told by email
    asked = check(
        gateway.post(
            f"{assignment}/request-information",
            headers=reviewer,
            json={"items": INFORMATION_ITEMS, "message": "Please say more about your RSC."},
        )
    )
    assert asked["status"] == "on_hold", asked
    returned = application_in(gateway, applicant, application_id, "returned")
    assert returned["review"]["information_request"]["items"] == INFORMATION_ITEMS
    notice = mailbox.wait_for(email, f"More information needed for your {title} application")
    assert INFORMATION_ITEMS[0] in text_of(notice)

    # the applicant edits and resubmits; the case resumes with its reviewer
    edited = check(
        gateway.patch(f"/applications/{application_id}", json={"statement": STATEMENT_AFTER}, headers=applicant)
    )
    assert edited["details"]["statement"] == STATEMENT_AFTER
    assert_requirements_met(gateway, applicant, application_id)
    resubmitted = submit(gateway, applicant, application_id)
    assert (resubmitted["submission_number"], resubmitted["review"]["in_response_to"]) == (2, "information_request")
    case = case_in(gateway, coordinator, application_id, "in_review", submission=2)

    # every required reviewer recommends (sequential: the next is assigned once the one before recommended)
    recommendation = "approve_for_exam" if rules.exam.required else "endorse"
    for number in range(case["review"]["reviewers_required"]):
        if number:
            reviewer_email = assign_suggested_reviewer(gateway, coordinator, case)
            reviewer = login(gateway, reviewer_email, stack.secrets.seed_password)
            check(gateway.post(f"{assignment}/accept", json={}, headers=reviewer))
        recommended = check(
            gateway.post(
                f"{assignment}/recommendation",
                headers=reviewer,
                json={
                    "recommendation": recommendation,
                    "comments_for_applicant": "Thorough, reflective practice.",
                    "private_notes": "References consistent.",
                    "checklist": checklist(rules),
                },
            )
        )
        assert recommended["assignment"]["recommendation"]["recommendation"] == recommendation
        case = check(gateway.get(f"/reviews/cases/{case['id']}", headers=coordinator))
    assert (case["status"], case["review"]["consensus"]) == ("recommended", recommendation), case["review"]

    if rules.exam.required:
        refused = check(gateway.post(f"/reviews/cases/{case['id']}/approve", json={}, headers=coordinator), 409)
        assert refused["code"] == "EXAM_REQUIRED"
        pass_the_exam(
            stack, gateway, coordinator, applicant, mailbox, case, secrets=[name, email, application_id, case["id"]]
        )

    # the decision, and what it leads to: the application endorsed, a credential, the emails
    decided = check(gateway.post(f"/reviews/cases/{case['id']}/approve", json={}, headers=coordinator))
    assert decided["status"] == "approved"
    endorsement_id = decided["decision"]["endorsement_id"]
    granted = endorsement_granted(stack, endorsement_id)
    assert (granted["application_id"], granted["category"]) == (application_id, category), granted
    endorsed = application_in(gateway, applicant, application_id, "endorsed")
    assert endorsed["review"]["endorsement"]["endorsement_id"] == endorsement_id
    credential_id, event = credential_issued(stack, endorsement_id)
    credential = check(gateway.get(f"/credentials/{credential_id}"))
    assert credential == event["credential"]
    assert credential["credentialSubject"]["achievement"]["name"].startswith(title), credential["credentialSubject"]
    verified = check(gateway.post("/credentials/verify", json={"verifiableCredential": credential}))
    assert verified["verified"] is True, verified
    mailbox.wait_for(email, f"You are endorsed: {title}")
    received = f"We received your {title} endorsement application"  # the first submission and the second

    def subjects() -> list[str]:
        return [subject_of(m) for m in mailbox.to(email)]

    eventually(lambda: subjects().count(received) == 2, 30, f"two emails {received!r}")
    assert subjects().count(f"More information needed for your {title} application") == 1, subjects()


def pass_the_exam(
    stack: Stack,
    gateway: httpx.Client,
    coordinator: Headers,
    applicant: Headers,
    mailbox: Mailbox,
    case: dict[str, Any],
    *,
    secrets: list[str],
) -> None:
    """Approve for the exam; the examinee registers for the first open sitting; on its day part 1 is recorded and
    two scorers from the roster each pass both vignettes, seeing nothing of the examinee; they agree, so the attempt
    concludes and the case is `exam_passed`."""
    title, email = category_name(case["category"]), secrets[1]
    for_exam = check(gateway.post(f"/reviews/cases/{case['id']}/approve-for-exam", headers=coordinator))
    assert for_exam["status"] == "approved_for_exam"
    exam_id = for_exam["exam"]["examination_id"]
    exam_path = f"/reviews/exams/{exam_id}"
    application_in(gateway, applicant, case["application_id"], "approved_for_exam")
    mailbox.wait_for(email, f"Approved for the exam: {title}")

    def own_exam() -> dict[str, Any] | None:
        items = check(gateway.get("/reviews/exams/mine", headers=applicant))["items"]
        return next((e for e in items if e["id"] == exam_id), None)

    mine = eventually(own_exam, 30, "the examinee's examination")
    assert mine["status"] == "awaiting_registration"
    sitting = mine["open_sittings"][0]  # the sittings are months ahead; first attempts register until `register_by`
    assert date.fromisoformat(sitting["register_by"]) >= local_today()
    registered = check(gateway.post(f"{exam_path}/registrations", json={"sitting": sitting["on"]}, headers=applicant))
    assert (registered["status"], registered["current"]["parts"]) == ("registered", [1, 2])
    mailbox.wait_for(email, f"You are registered for the {title} exam on ")

    too_early = check(gateway.post(f"{exam_path}/part1", json={"percent": 85}, headers=coordinator), 409)
    assert too_early["code"] == "SITTING_NOT_HELD"  # results come from the sitting day on: the stack travels there
    stack.travel_to(noon_on(date.fromisoformat(sitting["on"])))  # every service's business time, not the gateway's
    try:
        part1 = check(gateway.post(f"{exam_path}/part1", json={"percent": 85}, headers=coordinator))
        assert part1["current"]["part1_passed"] is True
        assert part1["current"]["part1_percent"] >= review_file()["exam"]["pass_percent"]
        scorers = [s["email"] for s in review_file()["exam"]["scorers"] if s["trained"] and s.get("active", True)][:2]
        opened = check(
            gateway.post(
                f"{exam_path}/scoring",
                headers=coordinator,
                json={"responses_ref": f"QM-{sitting['on']}-{exam_id[:4]}", "vignettes": 2, "scorers": scorers},
            )
        )
        candidate = opened["current"]["candidate_number"]
        for scorer_email in scorers:
            scorer = login(gateway, scorer_email, stack.secrets.seed_password)
            item = scorer_item(gateway, scorer, candidate)
            detail = check(gateway.get(f"/reviews/scoring/{item['assignment_id']}", headers=scorer))
            scored = check(
                gateway.post(
                    f"/reviews/scoring/{item['assignment_id']}",
                    headers=scorer,
                    json={"vignettes": ["pass", "pass"], "comments": "Sound reasoning."},
                )
            )
            assert scored["status"] == "scored"
            for body in (item, detail, scored):
                assert leaked(body, [*secrets, exam_id]) == [], body  # blind: no name, email or ids
        exam = check(gateway.get(exam_path, headers=coordinator))
        attempt = exam["attempts"][-1]
        assert (exam["status"], exam["parts_passed"]) == ("passed", [1, 2]), exam
        assert (attempt["reconciled_by"], attempt["part2_passed"]) == ("agreement", True), attempt
        case_in(gateway, coordinator, case["application_id"], "exam_passed", submission=2)
    finally:
        stack.set_clock_offset(0)  # the decision is taken today: the credential is valid now
    mailbox.wait_for(email, f"You passed the {title} exam")


def test_withdrawn_application_closes_its_case(
    stack: Stack, gateway: httpx.Client, mailbox: Mailbox, coordinator: Headers
) -> None:
    """Given a submitted application with an accepted reviewer, when the applicant withdraws it, then it is
    `withdrawn`, its review case is `withdrawn` in the coordinator's view and queue, and leaves the reviewer's."""
    category = categories()[0]
    email, applicant = sign_up_applicant(gateway, "Ada Whitehorse")
    application_id = prepare_application(gateway, applicant, coordinator, mailbox, category)
    assert_requirements_met(gateway, applicant, application_id)
    submit(gateway, applicant, application_id)
    case = case_in(gateway, coordinator, application_id, "open")
    case = check(
        gateway.post(f"/reviews/cases/{case['id']}/completeness", json={"outcome": "complete"}, headers=coordinator)
    )
    reviewer_email = assign_suggested_reviewer(gateway, coordinator, case)
    reviewer = login(gateway, reviewer_email, stack.secrets.seed_password)
    check(gateway.post(f"/reviews/assignments/{case['id']}/accept", json={}, headers=reviewer))

    def reviewer_queue() -> set[str]:
        return {a["case_id"] for a in check(gateway.get("/reviews/assignments", headers=reviewer))["items"]}

    eventually(lambda: case["id"] in reviewer_queue(), 30, "the case in the reviewer's queue")
    withdrawn = check(
        gateway.post(f"/applications/{application_id}/withdraw", json={"reason": "Moving to Utah"}, headers=applicant)
    )
    assert (withdrawn["status"], withdrawn["withdrawal_reason"]) == ("withdrawn", "Moving to Utah")
    closed = case_in(gateway, coordinator, application_id, "withdrawn")
    assert closed["id"] == case["id"] and closed["decision"] is None

    def in_withdrawn_queue() -> bool:  # the queues are read models: they follow the case shortly after
        queue = check(gateway.get("/reviews/cases", params={"status": "withdrawn"}, headers=coordinator))
        return case["id"] in {c["id"] for c in queue["items"]}

    eventually(in_withdrawn_queue, 30, "the case in the coordinator's withdrawn queue")
    eventually(lambda: case["id"] not in reviewer_queue(), 30, "the case gone from the reviewer's queue")
    assert gateway.get(f"/reviews/assignments/{case['id']}", headers=reviewer).status_code == 404
    mailbox.wait_for(email, f"Your {category_name(category)} application is withdrawn")
    late = check(gateway.post(f"/applications/{application_id}/submit", headers=applicant), 409)
    assert late["code"] == "NOT_SUBMITTABLE"
