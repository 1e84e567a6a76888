"""Erasing an account erases its address subject too (issue 10 item 7): the services hold data about the same person
under `rater:<tenant>:<HMAC of their email>` (as a rater, reviewer, scorer, staff address), so the gateway files that
subject's request with the account's, in one transaction, and holds it while a hold covers either subject."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from endorsement_contracts import ERASURES
from gateway.domain.subjects import development_rater_index_key, rater_subject

from .conftest import APPLICANT_PASSWORD, Gateway
from .test_erasure import ada, coordinator, header, read, rows

ADA = "ada@example.org"
ADDRESS = rater_subject("itmhca", ADA, development_rater_index_key())


async def ledger(gateway: Gateway) -> dict[str, Any]:
    """Every request, by subject."""
    found = await rows(gateway, "SELECT * FROM gateway.erasures")
    return {row["subject"]: dict(row) for row in found}


def person_erased_subjects(bootstrap: str, subjects: set[str]) -> set[str]:
    """The subjects among `subjects` the relay published `PersonErased` for (waits until every one is there)."""
    found = read(bootstrap, ERASURES.name, lambda r: header(r, "ce_type") == "PersonErased.v1"
                 and json.loads(r.value)["subject"] in subjects, len(subjects))
    return {json.loads(r.value)["subject"] for r in found}


async def test_erasing_an_account_erases_its_address_subject_and_a_repeat_files_nothing_new(
    gateway: Gateway, kafka_bootstrap: str
) -> None:
    account_id, auth = await ada(gateway)
    account = f"account:{account_id}"

    asked = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert asked.status_code == 202, asked.text
    filed = await ledger(gateway)
    assert set(filed) == {account, ADDRESS}
    linked = filed[ADDRESS]
    assert (linked["requested_by"], linked["state"], linked["hold_id"]) == (account, "erasing", None)
    assert linked["reason"] == f"part of erasure {asked.json()['id']} of {account}"
    assert linked["requested_at"] == filed[account]["requested_at"]  # one transaction, one clock reading
    assert await asyncio.to_thread(person_erased_subjects, kafka_bootstrap, {account, ADDRESS}) == {
        account, ADDRESS}

    staff = await coordinator(gateway)
    for body in ({"account_id": account_id, "reason": "again"}, {"rater_email": ADA.upper(), "reason": "again"}):
        again = await gateway.client.post("/admin/erasures", json=body, headers=staff)
        assert again.status_code == 200, again.text
    assert set(await ledger(gateway)) == {account, ADDRESS}
    assert len([e for e in await gateway.outbox() if e["type"] == "PersonErased.v1"]) == 2


async def test_an_address_with_a_request_already_keeps_it(gateway: Gateway) -> None:
    staff = await coordinator(gateway)
    account_id, _ = await ada(gateway)
    first = await gateway.client.post("/admin/erasures", json={"rater_email": ADA, "reason": "as a rater"},
                                      headers=staff)
    assert first.status_code == 202, first.text

    person = await gateway.client.post("/admin/erasures", json={"account_id": account_id, "reason": "as a person"},
                                       headers=staff)

    assert person.status_code == 202, person.text
    filed = await ledger(gateway)
    assert set(filed) == {f"account:{account_id}", ADDRESS}
    assert (str(filed[ADDRESS]["id"]), filed[ADDRESS]["reason"]) == (first.json()["id"], "as a rater")


async def test_a_hold_on_the_account_holds_both_until_it_is_lifted(gateway: Gateway) -> None:
    staff = await coordinator(gateway)
    account_id, auth = await ada(gateway)
    account = f"account:{account_id}"
    on_account = await gateway.client.post("/admin/holds", json={"account_id": account_id, "reason": "dispute 12"},
                                           headers=staff)
    assert on_account.status_code == 201, on_account.text

    asked = await gateway.client.post("/me/erasure", json={"password": APPLICANT_PASSWORD}, headers=auth)

    assert (asked.status_code, asked.json()["state"]) == (202, "held"), asked.text
    held = {subject: (e["state"], str(e["hold_id"])) for subject, e in (await ledger(gateway)).items()}
    assert held == {account: ("held", on_account.json()["id"]), ADDRESS: ("held", on_account.json()["id"])}
    assert not [e for e in await gateway.outbox() if e["type"] == "PersonErased.v1"]

    # a hold on the address, lifted while the account's stands, does not release the address's request
    on_address = await gateway.client.post("/admin/holds", json={"rater_email": ADA, "reason": "litigation 7"},
                                           headers=staff)
    assert on_address.status_code == 201, on_address.text
    lifted = await gateway.client.post(f"/admin/holds/{on_address.json()['id']}/lift", json={"reason": "settled"},
                                       headers=staff)
    assert (lifted.status_code, lifted.json()["started"]) == (200, []), lifted.text
    assert (await ledger(gateway))[ADDRESS]["state"] == "held"

    last = await gateway.client.post(f"/admin/holds/{on_account.json()['id']}/lift", json={"reason": "over"},
                                     headers=staff)

    assert last.status_code == 200, last.text
    assert [(e["subject"], e["state"]) for e in last.json()["started"]] == [(account, "erasing"),
                                                                            (ADDRESS, "erasing")]
    assert {subject: e["state"] for subject, e in (await ledger(gateway)).items()} == {
        account: "erasing", ADDRESS: "erasing"}
    assert len([e for e in await gateway.outbox() if e["type"] == "PersonErased.v1"]) == 2
    assert await rows(gateway, "SELECT 1 FROM gateway.accounts WHERE id = $1", uuid.UUID(account_id)) == []
