"""Issue 10 item 3 through the credentials service: a lone surrogate in a credential to verify is refused with 422
(it raised a UnicodeEncodeError in bounds.py, answered 503 "please retry")."""

from __future__ import annotations

from .conftest import Running


async def test_a_lone_surrogate_in_a_presented_credential_is_refused_not_unavailable(running_service: Running) -> None:
    body = b'{"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "\\ud800"}}'
    for media_type in ("application/json", "application/ld+json"):
        response = await running_service.client.post("/credentials/verify", content=body,
                                                     headers={"content-type": media_type})
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "UNSUPPORTED_CHARACTERS"
        assert problem["errors"][0]["location"] == "body.verifiableCredential.name"


async def test_a_nul_in_a_credential_id_is_refused(running_service: Running) -> None:
    response = await running_service.client.get("/credentials/abc%00def")
    assert response.status_code == 422 and response.json()["code"] == "UNSUPPORTED_CHARACTERS"
