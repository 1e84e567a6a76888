"""Reviewer access end to end on PostgreSQL and the broker: a `ReviewerAssigned` CloudEvent from the reviews topic
lets that reviewer (role `reviewer`, the token's email) read the application, its report, documents, references
(a waived one's answer included) and timeline, and list it, but change nothing; nobody else gains anything; after
`ReviewerReleased` the application is 404 to the reviewer again. What is stored of the reviewer, in the events and
the read model, is the keyed subject of their address, never the address."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import httpx
import psycopg
import pytest
from applications.application import ApplicationsService
from applications.config import SCHEMA
from applications.domain import Actor, Applicant, Application
from applications.use_cases.references import ReferenceCases
from document_samples import pdf
from endorsement_contracts.events import ReviewerAssigned, ReviewerReleased
from journeys import assert_problem, complete_through_use_cases
from reference_builders import link_token, raters, ratings

if TYPE_CHECKING:
    from sealed_reviews import ReviewsFeed

    from conftest import Person as Caller
    from conftest import Running


pytestmark = pytest.mark.consumes_reviews  # these tests publish to the reviews topic (sealed, on v2)

MIA = "mia.mentor@itmhca.example"
COMMENT = "Reflects on her own reactions with families; a strong colleague."


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 30.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s")


def with_a_waived_reference(app: ApplicationsService, dana: Caller) -> tuple[Application, UUID]:
    """An IFS application complete but for submission, whose first reference was replaced by a waived one that the
    rater answered with a comment."""
    actor = Actor(dana.account_id, dana.tenant, dana.roles, email=dana.email)
    application = app.start(actor, Applicant(dana.account_id, dana.name, dana.email), "IFS")
    application = complete_through_use_cases(app, actor, application.id)
    rule = app.rules_on(application, app.local_date("itmhca")).references
    first = next(r for r in application.reference_list() if r.slot == 1)
    rater = replace(raters(rule)[0], name="Wendy Waived", email="wendy.waived@example.org")
    references = ReferenceCases(app)
    application, waived_id = references.name_rater(application.id, actor, 1, rater, waived=True, replaces=first.id)
    references.answer_reference(link_token(app, application, waived_id), ratings(rule), COMMENT)
    return app.get(application.id, actor), waived_id


def assigned(application: Application, case: UUID, email: str = MIA) -> ReviewerAssigned:
    return ReviewerAssigned(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        review_case_id=case,
        application_id=application.id,
        category=application.category,
        reviewer_email=email,
        reviewer_name="Mia Mentor",
        slot=1,
        assigned_by=uuid4(),
    )


def stored_text(database_url: str, events_table: str) -> str:
    """The stored events and the reviewers' read model as text (the events' JSON as escaped bytes)."""
    with psycopg.connect(database_url) as conn:
        events = conn.execute(f"SELECT string_agg(encode(state, 'escape'), ' ') FROM {SCHEMA}.{events_table}"
                              ).fetchone()
        grants = conn.execute(f"SELECT string_agg(t::text, ' ') FROM {SCHEMA}.application_reviewer_grants t"
                              ).fetchone()
    return f"{events[0] if events else ''} {grants[0] if grants else ''}"


async def listed(running: Running, who: Caller) -> list[str]:
    await running.catch_up()
    page = await running.http.get("/applications", headers=who.headers)
    assert page.status_code == 200, page.text
    return [item["id"] for item in page.json()["items"]]


async def test_an_assigned_reviewer_reads_everything_until_released(
    running: Running, person: Callable[..., Caller], topics: str, reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant")
    mia = person("itmhca", "reviewer", name="Mia Mentor", email="Mia.Mentor@itmhca.example")
    sam = person("itmhca", "reviewer", name="Sam Specialist", email="sam.specialist@itmhca.example")
    scorer = person("itmhca", "scorer", name="Mia Mentor", email=MIA)
    # given a submitted application with a document and a waived, answered reference
    application, waived_id = await asyncio.to_thread(with_a_waived_reference, app, dana)
    path = f"/applications/{application.id}"
    uploaded = await running.http.post(
        f"{path}/documents",
        headers=dana.headers,
        data={"kind": "transcript"},
        files={"file": ("transcript.pdf", pdf(), "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    submitted = await running.http.post(f"{path}/submit", headers=dana.headers)
    assert submitted.status_code == 200, submitted.text
    # and before any assignment the reviewer sees nothing of it
    assert_problem(await running.http.get(path, headers=mia.headers), 404, "APPLICATION_NOT_FOUND")
    assert str(application.id) not in await listed(running, mia)

    # when the reviews service assigns Mia (the record delivered twice)
    case = uuid4()
    await asyncio.to_thread(reviews.publish, assigned(application, case), None, 2)

    async def readable(who: Caller) -> httpx.Response | None:
        response = await running.http.get(path, headers=who.headers)
        return response if response.status_code == 200 else None

    shown = await eventually(lambda: readable(mia))
    # then she reads the application, its requirement report, documents and timeline
    assert shown.json()["status"] == "submitted"
    assert shown.json()["education"] == (await readable(dana)).json()["education"]  # type: ignore[union-attr]
    report = await running.http.get(f"{path}/requirements", headers=mia.headers)
    assert report.status_code == 200 and report.json()["all_met"] is True
    documents = await running.http.get(f"{path}/documents", headers=mia.headers)
    [document] = documents.json()["items"]
    downloaded = await running.http.get(f"{path}/documents/{document['id']}", headers=mia.headers)
    assert (downloaded.status_code, downloaded.content) == (200, pdf())
    timeline = await running.http.get(f"{path}/timeline", headers=mia.headers)
    assert timeline.status_code == 200 and timeline.json()["items"]
    # and every reference's answer, the waived one's too, which its applicant never sees
    answers = {r["id"]: r for r in (await running.http.get(f"{path}/references", headers=mia.headers)).json()["items"]}
    waived = answers[str(waived_id)]
    assert waived["waived"] is True
    assert waived["answer"]["comments"] == COMMENT and waived["answer"]["ratings"]
    mine = (await running.http.get(f"{path}/references", headers=dana.headers)).json()["items"]
    assert next(r for r in mine if r["id"] == str(waived_id))["answer"] is None
    # and she lists it, one copy of the grant stored
    assert await listed(running, mia) == [str(application.id)]
    stored = await asyncio.to_thread(app.outcome_target, "itmhca", application.id)
    assert [type(e).__name__ for e in app.events.get(application.id)].count("ReviewerAccessGranted") == 1
    assert stored.reviewers_with_access == {app.rater_subject("itmhca", MIA)}
    # and neither the stored grant nor the read model holds her address: its keyed subject stands for her
    stored_now = await asyncio.to_thread(stored_text, running.service.settings.database_url,
                                         app.process_recorder.events_table_name)
    assert app.rater_subject("itmhca", MIA) in stored_now
    assert "mia.mentor" not in stored_now.lower()
    # but changes nothing
    assert_problem(
        await running.http.patch(path, headers=mia.headers, json={"phone": "602-555-0100"}), 403, "NOT_THE_APPLICANT"
    )
    assert_problem(
        await running.http.post(f"{path}/withdraw", headers=mia.headers, json={"reason": "No"}),
        403,
        "NOT_THE_APPLICANT",
    )
    assert_problem(
        await running.http.delete(f"{path}/documents/{document['id']}", headers=mia.headers), 403, "NOT_THE_APPLICANT"
    )
    # and another reviewer, or an exam scorer with her email, is told it does not exist
    for other in (sam, scorer):
        assert_problem(await running.http.get(path, headers=other.headers), 404, "APPLICATION_NOT_FOUND")
        assert_problem(
            await running.http.get(f"{path}/references", headers=other.headers), 404, "APPLICATION_NOT_FOUND"
        )
    assert await listed(running, sam) == []

    # when the reviews service releases her
    released = ReviewerReleased(
        tenant="itmhca",
        occurred_at=datetime.now(UTC),
        review_case_id=case,
        application_id=application.id,
        reviewer_email=MIA,
        reason="withdrawn",
    )
    await asyncio.to_thread(reviews.publish, released)

    async def gone() -> Any:
        response = await running.http.get(path, headers=mia.headers)
        return response.status_code == 404

    # then the application is 404 to her again, everywhere, and leaves her listing
    await eventually(gone)
    for suffix in ("/references", "/requirements", "/timeline", f"/documents/{document['id']}"):
        assert_problem(await running.http.get(f"{path}{suffix}", headers=mia.headers), 404, "APPLICATION_NOT_FOUND")
    assert await listed(running, mia) == []
    assert (await running.http.get(path, headers=dana.headers)).status_code == 200
