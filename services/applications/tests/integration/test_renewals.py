"""Renewals and reinstatements end to end on PostgreSQL and the broker: an `EndorsementGranted` CloudEvent on the
reviews topic makes the applicant a holder, who renews over HTTP (`RenewalSubmitted` on the applications topic);
an `EndorsementLapsed` then refuses renewals and lets the holder apply for reinstatement.

The service's clock is pinned to 2026-11-02 (Arizona), inside ITMHCA's 2026 renewal window (Oct 1 - Feb 1).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.domain import Actor, Applicant, Application
from applications.use_cases.holdings import HoldingCases
from endorsement_contracts import APPLICATIONS, decode
from endorsement_contracts.events.applications import ApplicationStarted, RenewalSubmitted
from journeys import assert_problem, complete_through_use_cases
from reference_builders import complete_references
from renewal_journeys import complete_renewal, granted, lapsed

if TYPE_CHECKING:
    from sealed_reviews import ReviewsFeed

    from conftest import Person, Running

NOV_2_2026 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)



pytestmark = pytest.mark.consumes_reviews  # these tests publish to the reviews topic (sealed, on v2)

async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 30.0) -> Any:
    """Poll `check` until it answers something truthy."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


def actor_of(caller: Person) -> Actor:
    return Actor(caller.account_id, caller.tenant, caller.roles)


def submitted_ifs(app: ApplicationsService, caller: Person) -> Application:
    """An initial IFS application, complete and submitted through the use cases."""
    actor = actor_of(caller)
    application = app.start(actor, Applicant(caller.account_id, caller.name, caller.email), "IFS")
    complete_through_use_cases(app, actor, application.id)
    if any(r.code == "REFERENCES" for r in app.requirements(app.get(application.id, actor)).unmet):
        complete_references(app, actor, application.id)
    return app.submit(application.id, actor)


async def holding_of(running: Running, caller: Person, endorsement_id: UUID, status: str) -> dict[str, Any] | None:
    response = await running.http.get(f"/applications/holdings/{endorsement_id}", headers=caller.headers)
    return response.json() if response.status_code == 200 and response.json()["status"] == status else None


async def test_a_granted_endorsement_is_renewed_and_after_a_lapse_reinstated(
    running: Running,
    person: Callable[..., Person],
    topics: str,
    reviews: ReviewsFeed,
    read_records: Callable[..., list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    monkeypatch.setattr(app, "clock", lambda: NOV_2_2026)
    dana = person("itmhca", "applicant", name="Dana Reyes", email="dana@example.org")
    initial = await asyncio.to_thread(submitted_ifs, app, dana)

    grant = granted(actor_of(dana), application_id=initial.id)
    await asyncio.to_thread(reviews.publish, grant, uuid4(), 2)  # a republished copy changes nothing
    holding = await eventually(lambda: holding_of(running, dana, grant.endorsement_id, "active"))
    assert holding["renewal_window"] == {
        "year": 2026,
        "opens": "2026-10-01",
        "due": "2026-12-15",
        "removal": "2027-02-01",
    }
    assert holding["version"] == 1

    again = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
    assert_problem(again, 409, "CATEGORY_ALREADY_HELD")
    second = await running.http.post("/applications", json={"category": "IMHS"}, headers=dana.headers)
    assert second.status_code == 201, second.text

    started = await running.http.post(
        "/applications/renewals", json={"endorsement_id": str(grant.endorsement_id)}, headers=dana.headers
    )
    assert started.status_code == 201, started.text
    renewal_id = started.json()["id"]
    assert started.headers["location"] == f"/applications/{renewal_id}"
    assert (started.json()["kind"], started.json()["renewal"]["renewal_year"]) == ("renewal", 2026)
    assert {u["code"] for u in started.json()["unmet_requirements"]} >= {"RENEWAL_TRAINING_HOURS", "FEE_RENEWAL"}
    twice = await running.http.post(
        "/applications/renewals", json={"endorsement_id": str(grant.endorsement_id)}, headers=dana.headers
    )
    assert_problem(twice, 409, "RENEWAL_ALREADY_OPEN")

    await asyncio.to_thread(complete_renewal, app, actor_of(dana), UUID(renewal_id))
    submitted = await running.http.post(f"/applications/{renewal_id}/submit", headers=dana.headers)
    assert submitted.status_code == 200, submitted.text

    records = await asyncio.to_thread(read_records, topics, renewal_id, count=2)
    events = [decode(list(r.headers), r.value).event for r in records]
    assert [type(e) for e in events] == [ApplicationStarted, RenewalSubmitted]
    assert all(r.topic == APPLICATIONS.name for r in records)
    started_event, renewal_submitted = events
    assert isinstance(started_event, ApplicationStarted) and isinstance(renewal_submitted, RenewalSubmitted)
    assert (started_event.kind, started_event.endorsement_id) == ("renewal", grant.endorsement_id)
    assert (renewal_submitted.endorsement_id, renewal_submitted.renewal_year) == (grant.endorsement_id, 2026)
    assert renewal_submitted.applicant.account_id == dana.account_id
    assert all(o.met for o in renewal_submitted.requirement_report)

    own = await running.http.get("/applications/holdings", headers=dana.headers)
    coordinator = person("itmhca", "coordinator")
    everyone = await running.http.get("/applications/holdings", headers=coordinator.headers)
    assert [i["endorsement_id"] for i in own.json()["items"]] == [str(grant.endorsement_id)]
    assert str(grant.endorsement_id) in {i["endorsement_id"] for i in everyone.json()["items"]}
    other = await running.http.get("/applications/holdings", headers=person("itmhca", "applicant").headers)
    assert other.json()["total"] == 0

    await asyncio.to_thread(reviews.publish, lapsed(grant.endorsement_id), uuid4())
    await eventually(lambda: holding_of(running, dana, grant.endorsement_id, "lapsed"))
    monkeypatch.setattr(app, "clock", lambda: datetime(2027, 3, 1, 18, 0, tzinfo=UTC))

    late = await running.http.post(
        "/applications/renewals", json={"endorsement_id": str(grant.endorsement_id)}, headers=dana.headers
    )
    assert_problem(late, 409, "ENDORSEMENT_NOT_ACTIVE")
    reinstatement = await running.http.post(
        "/applications/reinstatements", json={"endorsement_id": str(grant.endorsement_id)}, headers=dana.headers
    )
    assert reinstatement.status_code == 201, reinstatement.text
    assert reinstatement.json()["kind"] == "reinstatement"
    assert reinstatement.json()["renewal"]["lapsed_on"] == date(2027, 2, 2).isoformat()

    await running.catch_up()
    listed = await running.http.get("/applications/holdings", params={"status": "lapsed"}, headers=dana.headers)
    assert [(i["endorsement_id"], [h["what"] for h in i["history"]]) for i in listed.json()["items"]] == [
        (str(grant.endorsement_id), ["granted", "lapsed"])
    ]


async def test_refusals_are_problems_with_stable_codes(
    running: Running, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    monkeypatch.setattr(app, "clock", lambda: NOV_2_2026)
    dana = person("itmhca", "applicant")
    unknown = {"endorsement_id": str(uuid4())}

    assert_problem(
        await running.http.post("/applications/renewals", json=unknown, headers=dana.headers),
        404,
        "ENDORSEMENT_NOT_HELD",
    )
    assert_problem(
        await running.http.post("/applications/reinstatements", json=unknown, headers=dana.headers),
        404,
        "ENDORSEMENT_NOT_HELD",
    )
    assert_problem(
        await running.http.get(f"/applications/holdings/{uuid4()}", headers=dana.headers), 404, "ENDORSEMENT_NOT_HELD"
    )
    assert_problem(
        await running.http.post(
            f"/applications/holdings/{uuid4()}/inactive", json={"reason": "leave"}, headers=dana.headers
        ),
        404,
        "ENDORSEMENT_NOT_HELD",
    )

    grant = granted(actor_of(dana))
    await asyncio.to_thread(
        lambda: app.save(
            *HoldingCases(app).holding_granted(
                "itmhca",
                grant.endorsement_id,
                Applicant(dana.account_id, dana.name, dana.email),
                "IFS",
                "Infant Family Specialist",
                grant.application_id,
                grant.effective_date,
                grant.renewal_date,
            )
        )
    )
    body = {"endorsement_id": str(grant.endorsement_id)}
    assert_problem(
        await running.http.post("/applications/reinstatements", json=body, headers=dana.headers), 409, "NOT_LAPSED"
    )
    inactive = await running.http.post(
        f"/applications/holdings/{grant.endorsement_id}/inactive", json={"reason": "family leave"}, headers=dana.headers
    )
    assert inactive.status_code == 200, inactive.text
    assert (inactive.json()["status"], inactive.json()["inactive_reason"]) == ("inactive", "family leave")
    assert_problem(
        await running.http.post(
            f"/applications/holdings/{grant.endorsement_id}/inactive", json={"reason": "again"}, headers=dana.headers
        ),
        409,
        "ENDORSEMENT_NOT_ACTIVE",
    )

    monkeypatch.setattr(app, "clock", lambda: datetime(2026, 9, 30, 18, 0, tzinfo=UTC))
    assert_problem(
        await running.http.post("/applications/renewals", json=body, headers=dana.headers), 409, "RENEWAL_NOT_OPEN"
    )

    initial = await running.http.post("/applications", json={"category": "IFA"}, headers=dana.headers)
    declared = await running.http.put(
        f"/applications/{initial.json()['id']}/rsc-provision", json={"provides_rsc": True}, headers=dana.headers
    )
    assert_problem(declared, 409, "NOT_A_RENEWAL")
    assert_problem(
        await running.http.post("/applications", json={"category": "IFA"}, headers=dana.headers),
        409,
        "APPLICATION_ALREADY_OPEN",
    )
    assert_problem(
        await running.http.post("/applications/renewals", json=body, headers=person("itmhca", "coordinator").headers),
        403,
        "FORBIDDEN",
    )
