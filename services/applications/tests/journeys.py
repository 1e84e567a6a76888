"""Applicant journeys: the calls that complete an application, over HTTP and through the use cases.

The minimal complete ITMHCA IFS application (`complete_ifs_calls`) is what the end-to-end tests replay through
the gateway after `POST /applications {"category": "IFS"}`; every date is relative to the caller's today and
at least two days in the past, so the calls stay valid whatever the date and the time zone:

  PATCH /applications/{id}                    {"statement": …, "ethics_attested": true}  (signs both attestations)
  PUT   /applications/{id}/membership         ITMHCA, individual, expires in a year
  POST  /applications/{id}/education          a bachelor's degree
  POST  /applications/{id}/work               3 years (ongoing), paid, 12 families, ages 0-3, direct service
  POST  /applications/{id}/training           30 hours tagged with competencies
  POST  /applications/{id}/rsc                24 hours from an IMHM-C provider over 391 days
  PUT   /applications/{id}/fees/registration  USD 20.00
  POST  /applications/{id}/register           -> "registered" (ITMHCA's rules require registration)
  POST  /applications/{id}/registration/accept  by a coordinator of the association -> "accepted"
  PUT   /applications/{id}/fees/processing    USD 100.00
  POST  /applications/{id}/references         a rater per slot (supervisor; RSC provider, endorsed IMHM-C; colleague),
  POST  /references/{token}                   each answering through the link emailed to them
  POST  /applications/{id}/submit             -> 200, status "submitted"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from applications.application import ApplicationsService
from applications.domain import Actor, Application
from reference_builders import complete_references, complete_references_over_http
from rule_builders import satisfying


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    """Relative to `/applications/{id}`."""
    body: dict[str, Any] | None
    status: int
    by: str = "applicant"
    """Who makes the call: the `applicant`, or a `coordinator` of the association."""


def complete_ifs_calls(today: date | None = None) -> list[Call]:
    """Everything an ITMHCA IFS draft needs before `submit` (every rule version since 2015 accepts it)."""
    today = today or date.today()

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    return [
        Call("PATCH", "", {"statement": "Home visiting with families of infants for three years.",
                           "ethics_attested": True}, 200),
        Call("PUT", "/membership", {"association": "ITMHCA", "member_id": "AZ-1001",
                                    "expires_on": (today + timedelta(days=365)).isoformat()}, 200),
        Call("POST", "/education", {"kind": "degree", "level": "bachelor", "field": "Child development",
                                    "institution": "Arizona State University", "year": today.year - 6}, 201),
        Call("POST", "/work", {"employer": "Early Head Start", "role": "Home visitor", "start": day(1095),
                               "paid": True, "supervised": True, "families_served": 12, "age_band": "0-3",
                               "activities": ["direct_service"]}, 201),
        Call("POST", "/training", {"title": "Foundations of infant mental health", "provider": "ITMHCA",
                                   "completed_on": day(60), "hours": 30,
                                   "competencies": ["theoretical_foundations", "tf_attachment_trauma_loss"]}, 201),
        Call("POST", "/rsc", {"provider_name": "Rita Moreno", "provider_category": "IMHM-C", "hours": 24,
                              "start": day(400), "end": day(10), "format": "individual"}, 201),
        Call("PUT", "/fees/registration", {"amount_cents": 2000, "reference": "REG-1001", "paid_on": day(30)}, 200),
        Call("POST", "/register", None, 200),
        Call("POST", "/registration/accept", None, 200, by="coordinator"),
        Call("PUT", "/fees/processing", {"amount_cents": 10000, "reference": "PROC-1001", "paid_on": day(2)}, 200),
    ]


PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and stable code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert (body["status"], body["code"]) == (status, code)
    return body


def complete_ifs_application(client: httpx.Client, headers: dict[str, str], application_id: str,
                             today: date | None = None, *, coordinator: dict[str, str]) -> None:
    """Replay `complete_ifs_calls` with a synchronous client. References are not included: their raters answer
    through links that reach them by email (the e2e client reads them from the mail sink)."""
    for call in complete_ifs_calls(today):
        response = client.request(call.method, f"/applications/{application_id}{call.path}", json=call.body,
                                  headers=coordinator if call.by == "coordinator" else headers)
        assert response.status_code == call.status, f"{call.method} {call.path}: {response.text}"


async def complete_ifs_application_async(http: httpx.AsyncClient, headers: dict[str, str], application_id: str,
                                         today: date | None = None, *, coordinator: dict[str, str],
                                         service: ApplicationsService) -> None:
    """`complete_ifs_calls`, then a rater per reference slot named and answering over HTTP (the rater links reach
    raters by email only, so the test takes them from the `service`)."""
    for call in complete_ifs_calls(today):
        response = await http.request(call.method, f"/applications/{application_id}{call.path}", json=call.body,
                                      headers=coordinator if call.by == "coordinator" else headers)
        assert response.status_code == call.status, f"{call.method} {call.path}: {response.text}"
    await complete_references_over_http(http, headers, service, application_id)


def complete_through_use_cases(service: ApplicationsService, actor: Actor, application_id: UUID,
                               on: date | None = None) -> Application:
    """Enter the least evidence the rules in force on `on` (the association's today) need, for any category:
    references completed by their raters; register and have a coordinator accept where those rules require it."""
    application = service.get(application_id, actor)
    on = on or service.local_date(application.tenant)
    rules = service.rules_on(application, on)
    evidence = satisfying(rules, on)
    for entry in (*evidence.education, *evidence.work, *evidence.training, *evidence.rsc):
        service.add_entry(application_id, actor, entry)
    if evidence.membership is not None:
        service.record_membership(application_id, actor, evidence.membership)
    for kind in evidence.attestations:
        service.attest(application_id, actor, kind)
    for fee in evidence.fees.values():
        if fee.amount_cents > 0:
            service.record_fee(application_id, actor, fee)
    complete_references(service, actor, application_id, on)
    if rules.registration.required:
        service.register(application_id, actor)
        service.accept_registration(application_id, Actor(uuid4(), application.tenant, frozenset({"coordinator"})))
    return service.get(application_id, actor)
