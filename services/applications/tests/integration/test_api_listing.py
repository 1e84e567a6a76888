"""Listing from the read model: scoped to the caller, filtered, paginated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from journeys import complete_ifs_application_async

if TYPE_CHECKING:
    from conftest import Person, Running


async def start(running: Running, who: Person, category: str) -> str:
    response = await running.http.post("/applications", json={"category": category}, headers=who.headers)
    assert response.status_code == 201, response.text
    application_id: str = response.json()["id"]
    return application_id


async def listing(running: Running, who: Person, **params: Any) -> dict[str, Any]:
    response = await running.http.get("/applications", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_each_caller_sees_what_they_may_with_filters_and_pages(running: Running,
                                                                     person: Callable[..., Person]) -> None:
    dana, sam = person("itmhca", "applicant", name="Dana Reyes"), person("itmhca", "applicant", name="Sam Ortiz")
    lee = person("lakes-aimh", "applicant")
    danas: list[str] = []
    for category in ("IFA", "IMHS"):  # ITMHCA endorses one category at a time: withdraw before the next one
        danas.append(await start(running, dana, category))
        refused = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
        assert (refused.status_code, refused.json()["code"]) == (409, "APPLICATION_ALREADY_OPEN"), refused.text
        withdrawn = await running.http.post(f"/applications/{danas[-1]}/withdraw", json={"reason": "Other category"},
                                            headers=dana.headers)
        assert withdrawn.status_code == 200, withdrawn.text
    danas.append(await start(running, dana, "IFS"))
    sams = await start(running, sam, "IFA")
    await start(running, lee, "ECFA")
    await complete_ifs_application_async(running.http, dana.headers, danas[2],
                                         coordinator=person("itmhca", "coordinator").headers,
                                         service=running.service.app)  # type: ignore[arg-type]
    assert (await running.http.post(f"/applications/{danas[2]}/submit", headers=dana.headers)).status_code == 200

    # the lifespan's projection runner catches up on its own
    for _ in range(100):
        if (await listing(running, person("itmhca", "coordinator")))["total"] == 4:
            break
        await asyncio.sleep(0.05)
    await running.catch_up()

    own = await listing(running, dana)
    assert own["total"] == 3
    assert [i["id"] for i in own["items"]] == list(reversed(danas))  # newest first
    assert {i["applicant"]["account_id"] for i in own["items"]} == {str(dana.account_id)}
    submitted = (await listing(running, dana, status="submitted"))["items"]
    assert [(i["id"], i["status"], i["submission_number"]) for i in submitted] == [(danas[2], "submitted", 1)]
    assert submitted[0]["submitted_at"] is not None
    assert [i["id"] for i in (await listing(running, dana, category="IMHS"))["items"]] == [danas[1]]
    assert [i["id"] for i in (await listing(running, dana, status="withdrawn"))["items"]] == [danas[1], danas[0]]

    coordinator = person("itmhca", "coordinator")
    everything = await listing(running, coordinator)
    assert everything["total"] == 4
    assert {i["id"] for i in everything["items"]} == {*danas, sams}
    assert {i["tenant"] for i in everything["items"]} == {"itmhca"}
    assert (await listing(running, coordinator, category="IFA"))["total"] == 2
    assert (await listing(running, person("lakes-aimh", "coordinator")))["total"] == 1

    first = await listing(running, coordinator, limit=3, offset=0)
    rest = await listing(running, coordinator, limit=3, offset=3)
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (4, 3, 0, 3)
    assert (rest["total"], len(rest["items"])) == (4, 1)
    assert [i["id"] for i in first["items"] + rest["items"]] == [i["id"] for i in everything["items"]]
    assert (await listing(running, coordinator, offset=10))["items"] == []
    assert (await listing(running, coordinator))["limit"] == 20


async def test_listing_parameters_and_roles_are_checked(running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"status": "approved"}, {"limit": "ten"}):
        response = await running.http.get("/applications", params=params, headers=dana.headers)
        assert response.status_code == 422, params
        assert response.json()["code"] == "VALIDATION_FAILED"

    scorer = await running.http.get("/applications", headers=person("itmhca", "scorer").headers)
    assert scorer.status_code == 403
    assert scorer.json()["code"] == "FORBIDDEN"
    # a reviewer lists only what they review now (`test_reviewer_access.py`): here, nothing
    reviewer = await running.http.get("/applications", headers=person("itmhca", "reviewer").headers)
    assert (reviewer.status_code, reviewer.json()["total"]) == (200, 0)
