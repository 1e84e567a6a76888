"""`POST /credentials/verify` names the holder of a genuine credential issued here (real PostgreSQL): the
signed document carries only the salted identity hash, so the name comes from this service's records."""

from __future__ import annotations

import copy
from typing import Any

from ..integration.conftest import Running
from .test_public_routes import in_read_model, issue


async def verify(running: Running, document: dict[str, Any]) -> Any:
    answer = await running.client.post("/credentials/verify", json={"verifiableCredential": document})
    assert answer.status_code == 200
    return answer.json()


async def test_a_genuine_credential_names_its_holder_until_the_holder_is_erased(running_service: Running) -> None:
    credential = issue(running_service, name="Zoë Ñúñez 山田")
    assert "name" not in credential.document["credentialSubject"]
    await in_read_model(running_service, credential)

    result = await verify(running_service, credential.document)
    assert result["verified"] is True and result["holder"] == {"name": "Zoë Ñúñez 山田"}

    async with running_service.service.api.state.pool.acquire() as conn:  # as erasure scrubs the read model
        await conn.execute("UPDATE credentials SET holder_name = NULL WHERE id = $1", credential.id)
    erased = await verify(running_service, credential.document)
    assert erased["verified"] is True and erased["holder"] == {"name": None, "erased": True}


async def test_a_changed_or_unknown_credential_names_nobody(running_service: Running) -> None:
    credential = issue(running_service, name="Renée O'Connor")
    await in_read_model(running_service, credential)

    tampered = copy.deepcopy(credential.document)
    tampered["validUntil"] = "2099-12-31T00:00:00Z"
    changed = await verify(running_service, tampered)
    assert changed["verified"] is False and "holder" not in changed

    for hostile in ({"id": credential.document["id"], "issuer": None}, {"id": ["x" * 10_000]}, {"id": "urn:uuid:x"}):
        answer = await verify(running_service, hostile)
        assert answer["verified"] is False and "holder" not in answer, hostile
