"""The v2 switch on the real engines (docs/erasure.md, slice 7b).

As a producer, the relay publishes every reviews event on `endorsement.reviews.v1` and then its sealed twin on
`endorsement.reviews.v2` under the same `ce_id`; nothing personal is readable on v2, and another service opens the
tokens at this service's `/internal/unseal`. As a consumer, reviews reads `endorsement.applications.v2`: a value
erased at the producer opens to None and is handled (nothing opened for an erased applicant, a withdrawal recorded
without its reason, nothing dead-lettered), and a v2 record whose v1 twin was handled before the switch changes
nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from endorsement_contracts import (
    APPLICATIONS,
    APPLICATIONS_V2,
    DEAD_LETTER,
    REVIEWS,
    REVIEWS_V2,
    ApplicationSubmitted,
    Envelope,
    IntegrationEvent,
    Person,
    decode,
    encode,
)
from endorsement_contracts.events.applications import ApplicationResubmitted, ApplicationWithdrawn
from reviews.application import Reviews
from reviews.config import TenantCatalog, load_tenants
from reviews.domain import Status, review_case_id
from reviews.entrypoints.consumer import consumed_handlers, handlers
from servicekit.consumer import IdempotentConsumer
from servicekit.sealed_twins import TwinSealer
from servicekit.service_identity import ServiceTokenSigner, public_key_text
from servicekit.shredding import SubjectKeys, erased_token, subject_of
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject
from servicekit.unseal import UnsealClient, sealed_tokens

from .applications_twins import SOURCE, publish, sealed_twin, twin_record
from .conftest import TENANTS_DIR

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]
NOTIFICATIONS = Ed25519PrivateKey.generate()
"""A consumer of the reviews topic, allowed to call this service's `/internal/unseal` (SERVICE_PUBLIC_KEYS)."""


def seal_association(folder: Path, reviewer_email: str, reviewer_name: str) -> TenantCatalog:
    """`seal-assoc`: direct decisions, denials allowed, one reviewer on its roster."""
    tenants, reviews = folder / "tenants", folder / "reviews"
    tenants.mkdir()
    reviews.mkdir()
    (tenants / "seal-assoc.yaml").write_text(
        "slug: seal-assoc\nname: Seal Association\ntimezone: America/Phoenix\n"
        "categories: {IFS: Infant Family Specialist}\nreview: {reviewers_per_case: 1}\n"
        'renewal: {due: "12-15", removal: "02-01"}\n')
    (reviews / "seal-assoc.yaml").write_text(
        "tenant: seal-assoc\n"
        "policy: {sequential: false, blind: false, coordinator_decides_directly: true, denial_allowed: true}\n"
        "categories: {IFS: {rank: 2}}\n"
        f"reviewers:\n  - {{email: {reviewer_email}, name: {reviewer_name}, category: IFS, trained: true}}\n")
    return load_tenants(tenants, reviews)


def facts(application_id: UUID, number: int, account_id: UUID, name: str, email: str,
          tenant: str = "seal-assoc") -> dict[str, Any]:
    return {"tenant": tenant, "occurred_at": datetime.now(UTC) - timedelta(hours=2) + timedelta(minutes=number),
            "application_id": application_id, "submission_number": number,
            "applicant": Person(account_id=account_id, name=name, email=email), "category": "IFS",
            "category_name": "Infant Family Specialist", "rule_set_version": f"{tenant}-IFS-2026"}


async def test_every_decision_has_a_sealed_twin_under_its_ce_id_that_opens_at_internal_unseal(
    start: Any, auth: Auth, wait_for: WaitFor, read: Read, applications_keys: SubjectKeys, tmp_path: Path,
) -> None:
    tag = uuid4().hex[:10]
    mark = {"name": f"Vera Sealmark{tag}", "email": f"vera-{tag}@example.org",
            "other_name": f"Otto Sealmark{tag}", "other_email": f"otto-{tag}@example.org",
            "reviewer_name": f"Rhea Sealreviewer{tag}", "reviewer_email": f"rhea-{tag}@seal.example",
            "item": f"sealitem {tag}", "message": f"sealmessage {tag}", "denial": f"sealdenial {tag}",
            "revocation": f"sealrevocation {tag}"}
    catalog = seal_association(tmp_path, mark["reviewer_email"], mark["reviewer_name"])
    granted_app, denied_app, vera, otto = uuid4(), uuid4(), uuid4(), uuid4()
    peers = {"service_public_keys": f"notifications={public_key_text(NOTIFICATIONS)}"}

    async with start(tenants=catalog, settings_changes=peers) as running:
        client, bootstrap = running.client, running.service.settings.kafka_bootstrap_servers
        coordinator = auth(tenant="seal-assoc")

        async def case(application_id: UUID, status: str | None = None) -> dict[str, Any] | None:
            response = await client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
            found: dict[str, Any] | None = response.json() if response.status_code == 200 else None
            return found if found and (status is None or found["status"] == status) else None

        async def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
            response = await client.post(path, json=body or {}, headers=coordinator)
            assert response.status_code == 200, (path, response.text)
            answer: dict[str, Any] = response.json()
            return answer

        # given two submissions; a reviewer assigned and withdrawn, information requested, the resubmission
        # approved and its endorsement revoked; the other application denied
        publish(bootstrap, applications_keys,
                ApplicationSubmitted(**facts(granted_app, 1, vera, mark["name"], mark["email"])),
                ApplicationSubmitted(**facts(denied_app, 1, otto, mark["other_name"], mark["other_email"])))
        first = await wait_for(lambda: case(granted_app), within=30)
        cases = f"/reviews/cases/{first['id']}"
        await post(f"{cases}/completeness", {"outcome": "complete"})
        await post(f"{cases}/reviewers", {"email": mark["reviewer_email"]})
        await post(f"{cases}/reviewers/withdraw", {"email": mark["reviewer_email"]})
        await post(f"{cases}/request-information", {"items": [mark["item"]], "message": mark["message"]})
        publish(bootstrap, applications_keys, ApplicationResubmitted(
            **facts(granted_app, 2, vera, mark["name"], mark["email"]), in_response_to="information_request"))
        await wait_for(lambda: case(granted_app, "in_review"), within=30)
        endorsement_id = (await post(f"{cases}/approve"))["decision"]["endorsement_id"]
        await post(f"/reviews/endorsements/{endorsement_id}/revoke", {"reason": mark["revocation"]})
        second = await wait_for(lambda: case(denied_app), within=30)
        await post(f"/reviews/cases/{second['id']}/deny", {"reasons": [mark["denial"]]})

        # then each event is on v1 and its twin on v2, under the same ce_id
        keys = {str(granted_app): 4, str(denied_app): 2, endorsement_id: 2}

        async def records(topic: str) -> list[Any] | None:
            def mine(record: Any) -> bool:
                return record.key is not None and record.key.decode() in keys

            found = await asyncio.to_thread(read, bootstrap, topic, mine, sum(keys.values()), 1.0)
            return found if len(found) >= sum(keys.values()) else None

        v1 = await wait_for(lambda: records(REVIEWS.name), within=60)
        v2 = await wait_for(lambda: records(REVIEWS_V2.name), within=60)
        assert len(v1) == len(v2) == 8
        ids = {dict(r.headers)["ce_id"]: dict(r.headers)["ce_type"].decode() for r in v1}
        twins = {dict(r.headers)["ce_id"]: dict(r.headers)["ce_type"].decode() for r in v2}
        assert {ce_id: kind.replace(".v1", ".v2") for ce_id, kind in ids.items()} == twins
        assert sorted(twins.values()) == sorted([
            "ReviewOpened.v2", "ReviewerAssigned.v2", "ReviewerReleased.v2", "InformationRequested.v2",
            "ReviewOpened.v2", "EndorsementDenied.v2", "EndorsementGranted.v2", "EndorsementRevoked.v2"])

        # and nothing personal is readable on v2 (the control: v1 still carries it while consumers move)
        v1_text = "".join(r.value.decode() for r in v1)
        v2_text = "".join(r.value.decode() for r in v2) + "".join(str(r.headers) for r in v2)
        assert all(value in v1_text for value in mark.values())
        assert [what for what, value in mark.items() if value.casefold() in v2_text.casefold()] == []

        # and another service opens every token at /internal/unseal, each under its person's subject
        events = [decode(list(r.headers), r.value).event for r in v2]
        tokens = [token for event in events for token in sealed_tokens(event)]
        signer = ServiceTokenSigner("notifications", NOTIFICATIONS)
        answer = await client.post("/internal/unseal", json={"tokens": tokens},
                                   headers={"Authorization": f"Bearer {signer.token_for('reviews')}"})
        assert answer.status_code == 200, answer.text
        opened: dict[str, str | None] = answer.json()["opened"]
        assert set(opened) == set(tokens) and None not in opened.values()
        assert all(value in opened.values() for value in mark.values())
        subjects = {opened[token]: subject_of(token) for token in tokens}
        assert subjects[mark["name"]] == subjects[mark["item"]] == subjects[mark["message"]] == f"account:{vera}"
        assert subjects[mark["revocation"]] == f"account:{vera}"  # the holder's
        assert subjects[mark["other_email"]] == subjects[mark["denial"]] == f"account:{otto}"
        # the reviewer's under the subject an erasure request naming their address files (servicekit.subjects)
        reviewer = subjects[mark["reviewer_email"]]
        assert reviewer == rater_subject("seal-assoc", mark["reviewer_email"], DEVELOPMENT_RATER_INDEX_KEY)
        assert subjects[mark["reviewer_name"]] == reviewer and mark["reviewer_email"] not in reviewer

        # and a stranger gets nothing
        stranger = ServiceTokenSigner("notifications", Ed25519PrivateKey.generate())
        refused = await client.post("/internal/unseal", json={"tokens": tokens[:1]},
                                    headers={"Authorization": f"Bearer {stranger.token_for('reviews')}"})
        assert refused.status_code == 401


async def test_values_erased_at_the_producer_are_handled_as_erased_and_nothing_is_dead_lettered(
    running: Any, auth: Auth, wait_for: WaitFor, read: Read, applications_keys: SubjectKeys,
) -> None:
    service, client = running.service, running.client
    reviews: Reviews = service.app
    bootstrap = service.settings.kafka_bootstrap_servers
    coordinator = auth()
    withdrawing, erased_app, marker_app = uuid4(), uuid4(), uuid4()
    ada, eve, mo = uuid4(), uuid4(), uuid4()

    async def case(application_id: UUID) -> dict[str, Any] | None:
        response = await client.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
        return response.json() if response.status_code == 200 else None

    # given a case opened for Ada, who is then erased at the applications service, as Eve was before she submitted
    publish(bootstrap, applications_keys, ApplicationSubmitted(**facts(withdrawing, 1, ada, "Ada A", "ada@example.org",
                                                                       tenant="itmhca")))
    await wait_for(lambda: case(withdrawing), within=30)
    for subject in (f"account:{ada}", f"account:{eve}"):
        applications_keys.seal(subject, "made the key")
        applications_keys.destroy(subject)

    # when Ada's withdrawal (the applications service withdraws an erased applicant's application) and Eve's
    # submission arrive with their values erased, then a marker submission on the same partition
    withdrawal = ApplicationWithdrawn(**{k: v for k, v in facts(withdrawing, 1, ada, "Ada A", "ada@example.org",
                                                                  tenant="itmhca").items()
                                         if k not in ("category_name", "rule_set_version")}, reason="erasure")
    eves = ApplicationSubmitted(**facts(erased_app, 1, eve, "Eve E", "eve@example.org", tenant="itmhca"),
                                details={"employer": "Eve's Clinic", "rater_emails": "rae@example.org"})
    assert set(sealed_tokens(sealed_twin(applications_keys, eves))) == {erased_token(f"account:{eve}")}
    key = f"erased-{uuid4()}".encode()
    publish(bootstrap, applications_keys, withdrawal, eves,
            ApplicationSubmitted(**facts(marker_app, 1, mo, "Mo M", "mo@example.org", tenant="itmhca")), key=key)
    await wait_for(lambda: case(marker_app), within=30)

    # then Ada's case is withdrawn without a name or a reason, Eve has no case, and nothing was dead-lettered
    closed = reviews.get_case(review_case_id(withdrawing, 1), "itmhca")
    assert closed.status is Status.WITHDRAWN
    assert closed.withdrawal_reason is None
    assert await case(erased_app) is None
    group = service.settings.reviews_consumer_group
    dead = await asyncio.to_thread(
        read, bootstrap, DEAD_LETTER.name,
        lambda r: r.key == key and dict(r.headers).get("dlq_consumer_group") == group.encode(), 1, 1.0)
    assert dead == []


def no_holdings(tenant: str, account_id: UUID) -> list[UUID]:
    return []


async def test_a_v2_record_whose_v1_twin_was_handled_before_the_switch_changes_nothing(
    open_store: Callable[[], Reviews], applications_keys: SubjectKeys,
) -> None:
    reviews = open_store()
    tenants = load_tenants(TENANTS_DIR)
    before = IdempotentConsumer(reviews, group_id="reviews", handlers=handlers(reviews, tenants,
                                                                                 holdings=no_holdings))
    after = IdempotentConsumer(reviews, group_id="reviews", handlers=consumed_handlers(reviews, tenants,
                                                                                        holdings=no_holdings))
    assert after.topics() == sorted([APPLICATIONS_V2.name, "endorsement.erasures.v1"])
    applied, withdrawn, fresh = uuid4(), uuid4(), uuid4()
    ana = uuid4()

    def common(application_id: UUID, number: int = 1) -> dict[str, Any]:
        return facts(application_id, number, ana, "Ana Applicant", "ana@example.org", tenant="itmhca")

    # given the v1 records handled before the switch: two submissions, and the withdrawal of one of them
    handled: list[tuple[UUID, IntegrationEvent]] = [
        (uuid4(), ApplicationSubmitted(**common(applied), details={"rater_emails": "rae@example.org"})),
        (uuid4(), ApplicationSubmitted(**common(withdrawn))),
        (uuid4(), ApplicationWithdrawn(**{k: v for k, v in common(withdrawn).items()
                                          if k not in ("category_name", "rule_set_version")},
                                       reason="Moving away")),
    ]
    for offset, (ce_id, event) in enumerate(handled):
        v1 = encode(event, event_id=ce_id, source=SOURCE)
        outcome = before.process(decode(v1.headers, v1.value), before.tracking_for(APPLICATIONS.name, 0, offset))
        assert outcome == "processed"
    assert reviews.get_case(review_case_id(withdrawn, 1), "itmhca").status is Status.WITHDRAWN
    stored = reviews.recorder.max_notification_id()

    def twin(ce_id: UUID, event: IntegrationEvent) -> tuple[Envelope, dict[str, str | None]]:
        """The v2 record the applications relay publishes for the event, and its tokens as the producer opens them."""
        record = twin_record(applications_keys, event, ce_id)
        envelope = decode(record.headers, record.value)
        assert envelope.id == str(ce_id) and envelope.type.endswith(".v2")
        return envelope, {token: applications_keys.open(token) for token in sealed_tokens(envelope.event)}

    # when the moved consumer reads v2 from its start: the same facts, under the same ce_ids
    outcomes = []
    for offset, (ce_id, event) in enumerate(handled):
        envelope, opened = twin(ce_id, event)
        outcomes.append(after.process(envelope, after.tracking_for(APPLICATIONS_V2.name, 0, offset), opened))

    # then nothing changes: no case opened again, and no withdrawal recorded twice
    assert outcomes == ["duplicate"] * 3
    assert reviews.recorder.max_notification_id() == stored

    # and the control: a fact it never saw opens its case, with the opened name and address
    envelope, opened = twin(uuid4(), ApplicationSubmitted(**common(fresh)))
    assert after.process(envelope, after.tracking_for(APPLICATIONS_V2.name, 0, 10), opened) == "processed"
    opened_case = reviews.get_case(review_case_id(fresh, 1), "itmhca")
    assert (opened_case.applicant.account_id, opened_case.applicant.name, opened_case.applicant.email) == (
        ana, "Ana Applicant", "ana@example.org")


async def test_by_default_the_consumer_asks_the_applications_service_and_waits_while_it_is_away(
    start: Any, auth: Auth, wait_for: WaitFor, applications_keys: SubjectKeys,
) -> None:
    # UNSEAL_URLS names no applications service here: its tokens cannot be opened
    async with start(unsealer=None) as running:
        consumer = running.service.consumer
        assert isinstance(consumer.unsealer, UnsealClient)
        assert isinstance(running.service.relays[0].twin, TwinSealer)
        assert running.service.subject_keys is not None
        waiting = uuid4()
        publish(running.service.settings.kafka_bootstrap_servers, applications_keys,
                ApplicationSubmitted(**facts(waiting, 1, uuid4(), "Wes W", "wes@example.org", tenant="itmhca")))

        async def away() -> Any:
            return consumer.stats.producers_away.get("applications")

        assert "no UNSEAL_URLS entry" in await wait_for(away, within=30)
        response = await running.client.get(f"/reviews/cases/by-application/{waiting}", headers=auth())
        assert response.status_code == 404  # the record waits: nothing handled, nothing dead-lettered
        assert consumer.stats.dead_lettered == 0
