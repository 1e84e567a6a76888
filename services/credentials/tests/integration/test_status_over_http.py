"""Status over HTTP on a running service: the cacheable signed status lists, the coordinators' revoke /
suspend / unsuspend, and what verification and the read model make of them."""

from __future__ import annotations

import base64
import gzip
from typing import Any

import pytest
from credentials.domain.credential import Credential
from credentials.entrypoints.consumer import grant_from

from .conftest import NEW_KEY, TENANT, Running, eventually, grant

PROBLEM = "application/problem+json"


def issue(running: Running, **changes: Any) -> Credential:
    credential = running.service.app.issue(grant_from(grant(**changes)))  # type: ignore[attr-defined]
    assert credential is not None
    running.service.app.save(credential)
    return credential


async def verify(running: Running, credential: Credential) -> dict[str, Any]:
    document = running.service.app.get_credential(credential.id).document  # type: ignore[attr-defined]
    answer = await running.client.post("/credentials/verify", json={"verifiableCredential": document})
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


async def change(running: Running, credential: Credential, action: str, code: str = "other",
                 note: str | None = None, **token: Any) -> Any:
    body = {"reason_code": code, **({"note": note} if note is not None else {})}
    return await running.client.post(f"/credentials/{credential.id}/{action}", json=body,
                                     headers={"authorization": f"Bearer {running.token(**token)}"})


def bit(document: dict[str, Any], index: int) -> bool:
    encoded = document["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


async def test_status_lists_are_served_signed_with_cache_headers(
    running_service: Running, independent_verifier: Any
) -> None:
    issue(running_service)
    url = f"/status-lists/{TENANT}/suspension"
    answer = await running_service.client.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["cache-control"] == "public, max-age=300"
    etag = answer.headers["etag"]
    assert etag.startswith('"') and answer.headers["last-modified"].endswith("GMT")
    document = answer.json()
    assert document["credentialSubject"]["statusPurpose"] == "suspension"
    assert independent_verifier(document, NEW_KEY.public_key_multibase)

    for validator in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        cached = await running_service.client.get(url, headers={"if-none-match": validator})
        assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
    stale = await running_service.client.get(url, headers={"if-none-match": '"nope"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag
    as_vc = await running_service.client.get(url, headers={"accept": "application/vc"})
    assert as_vc.headers["content-type"].startswith("application/vc")

    for missing in ("/status-lists/nowhere/revocation", f"/status-lists/{TENANT}/refresh", "/status-lists/X/x"):
        refused = await running_service.client.get(missing)
        assert refused.status_code == 404 and refused.headers["content-type"] == PROBLEM
        assert refused.json()["code"] == "STATUS_LIST_NOT_FOUND"


async def test_coordinators_suspend_unsuspend_and_revoke_and_verification_follows(running_service: Running) -> None:
    credential = issue(running_service)
    index = credential.status_index
    assert index is not None
    before = (await running_service.client.get(f"/status-lists/{TENANT}/suspension")).headers["etag"]

    suspended = await change(running_service, credential, "suspend", "payment", "membership lapsed")
    assert suspended.status_code == 200
    assert {"status": "suspended", "status_reason_code": "payment", "note": "membership lapsed",
            "status_reason": "A payment to the association is outstanding"}.items() <= suspended.json().items()
    result = await verify(running_service, credential)
    assert result["verified"] is False and [e["code"] for e in result["errors"]] == ["SUSPENDED"], result
    listed = await running_service.client.get(f"/status-lists/{TENANT}/suspension", headers={"if-none-match": before})
    assert listed.status_code == 200 and listed.headers["etag"] != before and bit(listed.json(), index)

    assert (await change(running_service, credential, "unsuspend", "payment_received")).status_code == 200
    assert (await verify(running_service, credential))["verified"] is True

    revoked = await change(running_service, credential, "revoke", "ethics_violation", "sanctioned by a licensing board")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    result = await verify(running_service, credential)
    assert [e["code"] for e in result["errors"]] == ["REVOKED"]
    revocation = (await running_service.client.get(f"/status-lists/{TENANT}/revocation")).json()
    assert bit(revocation, index)

    lookup = f"/credentials?endorsement_id={credential.endorsement_id}"
    coordinator = {"authorization": f"Bearer {running_service.token()}"}

    async def recorded() -> bool:
        answer = await running_service.client.get(lookup, headers=coordinator)
        return bool(answer.json()["items"]) and answer.json()["items"][0]["status"] == "revoked"

    await eventually(recorded, 10)
    answer = await running_service.client.get(lookup, headers=coordinator)
    assert {"status_reason_code": "ethics_violation", "status_reason": "A breach of the association's code of ethics"
            }.items() <= answer.json()["items"][0].items()  # the read model holds the code, never the note


@pytest.mark.parametrize(
    ("setup", "action", "token", "status", "code"),
    [
        ([], "unsuspend", {}, 409, "NOT_SUSPENDED"),
        (["suspend"], "suspend", {}, 409, "ALREADY_SUSPENDED"),
        (["revoke"], "revoke", {}, 409, "ALREADY_REVOKED"),
        (["revoke"], "suspend", {}, 409, "CREDENTIAL_REVOKED"),
        ([], "revoke", {"tenant": "othertenant"}, 404, "CREDENTIAL_NOT_FOUND"),
        ([], "revoke", {"roles": frozenset({"applicant"})}, 403, "FORBIDDEN"),
    ],
)
async def test_status_changes_that_cannot_happen_are_refused(
    running_service: Running, setup: list[str], action: str, token: dict[str, Any], status: int, code: str
) -> None:
    credential = issue(running_service)
    for step in setup:
        assert (await change(running_service, credential, step)).status_code == 200
    refused = await change(running_service, credential, action, **token)
    assert refused.status_code == status and refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == code


async def test_status_change_requests_are_validated(running_service: Running) -> None:
    credential = issue(running_service)
    headers = {"authorization": f"Bearer {running_service.token()}"}
    for body in ({}, {"note": "why"}, {"reason_code": ""}, {"reason_code": "lapse"}, {"reason_code": "erasure"},
                 {"reason_code": "ethics_violation"}, {"reason_code": "other", "note": ""},
                 {"reason_code": "other", "note": "x" * 1001}, {"reason_code": "other", "extra": 1},
                 {"reason_code": "other", "reason": "both"}, {"reason": ""}, {"reason": "   "}, {"reason": 42}):
        refused = await running_service.client.post(f"/credentials/{credential.id}/suspend", json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (422, "VALIDATION_FAILED"), body
    for action, code in (("revoke", "endorsement_revoked"), ("revoke", "payment"), ("unsuspend", "lapse"),
                         ("unsuspend", "reinstated_after_lapse")):  # the platform's own, or another action's
        refused = await running_service.client.post(f"/credentials/{credential.id}/{action}",
                                                    json={"reason_code": code}, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (422, "VALIDATION_FAILED"), (action, code)
    unknown = await running_service.client.post("/credentials/0b6e3a8e-5f0e-4c1e-9a43-7b1f0e2d9c11/revoke",
                                                json={"reason_code": "other"}, headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "CREDENTIAL_NOT_FOUND")
    anonymous = await running_service.client.post(f"/credentials/{credential.id}/revoke",
                                                  json={"reason_code": "other"})
    assert anonymous.status_code == 401
