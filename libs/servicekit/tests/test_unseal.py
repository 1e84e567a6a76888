"""`POST /internal/unseal` on the real PostgreSQL, its client against a real uvicorn, and which fields are sealed."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from endorsement_contracts.events.common import Sealed
from fastapi import FastAPI
from pydantic import BaseModel
from servicekit.problems import install_problem_handlers
from servicekit.runtime import Service, attach
from servicekit.service_identity import ServiceTokenSigner, public_key_text
from servicekit.settings import ServiceSettings
from servicekit.shredding import SubjectKeys
from servicekit.unseal import (
    ProducerUnavailable,
    UnsealClient,
    UnsealRefused,
    plaintext,
    sealed_tokens,
    unsealed,
)

sys.path.insert(0, str(Path(__file__).parent))
import unseal_support  # beside this file, like relay_replica for test_leadership
from unseal_support import free_port, served

ADA, GRACE = "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b", "rater:itmhca:0a1b2c"
NOTIFICATIONS = Ed25519PrivateKey.generate()


# --- sealed_tokens: by type, never by text -------------------------------------------------------------------------

class Rater(BaseModel):
    name: Sealed
    email: Sealed | None = None
    note: str = ""


class Submitted(BaseModel):
    applicant: Sealed
    raters: list[Rater]
    answers: dict[str, Sealed]
    previous: Sealed | None = None
    pair: tuple[str, Sealed] = ("", "pd1.a.b")
    mixed: list[str] | dict[str, Sealed] = []
    comment: str


def test_sealed_tokens_are_found_by_the_fields_types_through_models_lists_dicts_and_optionals() -> None:
    event = Submitted(
        applicant="pd1.app.x", raters=[Rater(name="pd1.r1.n", email="pd1.r1.e"), Rater(name="pd1.r2.n")],
        answers={"why": "pd1.app.why"}, pair=("pd1.looks.sealed", "pd1.pair.y"), mixed=["pd1.plain.list"],
        comment="pd1.typed.by-a-person")

    assert sealed_tokens(event) == ["pd1.app.x", "pd1.r1.n", "pd1.r1.e", "pd1.r2.n", "pd1.app.why", "pd1.pair.y"]


def test_the_same_token_twice_is_asked_once_and_absent_optionals_are_skipped() -> None:
    event = Submitted(applicant="pd1.app.x", raters=[Rater(name="pd1.app.x")], answers={}, comment="")

    assert sealed_tokens(event) == ["pd1.app.x", "pd1.a.b"]


def test_handlers_read_the_opened_text_of_their_record_only() -> None:
    with unsealed({"pd1.a.b": "Ada", "pd1.c.d": None}):
        assert plaintext("pd1.a.b") == "Ada"
        assert plaintext("pd1.c.d") is None
        with pytest.raises(LookupError):
            plaintext("pd1.e.f")
    with pytest.raises(LookupError):
        plaintext("pd1.a.b")


# --- the producer's router -----------------------------------------------------------------------------------------

@pytest.fixture
def keys(database_url: str) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, "applications", os.urandom(32))
    store.setup()
    yield store
    store.close()


def producer_api(keys: SubjectKeys) -> FastAPI:
    return unseal_support.producer_api(keys, service="applications", callers={"notifications": NOTIFICATIONS})


@pytest.fixture
async def asgi(keys: SubjectKeys) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=producer_api(keys))
    async with httpx.AsyncClient(transport=transport, base_url="http://applications") as client:
        yield client


def bearer(signer: ServiceTokenSigner, target: str = "applications") -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.token_for(target)}"}


NOTIFYING = ServiceTokenSigner("notifications", NOTIFICATIONS)


async def test_a_known_service_gets_each_text_and_null_for_an_erased_subject(
        asgi: httpx.AsyncClient, keys: SubjectKeys, caplog: pytest.LogCaptureFixture) -> None:
    name, email, erased = keys.seal(ADA, "Ada Lovelace"), keys.seal(ADA, "ada@example.org"), keys.seal(GRACE, "Grace")
    keys.destroy(GRACE)

    with caplog.at_level(logging.INFO):
        answer = await asgi.post("/internal/unseal", json={"tokens": [name, email, erased, name]},
                                 headers=bearer(NOTIFYING))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"opened": {name: "Ada Lovelace", email: "ada@example.org", erased: None}}
    assert "unsealed 3 tokens for notifications (1 of an erased subject)" in caplog.text
    assert "Ada" not in caplog.text and name not in caplog.text


async def test_without_a_good_service_token_the_answer_is_a_401_problem(asgi: httpx.AsyncClient,
                                                                         keys: SubjectKeys) -> None:
    body = {"tokens": [keys.seal(ADA, "Ada Lovelace")]}
    stranger = ServiceTokenSigner("notifications", Ed25519PrivateKey.generate())
    refusals = [
        await asgi.post("/internal/unseal", json=body),
        await asgi.post("/internal/unseal", json=body, headers={"Authorization": "Basic eDp5"}),
        await asgi.post("/internal/unseal", json=body, headers=bearer(stranger)),
        await asgi.post("/internal/unseal", json=body, headers=bearer(ServiceTokenSigner("reviews", NOTIFICATIONS))),
        await asgi.post("/internal/unseal", json=body, headers=bearer(NOTIFYING, target="reviews")),
        await asgi.post("/internal/unseal", json={"tokens": []}),  # authentication comes before validation
    ]

    assert [r.status_code for r in refusals] == [401] * 6
    assert {r.headers["content-type"] for r in refusals} == {"application/problem+json"}
    assert [r.json()["code"] for r in refusals] == ["MISSING_SERVICE_TOKEN", "MISSING_SERVICE_TOKEN",
                                                    *["INVALID_SERVICE_TOKEN"] * 3, "MISSING_SERVICE_TOKEN"]


async def test_a_token_sealed_elsewhere_is_a_422_naming_its_index_never_its_content(
        asgi: httpx.AsyncClient, keys: SubjectKeys, database_url: str) -> None:
    elsewhere = SubjectKeys(database_url, "reviews", os.urandom(32))
    elsewhere.setup()
    try:
        foreign = elsewhere.seal(ADA, "Ada Lovelace")
    finally:
        elsewhere.close()
    altered = keys.seal(ADA, "Ada Lovelace")[:-4] + "AAAA"

    for position, tokens in ((1, [keys.seal(ADA, "x"), foreign]), (0, [altered])):
        answer = await asgi.post("/internal/unseal", json={"tokens": tokens}, headers=bearer(NOTIFYING))
        assert answer.status_code == 422
        assert answer.json()["code"] == "UNSEALABLE_TOKEN"
        assert f"tokens[{position}]" in answer.json()["detail"]
        assert tokens[position] not in answer.text


@pytest.mark.parametrize("tokens", [[], ["pd1.x.y"] * 101, ["Ada Lovelace"], "pd1.x.y", [7]],
                         ids=["none", "101", "not-a-token", "not-a-list", "not-text"])
async def test_the_body_is_validated_into_a_422_problem(asgi: httpx.AsyncClient, tokens: Any) -> None:
    answer = await asgi.post("/internal/unseal", json={"tokens": tokens}, headers=bearer(NOTIFYING))

    assert answer.status_code == 422
    assert answer.json()["code"] == "VALIDATION_FAILED"
    assert "Ada Lovelace" not in answer.text


# --- the client against a real uvicorn -----------------------------------------------------------------------------

async def test_the_client_batches_by_100_and_moves_to_the_next_replica_when_one_is_away(
        keys: SubjectKeys, caplog: pytest.LogCaptureFixture) -> None:
    tokens = [keys.seal(ADA, f"answer {n}") for n in range(150)]
    with served(producer_api(keys)) as url, caplog.at_level(logging.INFO, logger="servicekit.unseal"):
        client = UnsealClient(NOTIFYING, {"applications": [f"http://127.0.0.1:{free_port()}", url]})
        try:
            opened = await client.open_many("applications", tokens)
        finally:
            await client.aclose()

    assert opened == {token: f"answer {n}" for n, token in enumerate(tokens)}
    assert [r.getMessage() for r in caplog.records if r.name == "servicekit.unseal"] == [
        "unsealed 100 tokens for notifications (0 of an erased subject)",
        "unsealed 50 tokens for notifications (0 of an erased subject)"]


async def test_an_unreachable_or_failing_producer_is_transient_and_a_refused_token_permanent(
        keys: SubjectKeys) -> None:
    failing = FastAPI()
    install_problem_handlers(failing)

    @failing.post("/internal/unseal")
    def unavailable() -> None:
        raise RuntimeError("the database is away")

    token = keys.seal(ADA, "Ada Lovelace")
    unknown_caller = ServiceTokenSigner("reviews", NOTIFICATIONS)
    with served(failing) as broken, served(producer_api(keys)) as working:
        cases = [(NOTIFYING, f"http://127.0.0.1:{free_port()}", token), (NOTIFYING, broken, token),
                 (unknown_caller, working, token), (NOTIFYING, working, token[:-4] + "AAAA")]
        outcomes: list[Exception] = []
        for signer, url, asked in cases:
            client = UnsealClient(signer, {"applications": [url]})
            try:
                await client.open_many("applications", [asked])
            except (ProducerUnavailable, UnsealRefused) as exc:
                outcomes.append(exc)
            finally:
                await client.aclose()
    unconfigured = UnsealClient(NOTIFYING, {})
    with pytest.raises(ProducerUnavailable, match="no UNSEAL_URLS entry"):
        await unconfigured.open_many("applications", [token])
    await unconfigured.aclose()

    assert [str(o) for o in outcomes[:3]] == ["applications: unreachable", "applications: HTTP 503 (UNAVAILABLE)",
                                              "applications: HTTP 401 (INVALID_SERVICE_TOKEN)"]
    assert all(isinstance(o, ProducerUnavailable) for o in outcomes[:3])
    assert isinstance(outcomes[3], UnsealRefused) and outcomes[3].reason == "unseal refused: UNSEALABLE_TOKEN"


async def test_a_service_with_subject_keys_mounts_the_router_outside_its_api_document(
        keys: SubjectKeys, gateway_keys: tuple[str, str]) -> None:
    peers = f"notifications={public_key_text(NOTIFICATIONS)}"
    settings = ServiceSettings(database_url="postgresql://x/y", kafka_bootstrap_servers="127.0.0.1:1", port=8001,
                               gateway_public_key=gateway_keys[1], service_public_keys=peers)
    service = Service(name="applications", schema="applications", settings=settings, app=None,  # type: ignore[arg-type]
                      api=FastAPI(), subject_keys=keys)
    attach(service)
    token = keys.seal(ADA, "Ada Lovelace")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.api), base_url="http://a") as client:
        answer = await client.post("/internal/unseal", json={"tokens": [token]}, headers=bearer(NOTIFYING))
        document = (await client.get("/openapi.json")).json()

    assert answer.json() == {"opened": {token: "Ada Lovelace"}}
    assert "/internal/unseal" not in document["paths"]
