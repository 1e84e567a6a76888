"""The v2 switch, producer side, on the real engines: after a journey (a submission with three raters) the relay has
published every applications event twice, on `endorsement.applications.v1` and, sealed, on `.v2`, each pair under
one `ce_id`; nothing personal is readable on v2, each token names the subject the contracts README gives its field
(the applicant, or the rater as the event store seals them), and every token opens at this service's
`/internal/unseal` (for a caller in SERVICE_PUBLIC_KEYS) back to its v1 twin's text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from applications.application import ApplicationsService
from applications.domain import Actor
from endorsement_contracts import APPLICATIONS_V2, Envelope, decode
from endorsement_contracts.events import applications_v2
from journeys import complete_through_use_cases
from servicekit.sealed_twins import opened_twin
from servicekit.shredding import subject_of
from servicekit.subjects import account_subject
from servicekit.unseal import sealed_tokens

if TYPE_CHECKING:
    from servicekit.service_identity import ServiceTokenSigner

    from conftest import Person, Running

STATEMENT = "Quillfeather statement: twenty years beside families in Pima."
COUNTY = "Pima"
PUBLISHED = 10  # started, 3 references requested and completed, registered, registration accepted, submitted


def decoded(records: list[Any]) -> list[Envelope]:
    return [decode(list(record.headers), record.value) for record in records]


async def relayed(running: Running) -> None:
    app = running.service.app
    for _ in range(400):  # the lifespan's relay thread publishes on its own
        if app.position("outbox") == app.recorder.max_notification_id():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the relay did not catch up")


async def test_every_event_has_a_sealed_twin_under_its_ce_id_whose_tokens_open_at_internal_unseal(
    running: Running, person: Callable[..., Person], read_records: Callable[..., list[Any]], topics: str,
    unseal_caller: ServiceTokenSigner,
) -> None:
    dana = person("itmhca", "applicant", name="Dana Quillfeather", email="dana.quillfeather@example.org")
    created = await running.http.post("/applications", json={"category": "IMHM-R/F"}, headers=dana.headers)
    application_id = created.json()["id"]
    await running.http.patch(f"/applications/{application_id}", headers=dana.headers,
                             json={"statement": STATEMENT, "ethics_attested": True, "county": COUNTY})
    app = running.service.app
    assert isinstance(app, ApplicationsService)
    actor = Actor(dana.account_id, "itmhca", frozenset({"applicant"}))
    await asyncio.to_thread(complete_through_use_cases, app, actor, UUID(application_id))
    submitted = await running.http.post(f"/applications/{application_id}/submit", headers=dana.headers)
    assert submitted.status_code == 200, submitted.text
    await relayed(running)

    v1 = decoded(await asyncio.to_thread(read_records, topics, application_id, count=PUBLISHED, timeout=5.0))
    v2_records = await asyncio.to_thread(read_records, topics, application_id, count=PUBLISHED, timeout=5.0,
                                         topic=APPLICATIONS_V2)
    v2 = decoded(v2_records)

    # one twin per event, in the same order, under the same ce_id
    assert len(v1) == len(v2) == PUBLISHED
    assert [e.id for e in v2] == [e.id for e in v1]
    assert [e.type for e in v2] == [e.type.replace(".v1", ".v2") for e in v1]
    assert all(type(e.event).__module__ == applications_v2.__name__ for e in v2)

    # nothing personal is readable on v2
    application = app.load(UUID(application_id))
    rater_names = [r.rater.name for r in application.references.values()]
    rater_emails = [r.rater.email for r in application.references.values()]
    form_urls = [str(getattr(e.event, "form_url")) for e in v1 if e.type == "ReferenceRequested.v1"]  # noqa: B009
    markers = ["Quillfeather", dana.email, STATEMENT, COUNTY, *rater_names, *rater_emails, *form_urls]
    assert all(marker for marker in markers) and len(form_urls) == 3
    v1_text = "".join(record.value.decode() for record in await asyncio.to_thread(
        read_records, topics, application_id, count=PUBLISHED, timeout=5.0))
    assert all(marker in v1_text for marker in markers)  # the control: v1 still carries them all
    for record in v2_records:
        text = record.value.decode() + repr(record.headers)
        assert not [marker for marker in markers if marker in text], record.value

    # each token names its field's subject: the rater's (as the event store seals them) or the applicant's
    applicant = account_subject(dana.account_id)
    raters = {r.id: r.rater.subject for r in application.references.values()}
    for envelope in v2:
        event = envelope.event
        rater_tokens = set()
        if isinstance(event, applications_v2.ReferenceRequested | applications_v2.ReferenceCompleted):
            rater_tokens = {event.rater.name, event.rater.email}
            if isinstance(event, applications_v2.ReferenceRequested):
                rater_tokens.add(event.form_url)
            assert {subject_of(token) for token in rater_tokens} == {raters[event.reference_id]}
        others = set(sealed_tokens(event)) - rater_tokens
        assert {subject_of(token) for token in others} <= {applicant}
    submission = v2[-1].event
    assert isinstance(submission, applications_v2.ApplicationSubmitted)
    assert submission.applicant.account_id == dana.account_id  # ids and codes stay plain
    assert set(submission.details) >= {"statement", "county", "rater_emails"}

    # every token opens at /internal/unseal, back to its v1 twin's text
    tokens = list(dict.fromkeys(token for envelope in v2 for token in sealed_tokens(envelope.event)))
    assert 0 < len(tokens) <= 100
    answer = await running.http.post("/internal/unseal", json={"tokens": tokens},
                                     headers={"Authorization": f"Bearer {unseal_caller.token_for('applications')}"})
    assert answer.status_code == 200, answer.text
    opened: dict[str, str | None] = answer.json()["opened"]
    assert set(opened) == set(tokens) and None not in opened.values()
    for original, twin in zip(v1, v2, strict=True):
        assert opened_twin(twin.event, type(original.event), opened.__getitem__) == original.event

    refused = await running.http.post("/internal/unseal", json={"tokens": tokens[:1]})
    assert refused.status_code == 401
