"""Register retention on the real engines (docs/erasure.md, "Legal holds and retention"): once a holder has no
endorsement in force and no open case, and their last endorsement ended more than the association's
`erasure.register_retention_years` ago, the sweep stores one `ErasureDue` and the relay publishes it on
`endorsement.erasures.v1`, with the same `ce_id` whatever happens later. The service's clock is moved by the test;
dates are Phoenix's (19:00 UTC is noon there)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import httpx
import yaml
from endorsement_contracts import ERASURES, decode
from endorsement_contracts.events import ErasureDue
from reviews.application import Reviews, Submission
from reviews.config import EVENT_SOURCE, TenantCatalog, load_tenants
from reviews.domain import Applicant
from reviews.domain.retention import register_retention_id
from reviews.retention_sweep import RetentionSweep

from .conftest import TENANTS_DIR
from .test_endorsements import MovableClock

Auth = Callable[..., dict[str, str]]
Read = Callable[..., list[Any]]
WaitFor = Callable[..., Awaitable[Any]]
RETENTION_YEARS = 2
UNLIMITED = "plain-assoc"
"""An association that sets no register retention: its register keeps ended entries for ever."""


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 19, tzinfo=UTC)


def retention_tenants(folder: Path) -> TenantCatalog:
    """ITMHCA as shipped plus `register_retention_years: 2`, and the same association without it as `plain-assoc`."""
    tenants, reviews = folder / "tenants", folder / "reviews"
    tenants.mkdir()
    reviews.mkdir()
    data = yaml.safe_load((TENANTS_DIR / "itmhca.yaml").read_text())
    review_data = yaml.safe_load((TENANTS_DIR.parent / "reviews" / "itmhca.yaml").read_text())
    (tenants / "itmhca.yaml").write_text(yaml.safe_dump(
        {**data, "erasure": {**data.get("erasure", {}), "register_retention_years": RETENTION_YEARS}}))
    (tenants / f"{UNLIMITED}.yaml").write_text(yaml.safe_dump({**data, "slug": UNLIMITED, "erasure": {}}))
    shutil.copy(TENANTS_DIR.parent / "reviews" / "itmhca.yaml", reviews / "itmhca.yaml")
    (reviews / f"{UNLIMITED}.yaml").write_text(yaml.safe_dump({**review_data, "tenant": UNLIMITED}))
    return load_tenants(tenants, reviews)


@dataclass
class Register:
    """The running service's register, driven as a coordinator would (and the clock as time would)."""

    client: httpx.AsyncClient
    reviews: Reviews
    clock: MovableClock
    auth: Auth

    def open_case(self, account_id: UUID, tenant: str = "itmhca") -> UUID:
        case = self.reviews.intake.case_for(Submission(
            tenant=tenant, application_id=uuid4(), submission_number=1,
            applicant=Applicant(account_id=account_id, name="Hana Holder", email=f"h-{account_id}@example.org"),
            category="IFS", category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2026",
            received_at=self.clock.now - timedelta(days=3),
        ))
        assert case is not None
        self.reviews.save(case)
        return case.id

    async def grant(self, account_id: UUID, tenant: str = "itmhca") -> UUID:
        case_id = self.open_case(account_id, tenant)
        approved = await self.client.post(f"/reviews/cases/{case_id}/approve", json={},
                                          headers=self.auth(tenant=tenant))
        assert approved.status_code == 200, approved.text
        return UUID(approved.json()["decision"]["endorsement_id"])

    async def act(self, endorsement_id: UUID, action: str, body: dict[str, str], tenant: str = "itmhca") -> None:
        response = await self.client.post(f"/reviews/endorsements/{endorsement_id}/{action}", json=body,
                                          headers=self.auth(tenant=tenant))
        assert response.status_code == 200, response.text

    def lapse(self, endorsement_id: UUID, catalog: TenantCatalog) -> None:
        tenant = catalog.get("itmhca")
        assert tenant is not None
        assert self.reviews.endorsements.lapse_if_due(endorsement_id, tenant=tenant, now=self.clock.now)


def erasures_due(read: Read, bootstrap: str, subjects: list[str], expect: int) -> dict[str, list[Any]]:
    """The `ErasureDue` records keyed by each of `subjects`, once `expect` of them in all are on the topic (waiting
    a moment for any extra one)."""
    keys = {subject.encode() for subject in subjects}
    found = read(bootstrap, ERASURES.name,
                 lambda r: r.key in keys and dict(r.headers)["ce_type"] == b"ErasureDue.v1",
                 expect=expect + 1, within=5.0)
    return {subject: [r for r in found if r.key == subject.encode()] for subject in subjects}


async def test_a_holder_is_due_for_erasure_once_their_last_endorsement_ended_longer_ago_than_the_retention(
        start: Any, auth: Auth, read: Read, tmp_path: Path) -> None:
    catalog = retention_tenants(tmp_path)
    clock = MovableClock(noon(date(2026, 3, 2)))
    async with start(consume=False, clock=clock, tenants=catalog,
                     settings_changes={"lapse_sweep_seconds": 3600.0}) as running:
        register = Register(running.client, running.service.app, clock, auth)
        sweep: RetentionSweep = running.service.api.state.retention_sweep
        bootstrap = running.service.settings.kafka_bootstrap_servers
        revoked, lapsed, reinstated, granted_again, applying_again, unlimited, erased = (uuid4() for _ in range(7))
        subject = {holder: f"account:{holder}" for holder in
                   (revoked, lapsed, reinstated, granted_again, applying_again, unlimited, erased)}

        async def sweep_once() -> int:
            return await asyncio.to_thread(sweep.run_once)

        # given on 2 March 2026: endorsements revoked at once (one in an association without retention, one
        # surrendered by a holder erased at their request), and others in force
        for holder in (revoked, granted_again):
            await register.act(await register.grant(holder), "revoke", {"reason": "Falsified hours"})
        await register.act(await register.grant(unlimited, UNLIMITED), "revoke", {"reason": "Falsified hours"},
                           UNLIMITED)
        surrendered = await register.grant(erased)
        register.reviews.save(*register.reviews.erasure.erase(
            erasure_id=uuid4(), tenant="itmhca", subject=subject[erased], endorsement_ids=[surrendered],
            today=date(2026, 3, 2), now=clock.now))
        earlier = await register.grant(lapsed)
        await register.act(earlier, "revoke", {"reason": "Falsified hours"})  # the same holder's first entry
        in_force = {holder: await register.grant(holder) for holder in (lapsed, reinstated, applying_again)}

        # and on 2 February 2028 those unrenewed lapse; one is reinstated, one holder applies again, one revoked
        # holder is granted a new endorsement
        clock.now = noon(date(2028, 2, 2))
        for endorsement_id in in_force.values():
            register.lapse(endorsement_id, catalog)
        await register.act(in_force[reinstated], "reinstate", {})
        register.open_case(applying_again)
        await register.grant(granted_again)

        # when the sweep runs exactly two years after the first revocations, nobody is due yet
        clock.now = noon(date(2028, 3, 2))
        assert await sweep_once() == 0

        # then the day after, only the revoked holder is: no limit elsewhere, the erased holder is gone already,
        # a second endorsement, a reinstatement, a new grant or an open case keep the others
        clock.now = noon(date(2028, 3, 3))
        assert await sweep_once() == 1
        published = erasures_due(read, bootstrap, list(subject.values()), expect=1)
        [record] = published.pop(subject[revoked])
        assert published == {other: [] for other in published}
        due = decode(list(record.headers), record.value).event
        assert isinstance(due, ErasureDue)
        assert (due.tenant, due.subject, due.reason, due.ended_on, due.retention_years) == (
            "itmhca", subject[revoked], "register_retention", date(2026, 3, 2), RETENTION_YEARS)
        decision_id = register_retention_id("itmhca", subject[revoked])
        assert dict(record.headers)["ce_id"].decode() == str(uuid5(NAMESPACE_URL, f"{EVENT_SOURCE}/{decision_id}/1"))

        # when the sweep runs again, nothing more is stored or sent for that holder
        assert await sweep_once() == 0

        # and two years after the lapses, the holder whose last endorsement lapsed then is due, from that date
        clock.now = noon(date(2030, 2, 3))
        assert await sweep_once() == 1
        published = erasures_due(read, bootstrap, list(subject.values()), expect=2)
        assert len(published.pop(subject[revoked])) == 1  # sent once, whatever the passes since
        [record] = published.pop(subject[lapsed])
        assert decode(list(record.headers), record.value).event.ended_on == date(2028, 2, 2)
        assert published == {other: [] for other in published}  # in force, applying, no limit, erased already
