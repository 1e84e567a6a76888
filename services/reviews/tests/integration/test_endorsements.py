"""The endorsement register on PostgreSQL and the broker: renewal once per year, the lapse sweep lapsing once,
reinstatement, revocation, and the register's read model. The service's clock is moved by the test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from endorsement_contracts import REVIEWS, decode
from reviews.application import Reviews, Submission
from reviews.domain import Applicant, renewal_id_for

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed(reviews: Reviews, received_at: datetime, tenant: str = "itmhca") -> Any:
    case = reviews.intake.case_for(Submission(
        tenant=tenant, application_id=uuid4(), submission_number=1,
        applicant=Applicant(account_id=uuid4(), name="Hana Holder", email="hana@example.org"), category="IFS",
        category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2026", received_at=received_at,
    ))
    assert case is not None
    reviews.save(case)
    return case


def on_topic(read: Read, bootstrap: str, key: str, expect: int) -> list[Any]:
    """Exactly `expect` records under the key (waiting a moment for any extra one), oldest first."""
    found = read(bootstrap, REVIEWS.name, lambda r: r.key == key.encode(), expect=expect + 1, within=3.0)
    assert len(found) == expect, [dict(r.headers)["ce_type"] for r in found]
    return sorted(found, key=lambda r: r.offset)


def ce_types(records: list[Any]) -> list[str]:
    return [dict(r.headers)["ce_type"].decode() for r in records]


async def test_renewal_lapse_reinstatement_and_revocation(start: Any, auth: Auth, wait_for: WaitFor,
                                                          read: Read) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 19, 0, tzinfo=UTC))  # noon in Phoenix
    async with start(consume=False, clock=clock, settings_changes={"lapse_sweep_seconds": 0.2}) as running:
        client: httpx.AsyncClient = running.client
        reviews: Reviews = running.service.app
        bootstrap = running.service.settings.kafka_bootstrap_servers
        coordinator = auth()
        case = seed(reviews, clock.now - timedelta(days=3))
        granted = await client.post(f"/reviews/cases/{case.id}/approve", json={}, headers=coordinator)
        assert granted.status_code == 200, granted.text
        endorsement_id = granted.json()["decision"]["endorsement_id"]
        path = f"/reviews/endorsements/{endorsement_id}"

        async def listed(query: str = "") -> list[dict[str, Any]]:
            response = await client.get(f"/reviews/endorsements{query}", headers=coordinator)
            assert response.status_code == 200, response.text
            items: list[dict[str, Any]] = response.json()["items"]
            return items

        # given the register entry, active until its first renewal (next year's 15 December, removal 1 February)
        [row] = await wait_for(listed)
        assert (row["id"], row["status"], row["renewal_date"], row["removal_date"]) == (
            endorsement_id, "active", "2027-12-15", "2028-02-01")
        assert (row["holder_name"], row["category"], row["review_case_id"]) == ("Hana Holder", "IFS", str(case.id))

        # when a renewal is approved before its window, it is refused; inside it, three at once approve it once
        early = await client.post(f"{path}/renewals/approve", json={}, headers=coordinator)
        assert (early.status_code, early.json()["code"]) == (409, "RENEWAL_NOT_OPEN")
        clock.now = datetime(2027, 11, 1, 19, tzinfo=UTC)
        responses = await asyncio.gather(*[client.post(f"{path}/renewals/approve", headers=coordinator)
                                           for _ in range(3)])
        assert sorted(r.status_code for r in responses) == [200, 409, 409], [r.text for r in responses]
        renewed = next(r.json() for r in responses if r.status_code == 200)
        assert (renewed["renewal_date"], renewed["removal_date"], renewed["renewals"]) == (
            "2028-12-15", "2029-02-01", [2027])
        again = await client.post(f"{path}/renewals/approve", json={"renewal_year": 2027}, headers=coordinator)
        assert (again.status_code, again.json()["code"]) == (409, "RENEWAL_ALREADY_APPROVED")
        records = on_topic(read, bootstrap, endorsement_id, 2)
        assert ce_types(records) == ["EndorsementGranted.v1", "RenewalApproved.v1"]
        renewal = json.loads(records[1].value)
        assert renewal["renewal_id"] == str(renewal_id_for(UUID(endorsement_id), 2027))
        assert (renewal["renewed_on"], renewal["renewal_date"]) == ("2027-11-01", "2028-12-15")

        # when the next renewal is not done by its removal date, the sweep lapses it, once
        clock.now = datetime(2029, 2, 2, 19, tzinfo=UTC)

        async def status_is(status: str) -> bool:
            return any(item["status"] == status for item in await listed())

        await wait_for(lambda: status_is("lapsed"))
        sweep = running.service.api.state.lapse_sweep
        assert await asyncio.to_thread(sweep.run_once) == 0
        records = on_topic(read, bootstrap, endorsement_id, 3)
        lapsed = decode(list(records[2].headers), records[2].value).event
        assert ce_types(records)[2] == "EndorsementLapsed.v1"
        assert (lapsed.lapsed_on.isoformat(), lapsed.reason) == (
            "2029-02-02", "the renewal due 2028-12-15 was not completed by 2029-02-01")
        late = await client.post(f"{path}/renewals/approve", headers=coordinator)
        assert (late.status_code, late.json()["code"]) == (409, "ENDORSEMENT_NOT_ACTIVE")

        # when reinstated after an approved reinstatement, it is active with renewals restarting
        reinstated = await client.post(f"{path}/reinstate", json={"application_id": str(uuid4())},
                                       headers=coordinator)
        assert reinstated.status_code == 200, reinstated.text
        assert (reinstated.json()["status"], reinstated.json()["renewal_date"]) == ("active", "2030-12-15")
        twice = await client.post(f"{path}/reinstate", headers=coordinator)
        assert (twice.status_code, twice.json()["code"]) == (409, "ENDORSEMENT_NOT_LAPSED")

        # when revoked with a reason, it is revoked for good
        bad = await client.post(f"{path}/revoke", json={"reason": "  "}, headers=coordinator)
        assert (bad.status_code, bad.json()["code"]) == (422, "VALIDATION_FAILED")
        revoked = await client.post(f"{path}/revoke", json={"reason": "Falsified hours"}, headers=coordinator)
        assert revoked.status_code == 200, revoked.text
        assert [h["action"] for h in revoked.json()["history"]] == [
            "granted", "renewal_approved", "lapsed", "reinstated", "revoked"]
        again = await client.post(f"{path}/revoke", json={"reason": "again"}, headers=coordinator)
        assert (again.status_code, again.json()["code"]) == (409, "ENDORSEMENT_NOT_ACTIVE")
        assert ce_types(on_topic(read, bootstrap, endorsement_id, 5))[3:] == ["EndorsementReinstated.v1",
                                                                              "EndorsementRevoked.v1"]

        # and the register filters by status and category, and only for coordinators of the association
        await wait_for(lambda: status_is("revoked"))
        assert [i["id"] for i in await listed("?status=revoked&category=IFS")] == [endorsement_id]
        assert await listed("?status=active") == []
        for query in ("?status=gone", "?category=ifs", "?limit=0", "?page=2"):
            response = await client.get(f"/reviews/endorsements{query}", headers=coordinator)
            assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_FAILED")
        forbidden = await client.get("/reviews/endorsements", headers=auth(roles=("applicant",)))
        assert (forbidden.status_code, forbidden.json()["code"]) == (403, "FORBIDDEN")
        for other in (auth(tenant="other-assoc"), coordinator):
            target = path if other is not coordinator else f"/reviews/endorsements/{uuid4()}"
            missing = await client.post(f"{target}/revoke", json={"reason": "x"}, headers=other)
            assert (missing.status_code, missing.json()["code"]) == (404, "ENDORSEMENT_NOT_FOUND")
