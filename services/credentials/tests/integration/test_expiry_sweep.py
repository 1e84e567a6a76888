"""The expiry sweep on real PostgreSQL: a credential expires at its validUntil exactly, once, and a renewal
that the read model has not seen yet is never expired."""

from __future__ import annotations

import contextlib
import functools
from datetime import UTC, date, datetime, timedelta

import asyncpg
from credentials.application import CredentialsApplication
from credentials.bootstrap import SCHEMA, build
from credentials.config import CredentialsSettings
from credentials.domain.credential import Credential
from credentials.entrypoints.consumer import grant_from
from credentials.expiry import ExpirySweep
from credentials.lifecycle import Lifecycle, ReissueTerms
from credentials.projections.credentials import CredentialsProjection
from credentials.webhooks.tables import connect
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner

from .conftest import grant


async def test_the_sweep_expires_each_credential_once_at_its_valid_until(settings: CredentialsSettings) -> None:
    now = [datetime(2025, 6, 1, tzinfo=UTC)]
    service = build(settings, clock=lambda: now[0])
    app = service.app
    assert isinstance(app, CredentialsApplication)
    lifecycle = Lifecycle(app)
    sweep = ExpirySweep(lifecycle, functools.partial(connect, settings.database_url, SCHEMA))
    pool = await asyncpg.create_pool(settings.database_url, server_settings=asyncpg_server_settings(SCHEMA))
    runner = ProjectionRunner(app, pool, CredentialsProjection())
    await runner.setup()
    try:
        ending = _issue(app, renewal=date(2025, 6, 30))
        renewed = _issue(app, renewal=date(2025, 6, 30))
        later = _issue(app, renewal=date(2026, 6, 30))
        await runner.catch_up()
        end = ending.validity.valid_until
        assert end == datetime(2025, 7, 1, 7, tzinfo=UTC)  # the day after 30 June begins in Phoenix
        app.save(*lifecycle.renew(renewed, ReissueTerms("r-1", date(2025, 6, 15), date(2026, 6, 30)), "d-1"))
        with contextlib.closing(sweep):
            now[0] = end - timedelta(microseconds=1)
            assert sweep.run_once() == 0
            now[0] = end
            assert sweep.run_once() == 1  # the renewal is not in the read model yet, but is not expired
            assert sweep.run_once() == 0  # recorded once, even before the read model knows
            await runner.catch_up()
            now[0] = end + timedelta(days=400)
            assert sweep.run_once() == 2  # the renewed and the later credential, in their turn
        expired = [e.originator_id for e in _events(app) if isinstance(e, Credential.Expired)]
        assert sorted(map(str, expired)) == sorted(map(str, [ending.id, renewed.id, later.id]))
        await runner.catch_up()
        async with pool.acquire() as conn:
            statuses = await conn.fetch("SELECT status, expired FROM credentials")
        assert {(row["status"], row["expired"]) for row in statuses} == {("expired", True)}
    finally:
        await pool.close()
        for relay in service.relays:
            relay.producer.close()
        app.close()


def _issue(app: CredentialsApplication, *, renewal: date) -> Credential:
    credential = app.issue(grant_from(grant(effective=date(2025, 1, 1), renewal=renewal)))
    assert credential is not None
    app.save(credential)
    return credential


def _events(app: CredentialsApplication) -> list[object]:
    return [app.mapper.to_domain_event(n) for n in app.process_recorder.select_notifications(start=1, limit=1000)]
