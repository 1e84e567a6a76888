"""Register retention (docs/erasure.md, "Legal holds and retention"): reviews publishes `ErasureDue` on
`endorsement.erasures.v1` when a holder's last endorsement ended more than `register_retention_years` ago, and the
gateway's erasures consumer files the erasure as `system`, as the inactivity job does: one request per subject,
`held` under a hold, never for a staff account. The records go through the real broker to the gateway's consumer."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

from endorsement_contracts import ERASURES, KafkaRecord, encode
from endorsement_contracts.events.erasures import ErasureDue
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from .conftest import COORDINATOR, SEED_PASSWORD, Gateway, read

WAIT_SECONDS = 60.0
REASON = "retention: register entry ended over 10 years ago"
Placed = tuple[int, int]
"""Where the broker put a record: (partition, offset)."""


def due(account_id: str) -> KafkaRecord:
    """Reviews' record: its `ce_id` a uuid5 of the subject, so a repeated sweep sends the same record."""
    subject = f"account:{account_id}"
    event = ErasureDue(tenant="itmhca", occurred_at=datetime.now(UTC), subject=subject, reason="register_retention",
                       ended_on=date(2015, 6, 30), retention_years=10)
    return encode(event, event_id=uuid.uuid5(uuid.NAMESPACE_URL, subject), source="/services/reviews")


def publish(bootstrap: str, records: list[KafkaRecord]) -> list[Placed]:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        sent = [producer.send(r.topic, key=r.key, value=r.value, headers=r.headers).get(timeout=30) for r in records]
        return [(metadata.partition, metadata.offset) for metadata in sent]
    finally:
        producer.close()


def handled(bootstrap: str, group: str, placed: list[Placed]) -> None:
    """Wait until the gateway's consumer group has committed past each record (it commits after the effect)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not all((consumer.committed(TopicPartition(ERASURES.name, p)) or 0) > offset for p, offset in placed):
            assert time.monotonic() < deadline, "the gateway did not consume the records"
            time.sleep(0.1)
    finally:
        consumer.close()


def person_erased_records(bootstrap: str, subject: str) -> int:
    """How many `PersonErased` the gateway published for `subject` (waits for the first: the relay is woken by the
    write, but publishes after the transaction)."""
    return len(read(bootstrap, ERASURES.name, lambda rec: rec.key == subject.encode()
                    and dict(rec.headers).get("ce_type") == b"PersonErased.v1", 1, timeout=WAIT_SECONDS))


async def delivered(gateway: Gateway, bootstrap: str, records: list[KafkaRecord]) -> None:
    placed = await asyncio.to_thread(publish, bootstrap, records)
    await asyncio.to_thread(handled, bootstrap, gateway.app.state.erasures_consumer.group_id, placed)


async def ledger(gateway: Gateway) -> list[dict[str, Any]]:
    """The accounts' requests (each also files its address subject's, which test_erasure_address.py covers)."""
    async with gateway.app.state.runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT subject, requested_by, reason, state, hold_id FROM gateway.erasures"
                                " WHERE subject LIKE 'account:%' ORDER BY requested_at, subject")
    return [dict(row) for row in rows]


async def account_ids(gateway: Gateway) -> set[str]:
    async with gateway.app.state.runtime.pool.acquire() as conn:
        return {str(row["id"]) for row in await conn.fetch("SELECT id FROM gateway.accounts")}


async def coordinator(gateway: Gateway) -> dict[str, str]:
    return {"authorization": f"Bearer {await gateway.log_in(COORDINATOR, SEED_PASSWORD)}"}


async def test_an_erasure_due_files_one_system_request_even_when_the_record_comes_twice(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    holder = str((await gateway.sign_up(f"holder-{uuid.uuid4().hex[:8]}@example.org"))["id"])

    await delivered(gateway, kafka_bootstrap, [due(holder), due(holder)])

    assert await ledger(gateway) == [{"subject": f"account:{holder}", "requested_by": "system", "reason": REASON,
                                      "state": "erasing", "hold_id": None}]
    assert holder not in await account_ids(gateway), "the gateway's part ran at once"
    assert await asyncio.to_thread(person_erased_records, kafka_bootstrap, f"account:{holder}") == 1
    await delivered(gateway, kafka_bootstrap, [due(holder)])  # a later sweep's repeat, the account gone meanwhile
    assert len(await ledger(gateway)) == 1
    assert await asyncio.to_thread(person_erased_records, kafka_bootstrap, f"account:{holder}") == 1


async def test_an_erasure_due_under_a_hold_is_filed_held_and_runs_when_the_hold_is_lifted(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    holder = str((await gateway.sign_up(f"held-{uuid.uuid4().hex[:8]}@example.org"))["id"])
    staff = await coordinator(gateway)
    hold = await gateway.client.post("/admin/holds", json={"account_id": holder, "reason": "dispute 12"},
                                     headers=staff)
    assert hold.status_code == 201, hold.text

    await delivered(gateway, kafka_bootstrap, [due(holder)])

    assert [(e["subject"], e["requested_by"], e["state"], str(e["hold_id"])) for e in await ledger(gateway)] == [
        (f"account:{holder}", "system", "held", hold.json()["id"])]
    assert holder in await account_ids(gateway), "nothing is erased while the hold stands"
    lifted = await gateway.client.post(f"/admin/holds/{hold.json()['id']}/lift", json={"reason": "settled"},
                                       headers=staff)
    assert lifted.status_code == 200, lifted.text
    assert [e["state"] for e in lifted.json()["started"]] == ["erasing", "erasing"]  # account, address
    assert holder not in await account_ids(gateway)


async def test_an_erasure_due_for_a_staff_account_or_an_unknown_one_files_nothing(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    async with gateway.app.state.runtime.pool.acquire() as conn:
        staff = str(await conn.fetchval("SELECT id FROM gateway.accounts WHERE email = $1", COORDINATOR))
    before = await account_ids(gateway)

    await delivered(gateway, kafka_bootstrap, [due(staff), due(str(uuid.uuid4()))])

    assert await ledger(gateway) == []
    assert await account_ids(gateway) == before
