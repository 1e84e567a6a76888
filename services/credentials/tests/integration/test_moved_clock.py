"""A credentials service whose business time was moved, as a test stack moves it (`servicekit.clock`:
`CLOCK_OFFSET_FILE` with `ENVIRONMENT=test`): credentials are issued at the moved time, while webhooks keep
real time, so their deliveries are due when the sender (real time) looks, and partners can check the signatures
against their own clocks."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from credentials.entrypoints.consumer import grant_from
from pydantic import SecretStr
from servicekit.clock import OffsetClock, write_clock_offset

from .conftest import ReviewsTwins, Running, eventually, grant, make_settings, start
from .partner_endpoint import PartnerEndpoint, partner_endpoint

AHEAD = timedelta(days=400)
TENANT = "itmhca"


@pytest.fixture(scope="module")
def partner() -> Iterator[PartnerEndpoint]:
    with partner_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
async def moved_service(
    module_database_url: str,
    kafka_topics: str,
    gateway_keys: tuple[str, str],
    tenants_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    reviews_twins: ReviewsTwins,
) -> AsyncIterator[Running]:
    offset_file = tmp_path_factory.mktemp("clock") / "clock-offset"
    write_clock_offset(offset_file, AHEAD.total_seconds())
    settings = make_settings(module_database_url, kafka_topics, gateway_keys[1], tenants_dir).model_copy(
        update={
            "credentials_webhook_allow_insecure_urls": True,
            "credentials_webhook_poll_seconds": 0.05,
            "credentials_webhook_secret_key": SecretStr("66" * 32),
            "environment": "test",
            "clock_offset_file": str(offset_file),
        }
    )
    async with start(settings, gateway_keys[0], reviews_twins) as running:
        yield running


async def test_webhooks_keep_real_time_while_credentials_follow_the_moved_clock(
    moved_service: Running, partner: PartnerEndpoint
) -> None:
    app = moved_service.service.app
    assert isinstance(app.clock, OffsetClock)  # type: ignore[attr-defined]
    headers = {"authorization": f"Bearer {moved_service.token(tenant=TENANT)}"}
    registered = await moved_service.client.post(
        "/credentials/webhooks", json={"partner": "NMAIMH", "url": partner.url("/moved", 200)}, headers=headers
    )
    assert registered.status_code == 201, registered.text
    assert abs(datetime.fromisoformat(registered.json()["created_at"]) - datetime.now(UTC)) < timedelta(minutes=5)

    business_today = app.clock().date()  # type: ignore[attr-defined]
    credential = app.issue(  # type: ignore[attr-defined]
        grant_from(
            grant(
                tenant=TENANT,
                effective=business_today - timedelta(days=30),
                renewal=business_today + timedelta(days=365),
            )
        )
    )
    app.save(credential)
    assert credential.issued_at - datetime.now(UTC) > AHEAD - timedelta(minutes=5)

    await eventually(lambda: len(partner.at("/moved")) == 1, 15)
    [received] = partner.at("/moved")
    fields = dict(part.split("=", 1) for part in received.headers["webhook-signature"].split(","))
    assert abs(time.time() - int(fields["t"])) <= 300  # what a partner's real clock accepts
    expected = hmac.new(
        registered.json()["secret"].encode(), f"{fields['t']}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, fields["v1"])
