"""Erasing a holder on a running service: `PersonErased` (twice, as a redelivery would) destroys their key,
scrubs their name from the read model and the pages, removes their registry listing, empties their webhook
bodies (a pending delivery is rebuilt and still arrives), and is answered with one `ErasureCompleted`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from credentials.application import CredentialsApplication
from credentials.bootstrap import SCHEMA
from credentials.entrypoints.consumer import grant_from
from credentials.webhooks.tables import connect
from devstack.testing import hits, stored_texts
from endorsement_contracts.events import ErasureCompleted, PersonErased
from pydantic import SecretStr
from servicekit.identity import Identity, issue_token

from .conftest import ERASURE_TENANT, ReviewsTwins, Running, eventually, grant, headers_of, make_settings, start
from .partner_endpoint import PartnerEndpoint, partner_endpoint

TENANT = ERASURE_TENANT  # its own: this module publishes grants, which every later module's service reads
NAME = "Zelda Quixmarker"
EMAIL = "zq-erasure@example.org"


@pytest.fixture(scope="module")
def partner() -> Iterator[PartnerEndpoint]:
    with partner_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
async def erasing_service(
    module_database_url: str, kafka_topics: str, gateway_keys: tuple[str, str], tenants_dir: Path,
    reviews_twins: ReviewsTwins,
) -> AsyncIterator[Running]:
    settings = make_settings(module_database_url, kafka_topics, gateway_keys[1], tenants_dir).model_copy(update={
        "credentials_webhook_allow_insecure_urls": True, "credentials_webhook_poll_seconds": 0.05,
        "credentials_webhook_retry_base_seconds": 0.1, "credentials_webhook_retry_max_seconds": 0.3,
        "credentials_webhook_max_attempts": 1000, "credentials_webhook_secret_key": SecretStr("66" * 32),
    })
    async with start(settings, gateway_keys[0], reviews_twins) as running:
        yield running


def stored_events(database_url: str) -> dict[str, str]:
    """Every stored event's (and snapshot's) state, as text (the event store does not compress)."""
    events = stored_texts(database_url, SCHEMA, events_only=True)
    assert any(events.values()), "no stored events found: the grep would prove nothing"
    return events


async def wait_processed(running: Running, partition: int, offset: int) -> None:
    consumer = running.service.consumer
    assert consumer is not None
    name = consumer.tracking_for(PersonErased.topic, partition, offset).application_name
    await eventually(lambda: running.service.app.position(name) >= offset + 1, 20)


async def test_an_erased_holder_leaves_no_readable_name_and_is_answered_once(
    erasing_service: Running, partner: PartnerEndpoint
) -> None:
    running, client = erasing_service, erasing_service.client
    coordinator = {"authorization": f"Bearer {running.token(tenant=TENANT)}"}
    registered = await client.post("/credentials/webhooks", headers=coordinator,
                                   json={"partner": "P", "url": partner.url("/held", 503)})
    assert registered.status_code == 201, registered.text
    app = running.service.app
    assert isinstance(app, CredentialsApplication)
    credential = app.issue(grant_from(grant(tenant=TENANT, name=NAME, email=EMAIL)))
    assert credential is not None
    app.save(credential)
    account_id, subject = credential.holder_account_id, credential.holder.subject

    # before: the name is shown and listed, yet sealed in the event store and absent from the signed document
    assert "name" not in credential.document["credentialSubject"]
    assert hits(stored_events(running.service.settings.database_url), NAME, "zq-erasure") == {}
    holder = Identity(account_id, TENANT, frozenset({"applicant"}), EMAIL, NAME)
    as_holder = {"authorization": f"Bearer {issue_token(holder, running.gateway_private_key)}"}
    await running.relayed()
    await eventually(lambda: len(partner.at("/held")) >= 1, 15)  # refused: the delivery stays pending
    listed = await client.put(f"/credentials/{credential.id}/registry-listing", headers=as_holder,
                              json={"listed": True, "city": "Tucson"})
    assert listed.status_code == 200 and listed.json()["name"] == NAME
    page = await client.get(f"/credentials/{credential.id}", headers={"accept": "text/html"})
    assert NAME in page.text

    erased = PersonErased(tenant=TENANT, occurred_at=datetime.now(UTC), erasure_id=uuid.uuid4(), subject=subject)
    for _ in range(2):  # delivered twice (a republished copy): erased and answered once
        await wait_processed(running, *await running.kafka.publish(erased))
    await running.relayed()
    on_ledger = await running.kafka.read(ErasureCompleted.topic, subject, expect=3, linger=1.0)  # asks and answers
    answers = [record for record in on_ledger if headers_of(record)["ce_type"] == "ErasureCompleted.v1"]
    assert len(answers) == 1 and len(on_ledger) == 3
    assert b'"service":"credentials"' in answers[0].value.replace(b" ", b"")
    assert app.keys.is_erased(subject)

    settings = running.service.settings

    def scrubbed() -> bool:
        with connect(settings.database_url, SCHEMA) as conn:
            name = conn.execute("SELECT holder_name FROM credentials WHERE id = %s", (credential.id,)).fetchone()
            listings = conn.execute("SELECT count(*) FROM registry_listings WHERE holder_account_id = %s",
                                    (account_id,)).fetchone()
            bodies = conn.execute("SELECT count(*) FROM webhook_deliveries WHERE subject = %s AND body IS NOT NULL",
                                  (str(credential.id),)).fetchone()
        return name == (None,) and listings == (0,) and bodies == (0,)

    await eventually(scrubbed, 20)
    assert app.credential_at(credential.id, 1).holder.erased  # the events still replay, without the person
    shown = await client.get(f"/credentials/{credential.id}", headers={"accept": "text/html"})
    assert NAME not in shown.text and "erased" in shown.text
    spanish = await client.get(f"/credentials/{credential.id}?lang=es", headers={"accept": "text/html"})
    assert "suprimido" in spanish.text
    registry = await client.get(f"/registry/{TENANT}", params={"q": "Quixmarker"})
    assert registry.json()["total"] == 0

    # the pending delivery lost its body with the erasure: it is rebuilt, the same bytes, and delivered
    first = partner.at("/held")[0].body
    partner.script["/held"] = [200]
    await eventually(lambda: any(r.answered == 200 for r in partner.at("/held")), 15)
    assert [r.body for r in partner.at("/held") if r.answered == 200] == [first]
    with connect(settings.database_url, SCHEMA) as conn:
        states = conn.execute("SELECT state, body FROM webhook_deliveries WHERE subject = %s",
                              (str(credential.id),)).fetchall()
    assert states == [("delivered", None)]


async def test_a_grant_for_an_erased_holder_issues_nothing(erasing_service: Running) -> None:
    running = erasing_service
    event = grant(tenant=TENANT, name=NAME, email=EMAIL)
    subject = f"account:{event.applicant.account_id}"
    erased = PersonErased(tenant=TENANT, occurred_at=datetime.now(UTC), erasure_id=uuid.uuid4(), subject=subject)
    await wait_processed(running, *await running.kafka.publish(erased))
    await running.processed(*await running.kafka.publish(event))  # e.g. read again after a broker loss

    app: Any = running.service.app
    assert app.get_credential_for_endorsement(event.endorsement_id) is None
