"""Webhooks on a running service: coordinators register partners' URLs; every partner event reaches them as a
signed CloudEvent, in order, retried with backoff, and dead-lettered where the coordinator can see it.
Deliveries are rows in PostgreSQL, so a restarted sender carries on where the last one stopped."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from credentials.application import CredentialsApplication
from credentials.bootstrap import SCHEMA, build, partner_events
from credentials.config import CredentialsSettings
from credentials.entrypoints.consumer import grant_from
from credentials.translation import SOURCE
from credentials.webhooks.fanout import WebhookFanOut
from credentials.webhooks.sender import RetryPolicy, WebhookSender
from credentials.webhooks.tables import DDL, connect
from endorsement_contracts import CREDENTIALS
from pydantic import SecretStr

from .conftest import TENANT, ReviewsTwins, Running, eventually, grant, headers_of, make_settings, start
from .partner_endpoint import PartnerEndpoint, partner_endpoint

PROBLEM = "application/problem+json"
RETRY_BASE = 0.2
WEBHOOK_TENANT = "itmhca"
SECRET_KEY = "55" * 32
"""Grants of other modules (tenant `credtest`) on the shared broker reach this service too: its webhooks are
for another tenant, so they receive only what these tests cause."""


@pytest.fixture(scope="module")
def partner() -> Iterator[PartnerEndpoint]:
    with partner_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
async def webhook_service(
    module_database_url: str, kafka_topics: str, gateway_keys: tuple[str, str], tenants_dir: Path,
    reviews_twins: ReviewsTwins,
) -> AsyncIterator[Running]:
    settings = make_settings(module_database_url, kafka_topics, gateway_keys[1], tenants_dir).model_copy(update={
        "credentials_webhook_allow_insecure_urls": True, "credentials_webhook_poll_seconds": 0.05,
        "credentials_webhook_retry_base_seconds": RETRY_BASE, "credentials_webhook_max_attempts": 3,
        "credentials_webhook_secret_key": SecretStr(SECRET_KEY),
    })
    async with start(settings, gateway_keys[0], reviews_twins) as running:
        yield running


def auth(running: Running, **token: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {running.token(**{'tenant': WEBHOOK_TENANT, **token})}"}


async def register(running: Running, url: str, partner: str = "NMAIMH") -> dict[str, Any]:
    answer = await running.client.post("/credentials/webhooks", json={"partner": partner, "url": url},
                                       headers=auth(running))
    assert answer.status_code == 201, answer.text
    registered: dict[str, Any] = answer.json()
    return registered


def partner_verifies(secret: str, received: Any, tolerance: int = 300) -> bool:
    """What a partner does (see the README), written without the service's code."""
    fields = dict(part.split("=", 1) for part in received.headers["webhook-signature"].split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256).hexdigest()
    return abs(time.time() - timestamp) <= tolerance and hmac.compare_digest(expected, fields["v1"])


async def test_coordinators_register_list_and_remove_webhooks(
    webhook_service: Running, partner: PartnerEndpoint
) -> None:
    client = webhook_service.client
    created = await register(webhook_service, partner.url("/registered"))
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["signing"]["header"] == "Webhook-Signature"
    with connect(webhook_service.service.settings.database_url, SCHEMA) as conn:
        [(stored,)] = conn.execute("SELECT secret FROM webhook_subscriptions WHERE id = %s",
                                   (uuid.UUID(created["id"]),)).fetchall()
    assert stored.startswith("aesgcm:") and created["secret"] not in stored  # sealed at rest

    browser = {**auth(webhook_service), "accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    listed = (await client.get("/credentials/webhooks", headers=browser)).json()["items"]  # not a credential page
    [mine] = [item for item in listed if item["id"] == created["id"]]
    assert mine["url"] == partner.url("/registered") and "secret" not in json.dumps(listed)
    elsewhere = auth(webhook_service, tenant="othertenant")
    assert (await client.get("/credentials/webhooks", headers=elsewhere)).json() == {"items": []}
    stranger = await client.delete(f"/credentials/webhooks/{created['id']}", headers=elsewhere)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "WEBHOOK_NOT_FOUND")

    refusals = [
        ({"partner": "P", "url": "ftp://partner.example/x"}, {}, 422, "INVALID_WEBHOOK_URL"),
        ({"partner": "P", "url": "https://partner.example/x", "secret": "mine"}, {}, 422, "VALIDATION_FAILED"),
        ({"partner": "", "url": "https://partner.example/x"}, {}, 422, "VALIDATION_FAILED"),
        ({"partner": "P", "url": "https://partner.example/x"}, {"roles": frozenset({"applicant"})}, 403, "FORBIDDEN"),
    ]
    for body, token, status, code in refusals:
        refused = await client.post("/credentials/webhooks", json=body, headers=auth(webhook_service, **token))
        assert (refused.status_code, refused.json()["code"]) == (status, code), body

    removed = await client.delete(f"/credentials/webhooks/{created['id']}", headers=auth(webhook_service))
    assert removed.status_code == 204
    again = await client.delete(f"/credentials/webhooks/{created['id']}", headers=auth(webhook_service))
    assert again.status_code == 404
    listed = (await client.get("/credentials/webhooks", headers=auth(webhook_service))).json()["items"]
    assert created["id"] not in {item["id"] for item in listed}


async def test_partner_events_are_delivered_signed_in_order_retried_and_dead_lettered(
    webhook_service: Running, partner: PartnerEndpoint
) -> None:
    ok = await register(webhook_service, partner.url("/ok", 200))
    flaky = await register(webhook_service, partner.url("/flaky", 500, 500, 200))
    down = await register(webhook_service, partner.url("/down", 503))

    app = webhook_service.service.app
    credential = app.issue(grant_from(grant(tenant=WEBHOOK_TENANT)))  # type: ignore[attr-defined]
    app.save(credential)
    note = "Ana Núñez is on medical leave"  # a coordinator's note: staff only, never delivered
    suspended = await webhook_service.client.post(f"/credentials/{credential.id}/suspend",
                                                  json={"reason_code": "administrative", "note": note},
                                                  headers=auth(webhook_service))
    assert suspended.status_code == 200

    await eventually(lambda: len(partner.at("/ok")) == 2, 15)
    received = partner.at("/ok")
    bodies = [json.loads(r.body) for r in received]
    assert [b["type"] for b in bodies] == ["CredentialIssued.v1", "CredentialSuspended.v1"]
    assert all(partner_verifies(ok["secret"], r) for r in received)
    assert not partner_verifies(flaky["secret"], received[0])  # another partner's secret does not fit
    for request, body in zip(received, bodies, strict=True):
        assert request.headers["content-type"].startswith("application/cloudevents+json")
        assert request.headers["webhook-id"] == body["id"]
        assert {"specversion": "1.0", "source": SOURCE, "subject": str(credential.id), "tenant": WEBHOOK_TENANT,
                "datacontenttype": "application/json"}.items() <= body.items()
        assert body["data"]["credential_id"] == str(credential.id)
    assert bodies[0]["sequence"] < bodies[1]["sequence"]
    assert bodies[1]["data"]["status"] == "suspended" and bodies[1]["data"]["reason_code"] == "administrative"
    assert bodies[1]["data"]["reason"] == "For an administrative reason"
    assert not any("medical" in r.body.decode() for r in received)
    on_kafka = await webhook_service.kafka.read(CREDENTIALS.name, str(credential.id), expect=2)
    assert [headers_of(r)["ce_id"] for r in on_kafka] == [b["id"] for b in bodies]  # one id across both feeds

    await eventually(lambda: len([r for r in partner.at("/flaky") if r.answered == 200]) == 2, 15)
    tries = partner.at("/flaky")
    assert [json.loads(r.body)["id"] for r in tries] == [bodies[0]["id"]] * 3 + [bodies[1]["id"]]
    assert [r.answered for r in tries] == [500, 500, 200, 200]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(tries[:3])]
    assert gaps[0] >= RETRY_BASE * 0.9 and gaps[1] >= 2 * RETRY_BASE * 0.9  # exponential backoff
    assert all(partner_verifies(flaky["secret"], r) for r in tries)

    failures_url = f"/credentials/webhooks/{down['id']}/failures"

    async def both_dead() -> bool:
        answer = await webhook_service.client.get(failures_url, headers=auth(webhook_service))
        return len(answer.json()["items"]) == 2

    await eventually(both_dead, 15)
    failures = (await webhook_service.client.get(failures_url, headers=auth(webhook_service))).json()["items"]
    assert [f["event_id"] for f in failures] == [bodies[1]["id"], bodies[0]["id"]]  # newest first
    assert all((f["attempts"], f["last_status"], f["last_error"]) == (3, 503, "HTTP 503") for f in failures)
    assert len(partner.at("/down")) == 6
    hidden = await webhook_service.client.get(failures_url, headers=auth(webhook_service, tenant="othertenant"))
    assert hidden.status_code == 404

    listed = (await webhook_service.client.get("/credentials/webhooks", headers=auth(webhook_service))).json()
    counts = {item["id"]: item["deliveries"] for item in listed["items"]}
    assert counts[ok["id"]] == {"pending": 0, "delivered": 2, "failed": 0}
    assert counts[down["id"]] == {"pending": 0, "delivered": 0, "failed": 2}


def test_a_restarted_sender_carries_on_with_the_queued_deliveries(settings: CredentialsSettings) -> None:
    service = build(settings)
    app = service.app
    assert isinstance(app, CredentialsApplication)
    now = [time.time()]
    with partner_endpoint() as endpoint, connect(settings.database_url, SCHEMA) as conn:
        conn.execute(DDL)
        conn.execute("INSERT INTO webhook_subscriptions (id, tenant, partner, url, secret, created_at, created_by) "
                     "VALUES (%s, %s, 'P', %s, 'whsec_x', now(), %s)",
                     (uuid.uuid4(), TENANT, endpoint.url("/hook", 503, 503, 200), uuid.uuid4()))
        conn.commit()
        for _ in range(2):
            credential = app.issue(grant_from(grant()))
            assert credential is not None
            app.save(credential)
        fan_out = WebhookFanOut(app, partner_events(app), source=SOURCE)
        fan_out.run_once(conn, datetime.fromtimestamp(now[0], UTC))
        assert fan_out.queued == 2

        def sender() -> WebhookSender:  # a new one each time, as after a restart: all it knows is in the tables
            return WebhookSender(httpx.Client(), RetryPolicy(base_seconds=60), None, fan_out.body_of,
                                 lease_seconds=120, clock=lambda: now[0])

        assert sender().run_once(conn) == 1 and endpoint.at("/hook")[-1].answered == 503
        now[0] += 30
        assert sender().run_once(conn) == 0  # its retry is not due yet
        now[0] += 31
        assert sender().run_once(conn) == 1 and endpoint.at("/hook")[-1].answered == 503
        now[0] += 121  # the second retry waits twice as long
        crashed = sender()
        assert len(crashed._claim(conn)) == 1  # claimed, then the process died before answering
        assert sender().run_once(conn) == 0  # leased to the dead process for a while
        now[0] += 121
        assert sender().run_once(conn) == 1 and endpoint.at("/hook")[-1].answered == 200
        [(queued,)] = conn.execute("SELECT body FROM webhook_deliveries WHERE state = 'pending'").fetchall()
        conn.execute("UPDATE webhook_deliveries SET body = NULL WHERE state = 'pending'")  # as an erasure does
        conn.commit()
        assert sender().run_once(conn) == 1  # then the next event of that subscription, its body rebuilt
        assert endpoint.at("/hook")[-1].body == bytes(queued)
        states = conn.execute("SELECT state, attempts, body FROM webhook_deliveries ORDER BY sequence").fetchall()
        assert states == [("delivered", 3, None), ("delivered", 1, None)]  # bodies go once delivered
    for relay in service.relays:
        relay.producer.close()
    app.close()

