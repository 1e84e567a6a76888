"""What a deployment stored before reasons were codes leaves the tables it is published or shown from (real
PostgreSQL): the read model re-projects once and its old free texts become the codes' wording, and a pending
webhook delivery queued with an old free-text reason is emptied at start-up, to be rebuilt from its stored event."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from credentials.application import CredentialsApplication
from credentials.bootstrap import SCHEMA, build
from credentials.config import CredentialsSettings
from credentials.domain.credential import Credential, Decision, SuspensionCause
from credentials.domain.reasons import ReasonCode
from credentials.entrypoints.consumer import grant_from
from credentials.lifecycle import Lifecycle
from credentials.projections.credentials import CredentialsProjection
from credentials.webhooks.tables import create_tables
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner

from .conftest import grant

OLD_TEXT = "quixold Ana Núñez is in rehab"


@pytest.fixture
def app(settings: CredentialsSettings) -> Iterator[CredentialsApplication]:
    service = build(settings)
    assert isinstance(service.app, CredentialsApplication)
    yield service.app
    for relay in service.relays:
        relay.producer.close()
    service.app.close()


@pytest.fixture
async def pool(settings: CredentialsSettings) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(settings.database_url, server_settings=asyncpg_server_settings(SCHEMA))
    yield created
    await created.close()


def suspended_with_a_note(app: CredentialsApplication) -> Credential:
    credential = app.issue(grant_from(grant()))
    assert credential is not None
    app.save(credential)
    lifecycle = Lifecycle(app)
    decision = Decision(str(uuid.uuid4()), ReasonCode.UNDER_INVESTIGATION, app.clock(), uuid.uuid4(), "a note")
    app.save(*lifecycle.suspend(credential, decision, SuspensionCause.COORDINATOR))
    return credential


async def test_read_model_rows_from_before_codes_are_projected_again_once_with_the_codes_wording(
    app: CredentialsApplication, pool: asyncpg.Pool,
) -> None:
    credential = suspended_with_a_note(app)
    runner = ProjectionRunner(app, pool, CredentialsProjection())
    await runner.setup()
    stored = await runner.catch_up()
    async with pool.acquire() as conn:  # the table as a deployment before codes left it
        await conn.execute("ALTER TABLE credentials DROP COLUMN status_reason_code")
        await conn.execute("UPDATE credentials SET status_reason = $2 WHERE id = $1", credential.id, OLD_TEXT)

    await runner.setup()  # the next start
    assert await runner.catch_up() == stored  # every event once more, over the rows

    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, status_reason_code, status_reason, t::text AS whole "
                                  "FROM credentials t WHERE id = $1", credential.id)
    assert row is not None
    assert (row["status"], row["status_reason_code"], row["status_reason"]) == (
        "suspended", "under_investigation", "Under investigation by the association")
    assert "quixold" not in row["whole"] and "a note" not in row["whole"]
    await runner.setup()  # later starts project nothing again
    assert await runner.catch_up() == 0


@pytest.mark.usefixtures("app")  # the service's schema
async def test_a_pending_delivery_queued_with_a_free_text_reason_is_emptied_to_be_rebuilt(pool: asyncpg.Pool) -> None:
    await create_tables(pool)
    subscription = uuid.uuid4()

    def body(data: dict[str, object]) -> bytes:
        return json.dumps({"specversion": "1.0", "type": "CredentialSuspended.v1", "data": data}).encode()

    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO webhook_subscriptions (id, tenant, partner, url, secret, created_at, "
                           "created_by) VALUES ($1, 'credtest', 'P', 'https://p.example/x', 's', now(), $1)",
                           subscription)
        for sequence, (state, data) in enumerate([
            ("pending", {"reason": OLD_TEXT}),  # queued before codes: emptied
            ("pending", {"reason": "For another reason", "reason_code": "other"}),  # queued since: kept
        ], start=1):
            await conn.execute(
                "INSERT INTO webhook_deliveries (subscription_id, sequence, event_id, event_type, subject, body, "
                "state, next_attempt_at, created_at) VALUES ($1, $2, $3, 'CredentialSuspended.v1', 'c', $4, $5, "
                "now(), now())", subscription, sequence, str(uuid.uuid4()), body(data), state)

    await create_tables(pool)  # the next start

    async with pool.acquire() as conn:
        bodies = [row["body"] for row in await conn.fetch(
            "SELECT body FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY sequence", subscription)]
    assert bodies[0] is None
    assert bodies[1] is not None and json.loads(bodies[1])["data"]["reason_code"] == "other"
