"""Review cycles, the reviewer's checklist and the reports through the HTTP API on PostgreSQL, with a moved clock.

`cohort-assoc` reviews quarterly; intake closes on the 45th day of the quarter at 17:00 in Phoenix (Q4: 14 November).
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
from reviews.application import Reviews, Submission
from reviews.config import TenantCatalog, load_tenants
from reviews.domain import Applicant

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"
PHOENIX = ZoneInfo("America/Phoenix")
DEADLINE = datetime(2026, 11, 14, 17, 0, tzinfo=PHOENIX)
Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]

COHORT_TENANT = """
slug: cohort-assoc
name: Cohort Association
timezone: America/Phoenix
categories: {IFS: Infant Family Specialist}
renewal: {due: "12-15", removal: "02-01"}
"""
COHORT_REVIEWS = """
tenant: cohort-assoc
categories: {IFS: {rank: 2}}
cycles: {cadence: quarterly, deadline_day: 45, deadline_time: "17:00"}
reviewers:
  - {email: rita@cohort.example, name: Rita Reviewer, category: IFS, trained: true}
"""


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def cohort(tmp_path: Path) -> TenantCatalog:
    tenants, reviews = tmp_path / "tenants", tmp_path / "reviews"
    tenants.mkdir()
    reviews.mkdir()
    shutil.copy(TENANTS_DIR / "itmhca.yaml", tenants / "itmhca.yaml")
    (tenants / "cohort-assoc.yaml").write_text(COHORT_TENANT)
    (reviews / "cohort-assoc.yaml").write_text(COHORT_REVIEWS)
    return load_tenants(tenants, reviews)


def seed(reviews: Reviews, tenants: TenantCatalog, received_at: datetime) -> UUID:
    tenant = tenants.get("cohort-assoc")
    assert tenant is not None
    case = reviews.intake.case_for(Submission(
        tenant="cohort-assoc", application_id=uuid4(), submission_number=1,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"), category="IFS",
        category_name="Infant Family Specialist", rule_set_version="cohort-assoc/IFS/2026-01-01",
        received_at=received_at,
    ), cycles=tenant.cycles)
    assert case is not None
    reviews.save(case)
    return case.id


async def test_a_late_submission_waits_for_its_cycle_then_is_reviewed_with_a_checklist_and_reported(
    start: Any, auth: Auth, wait_for: WaitFor, tmp_path: Path
) -> None:
    tenants = cohort(tmp_path)
    clock = MovableClock(datetime(2026, 12, 1, 10, 0, tzinfo=PHOENIX))
    async with start(consume=False, clock=clock, tenants=tenants) as running:
        client: httpx.AsyncClient = running.client
        coordinator = auth(tenant="cohort-assoc")
        reviewer = auth(tenant="cohort-assoc", roles=("reviewer",), email="rita@cohort.example", name="Rita")
        # given one submission a second before the Q4 deadline and one a second after it
        on_time = seed(running.service.app, tenants, DEADLINE - timedelta(seconds=1))
        late = seed(running.service.app, tenants, DEADLINE + timedelta(seconds=1))

        async def page(query: str) -> list[dict[str, Any]]:
            response = await client.get(f"/reviews/cases?{query}", headers=coordinator)
            assert response.status_code == 200, response.text
            items: list[dict[str, Any]] = response.json()["items"]
            return items

        async def listed(query: str, expect: int) -> list[dict[str, Any]] | None:
            items = await page(query)
            return items if len(items) == expect else None

        # then the coordinator's queue filters them by cycle, state and whether they wait
        [waiting] = await wait_for(lambda: listed("cycle=2027-Q1", 1))
        assert (waiting["id"], waiting["cycle"], waiting["waiting"], waiting["kind"]) == (
            str(late), "2027-Q1", True, "initial")
        assert [c["id"] for c in await page("waiting=true")] == [str(late)]
        assert [c["id"] for c in await page("waiting=false&cycle=2026-Q4&status=open")] == [str(on_time)]
        assert (await client.get("/reviews/cases?cycle=2026 Q4", headers=coordinator)).status_code == 422
        case = (await client.get(f"/reviews/cases/{late}", headers=coordinator)).json()
        assert case["cycle"] == {"id": "2027-Q1", "opens_at": "2027-01-01T00:00:00-07:00",
                                 "deadline": "2027-02-14T17:00:00-07:00", "waiting": True}
        assert [s["state"] for s in case["time_in_state"]] == ["open"]

        # and before 1 January nobody is assigned and nothing decided (completeness may be checked)
        path = f"/reviews/cases/{late}"
        assert (await client.post(f"{path}/completeness", json={"outcome": "complete"},
                                  headers=coordinator)).status_code == 200
        for action, body in (("reviewers", {"email": "rita@cohort.example"}), ("approve", {})):
            refused = await client.post(f"{path}/{action}", json=body, headers=coordinator)
            assert (refused.status_code, refused.json()["code"]) == (409, "CYCLE_NOT_OPEN"), action

        # when the cycle opens, the reviewer works through the checklist of competency areas
        clock.now = datetime(2027, 1, 2, 9, 0, tzinfo=PHOENIX)
        assert (await client.post(f"{path}/reviewers", json={"email": "rita@cohort.example"},
                                  headers=coordinator)).status_code == 200
        assigned = f"/reviews/assignments/{late}"
        assert (await client.post(f"{assigned}/accept", headers=reviewer)).status_code == 200

        async def own_queue() -> list[Any]:
            items: list[Any] = (await client.get("/reviews/assignments", headers=reviewer)).json()["items"]
            return items

        queue = await wait_for(own_queue)  # the reviewer's queue is a read model
        assert [(a["case_id"], a["cycle"]) for a in queue] == [(str(late), "2027-Q1")]
        bad = await client.post(f"{assigned}/recommendation", headers=reviewer, json={
            "recommendation": "endorse", "checklist": [{"area": "astrology", "met": True}]})
        assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_CHECKLIST")
        checklist = [{"area": "tf_infant_development", "met": True, "section": "training", "note": "Solid hours"},
                     {"area": "reflection", "met": False}]
        good = await client.post(f"{assigned}/recommendation", headers=reviewer,
                                 json={"recommendation": "endorse", "checklist": checklist})
        assert good.status_code == 200, good.text
        assert good.json()["assignment"]["recommendation"]["checklist"] == [
            {"area": "reflection", "met": False, "section": None, "note": None},
            {"area": "tf_infant_development", "met": True, "section": "training", "note": "Solid hours"}]
        approved = await client.post(f"{path}/approve", json={}, headers=coordinator)
        assert (approved.status_code, approved.json()["status"], approved.json()["cycle"]["waiting"]) == (
            200, "approved", False)

        # then the reports show the cycle's decision and the time its case spent in each state
        async def decided() -> dict[str, Any] | None:
            response = await client.get("/reviews/reports/decisions?cycle=2027-Q1", headers=coordinator)
            body: dict[str, Any] = response.json()
            return body if body["total"] == 1 else None

        report = await wait_for(decided)
        assert report["items"] == [{"cycle": "2027-Q1", "category": "IFS", "kind": "initial", "outcome": "approved",
                                    "count": 1}]
        times = (await client.get("/reviews/reports/time-in-state?cycle=2027-Q1&category=IFS",
                                  headers=coordinator)).json()
        assert [(s["state"], s["stays"]) for s in times["states"]] == [("waiting", 1), ("open", 1), ("in_review", 1),
                                                                       ("recommended", 1)]
        assert all(s["current"] == 0 for s in times["states"])
        other = (await client.get("/reviews/reports/decisions", headers=auth())).json()
        assert other["total"] == 0  # ITMHCA's coordinator sees only their own association
        for query, headers, status in (("/reviews/reports/decisions", reviewer, 403),
                                       ("/reviews/reports/time-in-state?cycle=x y", coordinator, 422),
                                       ("/reviews/reports/decisions?extra=1", coordinator, 422)):
            assert (await client.get(query, headers=headers)).status_code == status, query
