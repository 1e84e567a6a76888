"""Why a credential's status changed leaves the association as a code only (real PostgreSQL and broker).

A coordinator's note (which may name people or health matters) is sealed under the holder in the event store and
shown to the tenant's coordinators only: it is on no partner record, on no public page, in no read-model row, and
never readable in a stored event. A revocation decided in reviews is published as its code, never with the text
reviews sealed; reviews' surrender of an erased holder's endorsement is published as `erasure`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from credentials.application import CredentialsApplication
from credentials.domain.credential import Credential, credential_id_for
from credentials.entrypoints.consumer import grant_from
from endorsement_contracts import CREDENTIALS, decode
from endorsement_contracts.events import (
    CredentialReinstated,
    CredentialRevoked,
    CredentialSuspended,
    EndorsementRevoked,
)
from servicekit.identity import Identity, issue_token

from .conftest import TENANT, Running, eventually, grant, headers_of
from .test_decisions_on_the_broker import TODAY

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def app_of(running: Running) -> CredentialsApplication:
    app = running.service.app
    assert isinstance(app, CredentialsApplication)
    return app


def issue(running: Running, **changes: Any) -> Credential:
    app = app_of(running)
    credential = app.issue(grant_from(grant(**changes)))
    assert credential is not None
    app.save(credential)
    return credential


def coordinator(running: Running) -> dict[str, str]:
    return {"authorization": f"Bearer {running.token()}"}


def stored_text(running: Running, credential_id: uuid.UUID) -> bytes:
    """Every stored event of the credential as PostgreSQL holds it."""
    return b"\n".join(bytes(event.state) for event in app_of(running).process_recorder.select_events(credential_id))


async def read_model_row(running: Running, credential_id: uuid.UUID) -> str:
    async with running.service.api.state.pool.acquire() as conn:
        row = await conn.fetchval("SELECT t::text FROM credentials t WHERE id = $1", credential_id)
    return str(row or "")


async def registry_shows(running: Running, tag: str, status: str, marker: str) -> None:
    async def listed_as_changed() -> bool:
        found = await running.client.get(f"/registry/{TENANT}", params={"q": tag, "status": ""})
        return [item["status"] for item in found.json()["items"]] == [status]

    await eventually(listed_as_changed, 10)
    for accept in ("application/json", BROWSER):
        found = await running.client.get(f"/registry/{TENANT}", params={"q": tag, "status": ""},
                                         headers={"accept": accept})
        assert found.status_code == 200 and tag in found.text and marker not in found.text, accept


async def partner_records(running: Running, credential_id: uuid.UUID, expect: int) -> list[Any]:
    await running.relayed()
    return await running.kafka.read(CREDENTIALS.name, str(credential_id), expect=expect, linger=0.5)


async def test_a_coordinators_note_reaches_staff_only_never_partners_the_public_or_plain_storage(
    running_service: Running,
) -> None:
    running, marker = running_service, f"quix{uuid.uuid4().hex[:10]}"
    notes = {"suspend": f"{marker} Ana Núñez is in rehab", "unsuspend": f"{marker} back after her surgery",
             "revoke": f"{marker} harassed Bob Smith"}
    credential = issue(running, name=f"Ana {marker[4:]}")

    async def in_read_model() -> bool:  # the registry lists what the read model holds
        return bool(await read_model_row(running, credential.id))

    await eventually(in_read_model, 10)
    holder = Identity(credential.holder_account_id, TENANT, frozenset({"applicant"}), "ana@example.org", "Ana")
    holder_token = issue_token(holder, running.gateway_private_key)
    listed = await running.client.put(f"/credentials/{credential.id}/registry-listing", json={"listed": True},
                                      headers={"authorization": f"Bearer {holder_token}"})
    assert listed.status_code == 200, listed.text
    for action, code in (("suspend", "under_investigation"), ("unsuspend", "investigation_closed"),
                         ("revoke", "ethics_violation")):
        answer = await running.client.post(f"/credentials/{credential.id}/{action}", headers=coordinator(running),
                                           json={"reason_code": code, "note": notes[action]})
        assert answer.status_code == 200, answer.text
        if action == "suspend":  # the public registry shows the status, never why
            await registry_shows(running, marker[4:], "suspended", marker)

    # staff see every note (which is also the control: the marker is there to be found)
    status = await running.client.get(f"/credentials/{credential.id}/status", headers=coordinator(running))
    assert status.status_code == 200
    assert {"status": "revoked", "status_reason_code": "ethics_violation", "note": notes["revoke"]}.items() <= (
        status.json().items())
    assert [(c["change"], c["reason_code"], c["note"]) for c in status.json()["history"]] == [
        ("suspended", "under_investigation", notes["suspend"]), ("unsuspended", "investigation_closed",
                                                                 notes["unsuspend"]),
        ("revoked", "ethics_violation", notes["revoke"])]

    records = await partner_records(running, credential.id, expect=4)
    assert [headers_of(r)["ce_type"] for r in records] == [
        "CredentialIssued.v1", "CredentialSuspended.v1", "CredentialReinstated.v1", "CredentialRevoked.v1"]
    suspended, unsuspended, revoked = (decode(r.headers, r.value).event for r in records[1:])
    assert isinstance(suspended, CredentialSuspended) and suspended.reason_code == "under_investigation"
    assert suspended.reason == "Under investigation by the association"
    assert isinstance(unsuspended, CredentialReinstated) and unsuspended.reason_code == "investigation_closed"
    assert isinstance(revoked, CredentialRevoked) and revoked.reason_code == "ethics_violation"
    assert not any(marker.encode() in r.value or any(marker.encode() in (v or b"") for _, v in r.headers)
                   for r in records)

    for accept, query in ((BROWSER, "?lang=en"), (BROWSER, "?lang=es"), ("application/json", "")):
        page = await running.client.get(f"/credentials/{credential.id}{query}", headers={"accept": accept})
        assert page.status_code == 200 and marker not in page.text, (accept, query)
    assert "revoked" in (await running.client.get(f"/credentials/{credential.id}",
                                                  headers={"accept": BROWSER})).text.lower()

    async def projected() -> bool:
        return "ethics_violation" in await read_model_row(running, credential.id)

    await eventually(projected, 10)
    assert marker not in await read_model_row(running, credential.id)
    stored = stored_text(running, credential.id)
    assert marker.encode() not in stored and b'"sealed":"pd1.' in stored.replace(b" ", b"")


async def test_the_deprecated_free_text_reason_is_kept_as_a_sealed_note_and_published_as_other(
    running_service: Running,
) -> None:
    running, marker = running_service, f"quix{uuid.uuid4().hex[:10]}"
    credential = issue(running)
    answer = await running.client.post(f"/credentials/{credential.id}/suspend", headers=coordinator(running),
                                       json={"reason": f"{marker} depression"})
    assert answer.status_code == 200
    assert (answer.json()["status_reason_code"], answer.json()["note"]) == ("other", f"{marker} depression")

    records = await partner_records(running, credential.id, expect=2)
    suspended = decode(records[-1].headers, records[-1].value).event
    assert isinstance(suspended, CredentialSuspended)
    assert (suspended.reason_code, suspended.reason) == ("other", "For another reason")
    assert not any(marker.encode() in r.value for r in records)
    assert marker.encode() not in stored_text(running, credential.id)


async def test_a_revocation_decided_in_reviews_is_published_as_its_code_never_with_the_reviews_text(
    running_service: Running,
) -> None:
    running, marker = running_service, f"quix{uuid.uuid4().hex[:10]}"
    granted = grant()
    await running.processed(*await running.kafka.publish(granted))
    revoked = EndorsementRevoked(tenant=TENANT, occurred_at=datetime.now(UTC), endorsement_id=granted.endorsement_id,
                                 category=granted.category, revoked_on=TODAY, revoked_by=uuid.uuid4(),
                                 reason=f"{marker}: convicted of assault on a child in her care")
    await running.processed(*await running.kafka.publish(revoked))
    credential_id = credential_id_for(granted.endorsement_id)

    records = await partner_records(running, credential_id, expect=2)
    published = decode(records[-1].headers, records[-1].value).event
    assert isinstance(published, CredentialRevoked)
    assert (published.reason_code, published.reason) == ("endorsement_revoked",
                                                         "The association revoked the endorsement")
    assert not any(marker.encode() in r.value for r in records)
    assert marker.encode() not in stored_text(running, credential_id)  # reviews keeps it; it is not copied here
    status = await running.client.get(f"/credentials/{credential_id}/status", headers=coordinator(running))
    assert [(c["change"], c["reason_code"], c["note"]) for c in status.json()["history"]] == [
        ("revoked", "endorsement_revoked", None)]


async def test_reviews_surrender_of_an_erased_holders_endorsement_is_published_as_erasure(
    running_service: Running,
) -> None:
    running = running_service
    granted = grant()
    await running.processed(*await running.kafka.publish(granted))
    surrendered = EndorsementRevoked(tenant=TENANT, occurred_at=datetime.now(UTC), category=granted.category,
                                     endorsement_id=granted.endorsement_id, revoked_on=TODAY, reason="erasure",
                                     revoked_by=granted.applicant.account_id)  # by the holder: what reviews records
    await running.processed(*await running.kafka.publish(surrendered))

    records = await partner_records(running, credential_id_for(granted.endorsement_id), expect=2)
    published = decode(records[-1].headers, records[-1].value).event
    assert isinstance(published, CredentialRevoked)
    assert (published.reason_code, published.reason) == ("erasure",
                                                         "Surrendered when the holder's personal data was erased")


async def test_staff_status_is_for_the_tenants_coordinators_only(running_service: Running) -> None:
    running = running_service
    credential = issue(running)
    url = f"/credentials/{credential.id}/status"
    assert (await running.client.get(url)).status_code == 401
    applicant = {"authorization": f"Bearer {running.token(roles=frozenset({'applicant'}))}"}
    assert (await running.client.get(url, headers=applicant)).json()["code"] == "FORBIDDEN"
    elsewhere = {"authorization": f"Bearer {running.token(tenant='othertenant')}"}
    assert (await running.client.get(url, headers=elsewhere)).json()["code"] == "CREDENTIAL_NOT_FOUND"
    mine = await running.client.get(url, headers=coordinator(running))
    assert mine.status_code == 200 and mine.json()["history"] == [] and mine.json()["status"] == "active"
