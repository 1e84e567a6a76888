"""Erasure (docs/erasure.md, slice 6): the person's own request, coordinators' requests, holds, the gateway's
deletions in one transaction with the ledger, and the services' answers read back from the broker."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from devstack.engines import Engines
from devstack.kafka import start_tansu
from devstack.ports import PortRegistry
from devstack.topics import ensure_topics
from endorsement_contracts import DEAD_LETTER, ERASURES, encode
from endorsement_contracts.events.erasures import ERASING_SERVICES, ErasureCompleted
from gateway.adapters.publisher import KafkaPublisher
from gateway.domain.subjects import development_rater_index_key, rater_subject
from servicekit.shredding import SubjectErased, SubjectKeys

from .conftest import APPLICANT_PASSWORD, COORDINATOR, SEED_PASSWORD, Clock, Gateway, MakeGateway, read

RATER = "Rita.Rater@Example.org"
REASON = "asked in writing, ticket 4711"
WAIT_SECONDS = 60.0


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def coordinator(gateway: Gateway) -> dict[str, str]:
    return bearer(await gateway.log_in(COORDINATOR, SEED_PASSWORD))


async def ada(gateway: Gateway) -> tuple[str, dict[str, str]]:
    """A signed-up, signed-in applicant: (account id, auth headers)."""
    account = await gateway.sign_up()
    return str(account["id"]), bearer(await gateway.log_in())


async def rows(gateway: Gateway, query: str, *args: Any) -> list[Any]:
    async with gateway.app.state.runtime.pool.acquire() as conn:
        return list(await conn.fetch(query, *args))


async def eventually(probe: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = await probe()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


def code(answer: httpx.Response) -> str:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    return str(answer.json()["code"])


async def test_a_person_erases_themselves_and_the_gateway_forgets_them_in_one_go(
    gateway: Gateway, database_url: str, kafka_bootstrap: str
) -> None:
    account_id, auth = await ada(gateway)
    # a kept Idempotency-Key answer of theirs (409: already confirmed), which the erasure must delete
    kept = await gateway.client.post("/auth/email-verification/resend", headers={**auth, "idempotency-key": "k1"})
    assert kept.status_code == 409
    assert await rows(gateway, "SELECT 1 FROM gateway.idempotency WHERE account_id = $1", uuid.UUID(account_id))
    wrong = await gateway.client.post("/me/erasure", json={"password": "not my password!"}, headers=auth)
    assert (wrong.status_code, code(wrong)) == (403, "WRONG_PASSWORD")

    answer = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert answer.status_code == 202, answer.text
    erasure = answer.json()
    assert erasure["state"] == "erasing" and set(erasure) == {"id", "state", "requested_at", "detail"}
    subject = f"account:{account_id}"
    account = uuid.UUID(account_id)
    for table in ("accounts WHERE id", "sessions WHERE account_id", "links WHERE account_id",
                  "idempotency WHERE account_id"):
        assert await rows(gateway, f"SELECT 1 FROM gateway.{table} = $1", account) == [], table
    assert await rows(gateway, "SELECT 1 FROM gateway.login_throttle WHERE key LIKE 'account%ada@example.org'") == []
    assert (await gateway.client.get("/auth/me", headers=auth)).status_code == 401  # signed out everywhere
    keys = SubjectKeys(database_url, "gateway", bytes(32))
    try:
        assert keys.is_erased(subject)
        with pytest.raises(SubjectErased):
            keys.seal(subject, "anything")  # a tombstone: no key is ever made for the subject again
    finally:
        keys.close()
    written = [e["type"] for e in await gateway.outbox() if e["type"].startswith(("PersonErased", "ErasureCompleted"))]
    # the account's, then its address subject's (test_erasure_address.py)
    assert written == ["PersonErased.v1", "ErasureCompleted.v1", "ErasureCompleted.v1"] * 2
    records = erasure_records(kafka_bootstrap, erasure["id"], 3)  # relayed from the outbox, in order
    assert [(header(r, "ce_type"), json.loads(r.value).get("service")) for r in records] == [
        ("PersonErased.v1", None), ("ErasureCompleted.v1", "gateway"), ("ErasureCompleted.v1", "portal")]
    assert {(r.key.decode(), json.loads(r.value)["subject"], json.loads(r.value)["tenant"]) for r in records} == {
        (subject, subject, "itmhca")}

    shown = await gateway.client.get(f"/admin/erasures/{erasure['id']}", headers=await coordinator(gateway))
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["subject"], body["requested_by"], body["reason"], body["state"]) == (
        subject, subject, None, "erasing")
    assert set(body["progress"]) == set(ERASING_SERVICES)
    assert {s for s, at in body["progress"].items() if at} == {"gateway", "portal"}


async def test_a_wrong_password_counts_like_a_failed_log_in(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(login_max_failures_per_account=2)
    _, auth = await ada(gateway)
    statuses = [(await gateway.client.post("/me/erasure", json={"password": "wrong password!"}, headers=auth))
                .status_code for _ in range(3)]
    assert statuses == [403, 403, 429]
    locked = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)
    assert (locked.status_code, code(locked)) == (429, "TOO_MANY_ATTEMPTS")
    assert (await gateway.client.get("/auth/me", headers=auth)).status_code == 200  # nothing was erased


async def test_a_coordinator_erases_a_rater_and_an_account_and_repeats_get_the_same_request(
    gateway: Gateway, clock: Clock
) -> None:
    staff = await coordinator(gateway)
    account_id, _ = await ada(gateway)

    rater = await gateway.client.post("/admin/erasures", json={"rater_email": RATER, "reason": REASON},
                                      headers=staff)
    clock.advance(timedelta(minutes=1))
    person = await gateway.client.post("/admin/erasures", json={"account_id": account_id, "reason": REASON},
                                       headers=staff)

    assert (rater.status_code, person.status_code) == (202, 202), (rater.text, person.text)
    assert rater.json()["subject"] == rater_subject("itmhca", RATER.lower(), development_rater_index_key())
    assert rater.json()["subject"].startswith("rater:itmhca:") and "rita" not in rater.json()["subject"].lower()
    assert person.json()["subject"] == f"account:{account_id}" and person.json()["reason"] == REASON
    assert await rows(gateway, "SELECT 1 FROM gateway.accounts WHERE id = $1", uuid.UUID(account_id)) == []
    for first, body in ((rater, {"rater_email": RATER.upper(), "reason": "again"}),
                        (person, {"account_id": account_id, "reason": "again"})):  # its account is gone by now
        again = await gateway.client.post("/admin/erasures", json=body, headers=staff)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
    listed = await gateway.client.get("/admin/erasures", params={"limit": 2}, headers=staff)
    assert listed.status_code == 200
    newest = {e["subject"][:8] for e in listed.json()["items"]}  # newest first: the account's and its address's
    assert newest == {"account:", "rater:it"} and person.json()["id"] in {e["id"] for e in listed.json()["items"]}
    assert [e["id"] for e in (await gateway.client.get("/admin/erasures", params={"offset": 2}, headers=staff))
            .json()["items"]] == [rater.json()["id"]]
    assert await rows(gateway, "SELECT 1 FROM gateway.erasures WHERE reason ILIKE '%rita%'") == []


async def test_only_coordinators_of_the_tenant_may_ask_and_the_request_names_exactly_one_person(
    gateway: Gateway,
) -> None:
    staff = await coordinator(gateway)
    account_id, applicant = await ada(gateway)
    elsewhere = uuid.uuid4()
    async with gateway.app.state.runtime.pool.acquire() as conn:
        await conn.execute("INSERT INTO gateway.accounts (id, tenant, email, name, roles, password_hash, created_at,"
                           " updated_at) VALUES ($1, 'elsewhere', 'x@example.org', 'X', '{applicant}', 'h', now(),"
                           " now())", elsewhere)
    cases: list[tuple[dict[str, str], dict[str, Any], int, str]] = [
        (applicant, {"account_id": account_id, "reason": REASON}, 403, "FORBIDDEN"),
        ({}, {"account_id": account_id, "reason": REASON}, 401, "UNAUTHENTICATED"),
        (staff, {"account_id": str(elsewhere), "reason": REASON}, 404, "PERSON_NOT_FOUND"),
        (staff, {"account_id": str(uuid.uuid4()), "reason": REASON}, 404, "PERSON_NOT_FOUND"),
        (staff, {"account_id": account_id, "rater_email": RATER, "reason": REASON}, 422, "VALIDATION_FAILED"),
        (staff, {"reason": REASON}, 422, "VALIDATION_FAILED"),
        (staff, {"rater_email": RATER, "reason": "x" * 501}, 422, "VALIDATION_FAILED"),
        (staff, {"rater_email": "not an email", "reason": REASON}, 422, "VALIDATION_FAILED"),
        (staff, {"rater_email": RATER}, 422, "VALIDATION_FAILED"),
    ]
    for headers, body, status, problem in cases:
        answer = await gateway.client.post("/admin/erasures", json=body, headers=headers)
        assert answer.status_code == status, (body, answer.text)
        assert answer.status_code == 422 or code(answer) == problem, (body, answer.text)
    for path in ("/admin/erasures", "/admin/holds", f"/admin/erasures/{uuid.uuid4()}"):
        assert (await gateway.client.get(path, headers=applicant)).status_code == 403, path
    assert code(await gateway.client.get(f"/admin/erasures/{uuid.uuid4()}", headers=staff)) == "ERASURE_NOT_FOUND"
    assert await rows(gateway, "SELECT 1 FROM gateway.erasures") == []


async def test_a_held_erasure_waits_for_every_hold_and_runs_when_the_last_is_lifted(gateway: Gateway) -> None:
    staff = await coordinator(gateway)
    account_id, auth = await ada(gateway)
    holds = []
    for reason in ("dispute 12", "litigation 7"):
        placed = await gateway.client.post("/admin/holds", json={"account_id": account_id, "reason": reason},
                                           headers=staff)
        assert placed.status_code == 201, placed.text
        holds.append(placed.json())

    asked = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert asked.status_code == 202, asked.text
    assert asked.json()["state"] == "held" and "hold" in asked.json()["detail"]
    again = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)
    assert (again.status_code, again.json()["id"]) == (200, asked.json()["id"])
    assert (await gateway.client.get("/auth/me", headers=auth)).status_code == 200  # nothing erased yet
    assert not [e for e in await gateway.outbox() if e["type"] == "PersonErased.v1"]
    active = await gateway.client.get("/admin/holds", params={"active": "true"}, headers=staff)
    assert {h["id"] for h in active.json()["items"]} == {h["id"] for h in holds}

    first = await gateway.client.post(f"/admin/holds/{holds[0]['id']}/lift", json={"reason": "settled"},
                                      headers=staff)
    assert first.status_code == 200, first.text
    assert first.json()["started"] == [] and first.json()["hold"]["active"] is False
    still = await gateway.client.get(f"/admin/erasures/{asked.json()['id']}", headers=staff)
    assert (still.json()["state"], still.json()["hold_id"]) == ("held", holds[1]["id"])

    last = await gateway.client.post(f"/admin/holds/{holds[1]['id']}/lift", json={"reason": "court order 9"},
                                     headers=staff)

    assert last.status_code == 200, last.text
    address = rater_subject("itmhca", "ada@example.org", development_rater_index_key())
    assert [(e["subject"], e["state"]) for e in last.json()["started"]] == [
        (f"account:{account_id}", "erasing"), (address, "erasing")]  # the account's, then its address's
    assert last.json()["started"][0]["id"] == asked.json()["id"]
    assert (await gateway.client.get("/auth/me", headers=auth)).status_code == 401
    assert [e["type"] for e in await gateway.outbox() if e["type"] == "PersonErased.v1"] == ["PersonErased.v1"] * 2
    twice = await gateway.client.post(f"/admin/holds/{holds[1]['id']}/lift", json={"reason": "again"}, headers=staff)
    assert (twice.status_code, code(twice)) == (409, "HOLD_ALREADY_LIFTED")
    unknown = await gateway.client.post(f"/admin/holds/{uuid.uuid4()}/lift", json={"reason": "x"}, headers=staff)
    assert (unknown.status_code, code(unknown)) == (404, "HOLD_NOT_FOUND")


def erasure_records(bootstrap: str, erasure_id: str, at_least: int) -> list[Any]:
    return read(bootstrap, ERASURES.name, lambda r: json.loads(r.value).get("erasure_id") == erasure_id, at_least)


def header(record: Any, name: str) -> str:
    return str(dict(record.headers)[name].decode())


def dead_letters(bootstrap: str, group: str) -> list[Any]:
    return read(bootstrap, DEAD_LETTER.name, lambda r: dict(r.headers).get("dlq_consumer_group") == group.encode(), 1)


async def test_the_request_is_done_once_every_service_has_answered_on_the_broker(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    staff = await coordinator(gateway)
    filed = await gateway.client.post("/admin/erasures", json={"rater_email": RATER, "reason": REASON},
                                      headers=staff)
    erasure = filed.json()
    now = datetime.now(UTC)
    answers = [encode(ErasureCompleted(tenant="itmhca", occurred_at=now, erasure_id=erasure["id"],
                                       subject=erasure["subject"], service=service),
                      event_id=uuid.uuid4(), source=f"/services/{service}")
               for service in ("applications", "reviews", "credentials", "notifications")]
    garbage = encode(ErasureCompleted(tenant="itmhca", occurred_at=now, erasure_id=erasure["id"],
                                      subject=erasure["subject"], service="reviews"),
                     event_id=uuid.uuid4(), source="/tests")
    garbage = type(garbage)(topic=ERASURES.name, key=garbage.key, value=b"{not json", headers=garbage.headers)
    publisher = KafkaPublisher(kafka_bootstrap, enable_idempotence=False, client_id="erasure-tests")
    try:
        await publisher.publish([answers[0], answers[0], garbage, *answers[1:3]])  # a replay, and a broken record

        async def answered(count: int) -> bool:
            shown = (await gateway.client.get(f"/admin/erasures/{erasure['id']}", headers=staff)).json()
            return sum(1 for at in shown["progress"].values() if at) == count

        await eventually(lambda: answered(5), "five answers")
        assert (await gateway.client.get(f"/admin/erasures/{erasure['id']}", headers=staff)).json()["state"] == \
            "erasing"
        await publisher.publish([answers[3], answers[1]])
        shown = await eventually(lambda: _done(gateway, erasure["id"], staff), "the request done")
    finally:
        await publisher.close()

    assert shown["done_at"] is not None and all(shown["progress"].values())
    assert len(await rows(gateway, "SELECT 1 FROM gateway.erasure_answers WHERE erasure_id = $1",
                          uuid.UUID(erasure["id"]))) == len(ERASING_SERVICES)
    [dead] = dead_letters(kafka_bootstrap, gateway.app.state.erasures_consumer.group_id)
    headers = {name: value.decode() for name, value in dead.headers}
    assert headers["dlq_source_topic"] == ERASURES.name and "not JSON" in headers["dlq_reason"]


async def _done(gateway: Gateway, erasure_id: str, staff: dict[str, str]) -> dict[str, Any] | None:
    shown: dict[str, Any] = (await gateway.client.get(f"/admin/erasures/{erasure_id}", headers=staff)).json()
    return shown if shown["state"] == "done" else None


async def test_the_public_api_document_shows_the_erasure_routes_behind_a_session(gateway: Gateway) -> None:
    document = (await gateway.client.get("/openapi.json")).json()
    for path, method in (("/me/erasure", "post"), ("/admin/erasures", "post"), ("/admin/erasures", "get"),
                         ("/admin/erasures/{erasure_id}", "get"), ("/admin/holds", "post"), ("/admin/holds", "get"),
                         ("/admin/holds/{hold_id}/lift", "post")):
        operation = document["paths"][path][method]
        assert operation["security"] == [{"sessionToken": []}], (path, method)
        assert "application/problem+json" in str(operation["responses"]), (path, method)
    assert "must not name the person" in str(document["components"]["schemas"]["NamedPerson"])


async def test_a_gateway_started_while_its_broker_is_away_is_ready_and_consumes_once_the_broker_is_back(
    make_gateway: MakeGateway, engines: Engines, upstreams: object
) -> None:
    name = f"tansu-late-{uuid.uuid4().hex[:8]}"
    port = PortRegistry(None).port(name)
    bootstrap = f"127.0.0.1:{port}"
    gateway = await make_gateway(kafka_bootstrap_servers=bootstrap)  # nothing listens there yet
    consumer = gateway.app.state.erasures_consumer
    assert (await gateway.client.get("/readyz")).status_code == 200 and not consumer.consuming
    start_tansu(engines.supervisor, port, name=name)
    try:
        await asyncio.to_thread(ensure_topics, bootstrap, {t.name: t.partitions for t in (ERASURES, DEAD_LETTER)})
        valid = encode(ErasureCompleted(tenant="itmhca", occurred_at=datetime.now(UTC), erasure_id=uuid.uuid4(),
                                        subject=f"account:{uuid.uuid4()}", service="reviews"),
                       event_id=uuid.uuid4(), source="/tests")
        publisher = KafkaPublisher(bootstrap, enable_idempotence=False, client_id="erasure-tests")
        try:
            await publisher.publish([type(valid)(topic=ERASURES.name, key=valid.key, value=b"{not json",
                                                 headers=valid.headers)])
        finally:
            await publisher.close()

        async def dead_lettered() -> bool:
            return bool(consumer.dead_lettered == 1)

        await eventually(dead_lettered, "the consumer to reach the broker that came back")
        assert (await gateway.client.get("/readyz")).status_code == 200
    finally:
        engines.supervisor.stop(name)
