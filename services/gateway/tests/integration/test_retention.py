"""The retention job (docs/erasure.md, "Legal holds and retention"): the platform files, as `system`, the erasure of
every applicant account inactive for longer than its tenant's `erasure.inactive_account_years` (ITMHCA: 7)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from gateway.application.retention import RetentionSweep
from gateway.domain.subjects import development_rater_index_key, rater_subject

from .conftest import (
    APPLICANT_PASSWORD,
    COORDINATOR,
    SEED_PASSWORD,
    TENANTS_DIR,
    Clock,
    Gateway,
    MakeGateway,
    free_port,
)

YEAR = timedelta(days=365)
PAST_THE_LIMIT = 7 * YEAR + timedelta(days=3)  # seven calendar years from the fixture's 1 March 2026, and a bit
WAIT_SECONDS = 60.0
NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def eventually(probe: Callable[[], Awaitable[Any]], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = await probe()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def sweep_of(gateway: Gateway) -> RetentionSweep:
    """The gateway's retention job, once the pass it makes at start-up is over (it then waits a day)."""
    sweep: RetentionSweep = gateway.app.state.retention_sweep

    async def started() -> bool:
        return sweep.passes >= 1 or not sweep.rules

    await eventually(started, "the retention job's first pass")
    return sweep


async def run(sweep: RetentionSweep) -> int:
    """One pass, as the daily job makes it (in a thread of its own: it reaches the pool on the event loop)."""
    return await asyncio.to_thread(sweep.run_once)


async def ledger(gateway: Gateway) -> list[dict[str, Any]]:
    """The accounts' requests (each also files its address subject's, which test_erasure_address.py covers)."""
    async with gateway.app.state.runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT subject, requested_by, reason, state, hold_id FROM gateway.erasures"
                                " WHERE subject LIKE 'account:%' ORDER BY requested_at, subject")
    return [dict(row) for row in rows]


async def account_ids(gateway: Gateway) -> set[str]:
    async with gateway.app.state.runtime.pool.acquire() as conn:
        return {str(row["id"]) for row in await conn.fetch("SELECT id FROM gateway.accounts")}


async def applicant(gateway: Gateway, email: str) -> str:
    account = await gateway.sign_up(email)
    return str(account["id"])


async def test_an_inactive_applicant_is_erased_once_and_active_ones_and_staff_are_not(
    offline_gateway: Gateway, clock: Clock
) -> None:
    gw = offline_gateway
    sweep = await sweep_of(gw)
    idle = await applicant(gw, "idle@example.org")
    await gw.log_in("idle@example.org")
    signed_in = await applicant(gw, "signed.in@example.org")
    changed = await applicant(gw, "changed@example.org")
    staff = await account_ids(gw) - {idle, signed_in, changed}
    assert len(staff) == 5, "the tenant file's staff, seeded at start-up and never signed in since"

    clock.advance(3 * YEAR)
    await gw.log_in("signed.in@example.org")  # a sign-in counts as activity
    clock.advance(YEAR)
    # an account change counts too: a password reset, without signing in
    await gw.client.post("/auth/password-reset/request", json={"tenant": "itmhca", "email": "changed@example.org"})
    reset = await gw.client.post("/auth/password-reset", json={
        "token": await gw.link_token("PasswordResetRequested.v1", "changed@example.org"),
        "new_password": NEW_PASSWORD})
    assert reset.status_code == 200, reset.text
    clock.advance(PAST_THE_LIMIT - 4 * YEAR)

    assert await run(sweep) == 1
    assert await run(sweep) == 0, "a pass repeated files nothing twice"

    assert await ledger(gw) == [{"subject": f"account:{idle}", "requested_by": "system",
                                 "reason": "retention: inactive for 7 years", "state": "erasing", "hold_id": None}]
    assert await account_ids(gw) == staff | {signed_in, changed}, "only the idle account is gone"
    assert [e["subject"] for e in await gw.outbox() if e["type"] == "PersonErased.v1"] == [
        f"account:{idle}", rater_subject("itmhca", "idle@example.org", development_rater_index_key())]
    coordinator = bearer(await gw.log_in(COORDINATOR, SEED_PASSWORD))
    listed = await gw.client.get("/admin/erasures", headers=coordinator)
    assert sorted((e["subject"][:8], e["requested_by"]) for e in listed.json()["items"]) == [
        ("account:", "system"), ("rater:it", "system")]

    clock.advance(4 * YEAR)  # now the others have been idle for longer than 7 years too
    assert await run(sweep) == 2
    assert {e["subject"] for e in await ledger(gw)} == {f"account:{a}" for a in (idle, signed_in, changed)}
    assert await account_ids(gw) == staff


async def test_an_inactive_applicant_under_a_hold_is_filed_as_held_and_erased_when_it_is_lifted(
    offline_gateway: Gateway, clock: Clock
) -> None:
    gw = offline_gateway
    sweep = await sweep_of(gw)
    held = await applicant(gw, "held@example.org")
    clock.advance(PAST_THE_LIMIT)
    coordinator = bearer(await gw.log_in(COORDINATOR, SEED_PASSWORD))
    hold = await gw.client.post("/admin/holds", json={"account_id": held, "reason": "litigation 7"},
                                headers=coordinator)
    assert hold.status_code == 201, hold.text

    assert await run(sweep) == 1
    assert await run(sweep) == 0

    filed = await ledger(gw)
    assert [(e["subject"], e["requested_by"], e["state"], str(e["hold_id"])) for e in filed] == [
        (f"account:{held}", "system", "held", hold.json()["id"])]
    assert held in await account_ids(gw), "nothing is erased while the hold stands"
    assert not [e for e in await gw.outbox() if e["type"] == "PersonErased.v1"]

    lifted = await gw.client.post(f"/admin/holds/{hold.json()['id']}/lift", json={"reason": "settled"},
                                  headers=coordinator)
    assert lifted.status_code == 200, lifted.text
    assert [e["state"] for e in lifted.json()["started"]] == ["erasing", "erasing"]  # account, address
    assert held not in await account_ids(gw)
    assert await run(sweep) == 0


async def test_an_account_erased_already_or_being_erased_is_not_filed_again(
    offline_gateway: Gateway, clock: Clock
) -> None:
    gw = offline_gateway
    sweep = await sweep_of(gw)
    asked = await applicant(gw, "asked@example.org")
    token = await gw.log_in("asked@example.org")
    answer = await gw.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=bearer(token))
    assert answer.status_code == 202, answer.text
    clock.advance(PAST_THE_LIMIT)

    assert await run(sweep) == 0
    assert [(e["subject"], e["requested_by"]) for e in await ledger(gw)] == [
        (f"account:{asked}", f"account:{asked}")]


async def test_a_tenant_without_an_inactivity_limit_erases_nobody(
    make_gateway: MakeGateway, upstreams: object, clock: Clock, tmp_path: Path
) -> None:
    data = yaml.safe_load((TENANTS_DIR / "itmhca.yaml").read_text())
    del data["erasure"]
    (tmp_path / "itmhca.yaml").write_text(yaml.safe_dump(data))
    gw = await make_gateway(tenants_dir=tmp_path, kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    sweep = await sweep_of(gw)
    assert sweep.rules == ()
    idle = await applicant(gw, "idle@example.org")
    clock.advance(50 * YEAR)

    assert await run(sweep) == 0
    assert await ledger(gw) == []
    assert idle in await account_ids(gw)


async def test_the_daily_job_runs_on_its_own(make_gateway: MakeGateway, upstreams: object, clock: Clock) -> None:
    gw = await make_gateway(retention_sweep_seconds=0.2, kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    idle = await applicant(gw, "idle@example.org")
    clock.advance(PAST_THE_LIMIT)

    async def filed() -> list[dict[str, Any]]:
        return await ledger(gw)

    found = await eventually(filed, "the job's next pass")
    assert [(e["subject"], e["requested_by"]) for e in found] == [(f"account:{idle}", "system")]
