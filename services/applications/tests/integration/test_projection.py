"""The `applications` read model: catch-up and rebuild from the event store give the same rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import asyncpg
from applications.bootstrap import open_service
from applications.config import SCHEMA, ApplicationsSettings
from applications.domain import Actor, Applicant
from applications.projections.applications_table import ApplicationsTable
from journeys import complete_ifs_application_async, complete_through_use_cases
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner

if TYPE_CHECKING:
    from conftest import Running


def applicant_actor(tenant: str = "itmhca") -> tuple[Actor, Applicant]:
    account = uuid4()
    return Actor(account, tenant, frozenset({"applicant"})), Applicant(account, "Dana Reyes", "dana@example.org")


async def rows(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch("SELECT * FROM applications ORDER BY id")]


async def test_catch_up_and_rebuild_give_the_same_rows(settings: ApplicationsSettings) -> None:
    app = open_service(settings)
    dana, dana_applicant = applicant_actor()
    sam, sam_applicant = applicant_actor()  # ITMHCA endorses one category at a time: one open application each
    lee, lee_applicant = applicant_actor("lakes-aimh")
    draft = app.start(sam, sam_applicant, "IFA")
    submitted = app.start(dana, dana_applicant, "IFS")
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    complete_through_use_cases(app, dana, submitted.id, on=at.date())
    after_submit = app.submit(submitted.id, dana, at=at)
    withdrawn = app.start(lee, lee_applicant, "ECFA")
    app.withdraw(withdrawn.id, lee, "Moved away")

    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2,
                                     server_settings=asyncpg_server_settings(SCHEMA))
    try:
        runner = ProjectionRunner(app, pool, ApplicationsTable(), batch_size=2)  # several batches
        await runner.setup()
        events = app.recorder.max_notification_id()
        assert await runner.catch_up() == events
        caught_up = await rows(pool)

        assert await runner.rebuild() == events
        rebuilt = await rows(pool)
        assert await runner.catch_up() == 0
    finally:
        await pool.close()
        app.close()

    assert rebuilt == caught_up
    by_id = {r["id"]: r for r in caught_up}
    assert set(by_id) == {draft.id, submitted.id, withdrawn.id}
    s = by_id[submitted.id]
    assert (s["tenant"], s["applicant_account_id"], s["applicant_name"], s["category"]) == (
        "itmhca", dana.account_id, "Dana Reyes", "IFS")
    assert (s["status"], s["submission_number"], s["submitted_at"]) == ("submitted", 1, at)
    assert (s["created_at"], s["updated_at"]) == (after_submit.created_on, after_submit.modified_on)
    assert s["updated_at"] > s["created_at"]
    d, w = by_id[draft.id], by_id[withdrawn.id]
    assert (d["status"], d["submission_number"], d["submitted_at"]) == ("draft", 0, None)
    assert d["created_at"] == d["updated_at"]
    assert (w["tenant"], w["status"]) == ("lakes-aimh", "withdrawn")


async def test_listed_rows_agree_with_the_aggregate_the_commands_returned(running: Running,
                                                                         person: Callable[..., Any]) -> None:
    dana = person()
    created = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
    url = f"/applications/{created.json()['id']}"
    await complete_ifs_application_async(running.http, dana.headers, created.json()["id"],
                                         coordinator=person("itmhca", "coordinator").headers,
                                         service=running.service.app)  # type: ignore[arg-type]
    submitted = await running.http.post(f"{url}/submit", headers=dana.headers)

    await running.catch_up()
    listed = (await running.http.get("/applications", headers=dana.headers)).json()["items"]

    assert submitted.status_code == 200
    assert len(listed) == 1
    row, state = listed[0], submitted.json()
    for name in ("id", "tenant", "category", "status", "submission_number"):
        assert row[name] == state[name]
    for name in ("created_at", "updated_at", "submitted_at"):
        assert datetime.fromisoformat(row[name]) == datetime.fromisoformat(state[name])
    assert row["applicant"] == {"account_id": str(dana.account_id), "name": dana.name}
