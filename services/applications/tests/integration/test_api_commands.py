"""The command API on the real engines: every answer is the aggregate's state or an RFC 9457 problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from journeys import assert_problem, complete_ifs_calls
from reference_builders import complete_references_over_http
from servicekit.identity import generate_key_pair

if TYPE_CHECKING:
    from conftest import Person, Running

async def start(running: Running, applicant: Person, category: str = "IFA") -> dict[str, Any]:
    response = await running.http.post("/applications", json={"category": category}, headers=applicant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


IFS_UNMET = ["EDUCATION", "WORK_DIRECT_SERVICE", "TRAINING_HOURS", "RSC_HOURS", "REFERENCES", "MEMBERSHIP",
             "ATTESTATION_CODE_OF_ETHICS", "ATTESTATION_ENDORSEMENT_AGREEMENT", "FEE_REGISTRATION", "FEE_PROCESSING",
             "REGISTRATION_ACCEPTED"]


async def test_an_applicant_completes_and_submits_an_application(running: Running,
                                                                 person: Callable[..., Person]) -> None:
    dana = person("itmhca", "applicant", name="Dana Reyes", email="dana@example.org")

    created = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)

    assert created.status_code == 201
    draft = created.json()
    assert created.headers["location"] == f"/applications/{draft['id']}"
    assert draft["status"] == "draft"
    assert draft["tenant"] == "itmhca"
    assert draft["applicant"] == {"account_id": str(dana.account_id), "name": "Dana Reyes", "email": "dana@example.org"}
    assert (draft["category"], draft["category_name"]) == ("IFS", "Infant Family Specialist")
    assert [u["code"] for u in draft["unmet_requirements"]] == IFS_UNMET
    assert (draft["education"], draft["membership"], draft["fees"]) == ([], None, [])

    patched = await running.http.patch(f"/applications/{draft['id']}", headers=dana.headers,
                                       json={"statement": "Early Head Start home visitor.", "county": "Maricopa"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["details"] == {"phone": None, "county": "Maricopa",
                                         "statement": "Early Head Start home visitor.", "ethics_attested": False}

    refused = await running.http.post(f"/applications/{draft['id']}/submit", headers=dana.headers)
    body = assert_problem(refused, 422, "REQUIREMENTS_NOT_MET")
    assert [(e["code"], e["field"]) for e in body["errors"]][:2] == [("EDUCATION", "education"),
                                                                    ("WORK_DIRECT_SERVICE", "work")]
    assert all(e["message"] and e["reasons"] for e in body["errors"])

    calls = complete_ifs_calls()
    coordinator = person("itmhca", "coordinator")
    for call in calls[:-1]:  # everything but the processing fee (registration and its acceptance included)
        response = await running.http.request(call.method, f"/applications/{draft['id']}{call.path}",
                                              json=call.body,
                                              headers=coordinator.headers if call.by == "coordinator" else dana.headers)
        assert response.status_code == call.status, response.text
    await complete_references_over_http(running.http, dana.headers, running.service.app,  # type: ignore[arg-type]
                                        draft["id"])
    almost = (await running.http.get(f"/applications/{draft['id']}", headers=dana.headers)).json()
    assert almost["details"]["county"] == "Maricopa"  # a PATCH keeps the fields it does not mention
    assert [u["code"] for u in almost["unmet_requirements"]] == ["FEE_PROCESSING"]
    refused = await running.http.post(f"/applications/{draft['id']}/submit", headers=dana.headers)
    body = assert_problem(refused, 422, "REQUIREMENTS_NOT_MET")
    assert body["errors"] == [{"code": "FEE_PROCESSING", "field": "fees",
                               "message": "processing fee: USD 0.00 recorded of USD 100.00",
                               "progress": {"have": 0.0, "need": 10000.0, "unit": "cents"},
                               "reasons": [{"code": "FEE_NOT_RECORDED",
                                            "message": "record the processing fee of USD 100.00",
                                            "params": {"fee": "processing", "need_cents": 10000,
                                                       "currency": "USD"}}]}]
    fee = calls[-1]
    assert (await running.http.put(f"/applications/{draft['id']}{fee.path}", json=fee.body,
                                   headers=dana.headers)).status_code == 200

    submitted = await running.http.post(f"/applications/{draft['id']}/submit", headers=dana.headers)
    assert submitted.status_code == 200, submitted.text
    state = submitted.json()
    assert state["status"] == "submitted"
    assert state["submission_number"] == 1
    assert state["rule_set_version"] == "itmhca/IFS/2025-01-01"
    assert state["exam_required"] is False
    assert [line["code"] for line in state["requirement_report"]] == IFS_UNMET
    assert all(line["met"] for line in state["requirement_report"])
    assert state["submitted_at"] is not None
    assert state["unmet_requirements"] == []

    again = await running.http.post(f"/applications/{draft['id']}/submit", headers=dana.headers)
    assert_problem(again, 409, "ALREADY_SUBMITTED")
    edit = await running.http.patch(f"/applications/{draft['id']}", headers=dana.headers, json={"county": "Pima"})
    assert_problem(edit, 409, "NOT_EDITABLE")
    more = await running.http.post(f"/applications/{draft['id']}/training", headers=dana.headers,
                                   json=calls[4].body)
    assert_problem(more, 409, "NOT_EDITABLE")

    read = await running.http.get(f"/applications/{draft['id']}", headers=dana.headers)
    assert read.json() == submitted.json()


async def test_withdrawing_records_the_reason_and_ends_the_application(running: Running,
                                                                     person: Callable[..., Person]) -> None:
    dana = person()
    draft = await start(running, dana)

    withdrawn = await running.http.post(f"/applications/{draft['id']}/withdraw", headers=dana.headers,
                                        json={"reason": "Changed jobs"})

    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status"], withdrawn.json()["withdrawal_reason"]) == ("withdrawn", "Changed jobs")
    assert_problem(await running.http.post(f"/applications/{draft['id']}/withdraw", headers=dana.headers,
                                           json={"reason": "again"}), 409, "NOT_WITHDRAWABLE")
    assert_problem(await running.http.post(f"/applications/{draft['id']}/submit", headers=dana.headers),
                   409, "NOT_SUBMITTABLE")
    assert_problem(await running.http.post(f"/applications/{draft['id']}/withdraw", headers=dana.headers,
                                           json={"reason": ""}), 422, "VALIDATION_FAILED")


async def test_a_second_tenant_works_from_its_file_alone(running: Running, person: Callable[..., Person]) -> None:
    lee = person("lakes-aimh", "applicant")

    draft = await start(running, lee, "ECMHS")

    assert (draft["tenant"], draft["category_name"]) == ("lakes-aimh", "Early Childhood Mental Health Specialist")
    refused = await running.http.post("/applications", json={"category": "IFA"}, headers=lee.headers)
    assert_problem(refused, 422, "UNKNOWN_CATEGORY")


async def test_refusals_are_problems_and_change_nothing(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    draft = await start(running, dana)
    written = running.service.app.recorder.max_notification_id()  # Started, and the applicant's portfolio
    url = f"/applications/{draft['id']}"

    assert_problem(await running.http.post("/applications", json={"category": "NOPE"}, headers=dana.headers),
                   422, "UNKNOWN_CATEGORY")
    assert_problem(await running.http.post("/applications", json={}, headers=dana.headers), 422, "VALIDATION_FAILED")
    assert_problem(await running.http.post("/applications", content=b"{not json", headers=dana.headers),
                   422, "VALIDATION_FAILED")
    too_long = await running.http.patch(url, headers=dana.headers, json={"statement": "x" * 4001})
    body = assert_problem(too_long, 422, "VALIDATION_FAILED")
    assert body["errors"][0]["location"] == "body.statement"
    assert_problem(await running.http.patch(url, headers=dana.headers, json={"colour": "red"}),
                   422, "VALIDATION_FAILED")
    assert_problem(await running.http.patch(url, headers=dana.headers, json={"ethics_attested": None}),
                   422, "VALIDATION_FAILED")
    assert_problem(await running.http.get("/applications/not-a-uuid", headers=dana.headers), 422, "VALIDATION_FAILED")
    unusable = person(email="not an email")
    assert_problem(await running.http.post("/applications", json={"category": "IFA"}, headers=unusable.headers),
                   422, "INVALID_APPLICANT")

    after = await running.http.get(url, headers=dana.headers)
    assert after.json() == draft  # nothing was written by any refusal
    assert running.service.app.recorder.max_notification_id() == written  # no refusal wrote an event


async def test_without_a_gateway_token_every_route_is_401(running: Running, person: Callable[..., Person]) -> None:
    forged = person(private_key=generate_key_pair()[0])
    for method, url in [("POST", "/applications"), ("GET", "/applications"),
                        ("GET", "/applications/8b9f5c3e-55a4-4cb3-9d6c-0a5bd1e1a001"),
                        ("PATCH", "/applications/8b9f5c3e-55a4-4cb3-9d6c-0a5bd1e1a001"),
                        ("POST", "/applications/8b9f5c3e-55a4-4cb3-9d6c-0a5bd1e1a001/submit"),
                        ("POST", "/applications/8b9f5c3e-55a4-4cb3-9d6c-0a5bd1e1a001/withdraw")]:
        missing = await running.http.request(method, url, json={})
        assert_problem(missing, 401, "MISSING_IDENTITY")
        assert missing.headers["www-authenticate"] == "Bearer"
        assert_problem(await running.http.request(method, url, json={}, headers=forged.headers),
                       401, "INVALID_IDENTITY")


async def test_other_applicants_and_tenants_cannot_see_or_touch_it(running: Running,
                                                                    person: Callable[..., Person]) -> None:
    dana = person("itmhca", "applicant")
    draft = await start(running, dana)
    url = f"/applications/{draft['id']}"
    other_applicant = person("itmhca", "applicant")
    other_tenant_coordinator = person("lakes-aimh", "coordinator", "applicant")
    same_account_other_tenant = person("lakes-aimh", "applicant", account_id=dana.account_id)
    coordinator = person("itmhca", "coordinator")

    for stranger in (other_applicant, other_tenant_coordinator, same_account_other_tenant):
        assert_problem(await running.http.get(url, headers=stranger.headers), 404, "APPLICATION_NOT_FOUND")
        assert_problem(await running.http.patch(url, headers=stranger.headers, json={"county": "Pima"}),
                       404, "APPLICATION_NOT_FOUND")
        assert_problem(await running.http.post(f"{url}/submit", headers=stranger.headers),
                       404, "APPLICATION_NOT_FOUND")
        assert_problem(await running.http.post(f"{url}/withdraw", headers=stranger.headers, json={"reason": "x"}),
                       404, "APPLICATION_NOT_FOUND")

    seen = await running.http.get(url, headers=coordinator.headers)
    assert seen.status_code == 200
    assert seen.json()["id"] == draft["id"]
    assert_problem(await running.http.patch(url, headers=coordinator.headers, json={"county": "Pima"}),
                   403, "NOT_THE_APPLICANT")
    assert_problem(await running.http.post(f"{url}/withdraw", headers=coordinator.headers, json={"reason": "x"}),
                   403, "NOT_THE_APPLICANT")
    assert_problem(await running.http.post("/applications", json={"category": "IFA"}, headers=coordinator.headers),
                   403, "FORBIDDEN")
    unknown_tenant = person("nowhere-aimh", "applicant")
    assert_problem(await running.http.post("/applications", json={"category": "IFA"},
                                           headers=unknown_tenant.headers), 403, "UNKNOWN_TENANT")
    assert_problem(await running.http.get(f"/applications/{uuid4()}", headers=dana.headers),
                   404, "APPLICATION_NOT_FOUND")
    assert (await running.http.get(url, headers=dana.headers)).json() == draft

