"""The timeline and listing read models follow review outcomes; a rebuild gives the same rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
from applications.bootstrap import open_service
from applications.config import SCHEMA, ApplicationsSettings
from applications.domain import Actor, Applicant
from applications.entrypoints.consumer import outcome_handlers
from applications.projections.applications_table import ApplicationsTable
from applications.projections.timeline import TimelineProjection
from endorsement_contracts import Envelope, IntegrationEvent, Person
from endorsement_contracts.events import EndorsementDenied, InformationRequested
from journeys import complete_through_use_cases
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner


def envelope(event: IntegrationEvent) -> Envelope:
    return Envelope(
        id=str(uuid4()), source="/services/reviews", type=event.type_name(), time=event.occurred_at, event=event
    )


async def timeline_rows(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT application_id, version, tenant, at, kind, status, summary, details"
            " FROM application_timeline ORDER BY seq"
        )
    return [dict(r) for r in rows]


async def test_outcomes_reach_both_read_models_and_a_rebuild_gives_the_same_rows(
    settings: ApplicationsSettings,
) -> None:
    app = open_service(settings)
    account = uuid4()
    dana = Actor(account, "itmhca", frozenset({"applicant"}))
    application = app.start(dana, Applicant(account, "Dana Reyes", "dana@example.org"), "IFS")
    complete_through_use_cases(app, dana, application.id)
    application = app.submit(application.id, dana)
    applicant = Person(account_id=account, name="Dana Reyes", email="dana@example.org")
    case, reviewer = uuid4(), uuid4()
    consume = outcome_handlers(app)
    request = InformationRequested(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        review_case_id=case,
        application_id=application.id,
        submission_number=1,
        applicant=applicant,
        category="IFS",
        stage="review",
        items=["Name your supervisor"],
        requested_by=reviewer,
        requested_by_role="coordinator",
    )
    app.save(*consume[InformationRequested](envelope(request)))
    app.submit(application.id, dana)
    denial = EndorsementDenied(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        review_case_id=case,
        application_id=application.id,
        applicant=applicant,
        category="IFS",
        reasons=["Resides outside Arizona"],
        denied_by=reviewer,
    )
    app.save(*consume[EndorsementDenied](envelope(denial)))

    pool = await asyncpg.create_pool(
        settings.database_url, min_size=1, max_size=2, server_settings=asyncpg_server_settings(SCHEMA)
    )
    try:
        timeline = ProjectionRunner(app, pool, TimelineProjection(), batch_size=3)  # several batches
        listing = ProjectionRunner(app, pool, ApplicationsTable())
        for runner in (timeline, listing):
            await runner.setup()
            await runner.catch_up()
        caught_up = await timeline_rows(pool)
        async with pool.acquire() as conn:
            status = await conn.fetchval("SELECT status FROM applications WHERE id = $1", application.id)

        await timeline.rebuild()
        rebuilt = await timeline_rows(pool)
    finally:
        await pool.close()
        app.close()

    assert status == "denied"
    assert rebuilt == caught_up
    kinds = [row["kind"] for row in caught_up]
    assert kinds[0] == "started"
    assert kinds[-4:] == ["submitted", "returned", "resubmitted", "denied"]
    assert [row["status"] for row in caught_up[-4:]] == ["submitted", "returned", "submitted", "denied"]
    assert caught_up[-1]["summary"] == "Not endorsed: Resides outside Arizona."
    references = [row for row in caught_up if row["kind"].startswith("reference")]
    assert references and {row["status"] for row in references} <= {"draft", "registered", "accepted"}
