"""Personal data on the real engines: stored sealed, and unreadable for good once the person is erased.

Every table of the schema is read as text (bytea as UTF-8: the stored events are JSON) and searched for the people's
markers with devstack's grep (`devstack.testing`), as the platform's proof test does (docs/erasure.md): the
applicant's identity, profile, entries, documents and a rater's reference; then the rest of her file
(`personal_files.py`: membership and fee references, the review's texts, a rater's draft, vetting and withdrawal
reasons).
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from applications.application import ApplicationsService
from applications.config import SCHEMA
from applications.domain import Actor, AgeBand, Applicant, Tab, WorkActivity, WorkEntry
from applications.domain.documents import DocumentKind
from applications.domain.erasure import Erasure
from applications.domain.errors import DocumentErased
from applications.domain.holdings import Holding, HoldingStatus
from applications.domain.lifecycle import Status
from applications.use_cases.documents import Upload
from applications.use_cases.references import ReferenceCases
from devstack.testing import hits, stored_texts
from document_samples import pdf
from endorsement_contracts import APPLICATIONS_V2, ERASURES, IntegrationEvent, decode, encode
from endorsement_contracts.events.erasures import ErasureCompleted, PersonErased
from personal_files import a_personal_file, draft_comments
from reference_builders import link_token, raters, ratings
from servicekit.metrics import relay_backlog
from servicekit.outbox import kafka_producer
from servicekit.service_identity import ServiceTokenSigner
from servicekit.shredding import erased_token
from servicekit.unseal import sealed_tokens

if TYPE_CHECKING:
    from conftest import Running

pytestmark = pytest.mark.consumes_reviews  # the consumer runs (it reads the erasures topic too)


async def eventually(check: Callable[[], Any], *, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if isinstance(last, Awaitable):
            last = await last
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


def publish(bootstrap: str, event: IntegrationEvent) -> None:
    producer = kafka_producer(bootstrap, enable_idempotence=False)
    try:
        record = encode(event, event_id=str(uuid4()), source="/tests/gateway")
        producer.send(record.topic, key=record.key, value=record.value, headers=record.headers).get(timeout=30)
    finally:
        producer.close(timeout=10)


async def answers(bootstrap: str, erasure_id: UUID) -> list[ErasureCompleted]:
    """Every `ErasureCompleted` of the request on the erasures topic, read from the start to its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(ERASURES.name, p) for p in range(ERASURES.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[ErasureCompleted] = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    event = decode(list(record.headers), record.value).event
                    if isinstance(event, ErasureCompleted) and event.erasure_id == erasure_id:
                        found.append(event)
        return found
    finally:
        await consumer.stop()


def an_application(app: ApplicationsService, tag: str) -> tuple[Actor, UUID, UUID]:
    """Zelda (markers everywhere) applies, fills in her statement and asks Rhoda for a reference, who answers."""
    account = uuid4()
    actor = Actor(account, "itmhca", frozenset({"applicant"}))
    applicant = Applicant(account, "Zelda Quixmarker", f"zq-{tag}@example.org")
    application_id = app.start(actor, applicant, "IFS").id
    app.update_details(application_id, actor, {"statement": f"Statement stmtmarker-{tag}", "phone": "555-0199"})
    app.add_entry(application_id, actor, WorkEntry(
        f"Employer empmarker-{tag}", f"Role rolemarker-{tag}", date(2020, 1, 6), None, paid=True, supervised=True,
        families_served=14, age_band=AgeBand.INFANT_TODDLER, activities=(WorkActivity.DIRECT_SERVICE,)))
    application = app.get(application_id, actor)
    rule = app.rules_on(application, app.local_date("itmhca")).references
    rater = replace(raters(rule)[0], name="Rhoda Raterquill", email=f"rq-{tag}@example.org")
    references = ReferenceCases(app)
    application, reference_id = references.name_rater(application_id, actor, 1, rater, waived=False)
    references.answer_reference(link_token(app, application, reference_id), ratings(rule), f"Comments cmtmarker-{tag}")
    return actor, application_id, reference_id


def erasure_of(subject: str) -> PersonErased:
    return PersonErased(tenant="itmhca", occurred_at=datetime.now(UTC), erasure_id=uuid4(), subject=subject)


async def test_an_applicant_is_sealed_and_their_erasure_withdraws_scrubs_and_is_answered_once(
        running: Running, topics: str, read_records: Callable[..., list[Any]], unseal_caller: ServiceTokenSigner,
) -> None:
    app: Any = running.service.app
    tag = uuid4().hex[:10]
    actor, application_id, reference_id = an_application(app, tag)
    documents = running.service.api.state.documents
    document = documents.attach(application_id, actor, Upload(DocumentKind.CV, f"cv-filemarker-{tag}.pdf", None,
                                                               pdf(f"docmarker-{tag}")))
    assert documents.content(application_id, actor, document.document_id)[1] == pdf(f"docmarker-{tag}")
    await running.catch_up()
    markers = ("Quixmarker", f"zq-{tag}", f"stmtmarker-{tag}", "Raterquill", f"rq-{tag}", f"cmtmarker-{tag}",
               f"empmarker-{tag}", f"rolemarker-{tag}", f"filemarker-{tag}", f"docmarker-{tag}")
    texts = stored_texts(running.service.settings.database_url, SCHEMA)
    stored = next(table for table in texts if table.endswith("events"))
    # the stored events hold none of it: sealed tokens instead (the read models are the control: they show it)
    assert stored not in hits(texts, *markers)
    assert "sealed_documents" not in hits(texts, *markers)
    assert "pd1." in texts[stored]
    assert "Quixmarker" in texts["applications"] and "Raterquill" in texts["application_timeline"]

    # when the applicant is erased, and the request arrives twice
    erasure = erasure_of(f"account:{actor.account_id}")
    publish(topics, erasure)
    publish(topics, erasure)
    stats = running.service.consumer.stats if running.service.consumer else None
    await eventually(lambda: stats and stats.by_type.get("PersonErased.v1") == 1 and stats.duplicates >= 1)
    # then the open application was withdrawn first, and its aggregates still load with the values gone
    application = app.load(application_id)
    assert (application.status, application.withdrawal_reason) == (Status.WITHDRAWN, "erasure")
    assert application.applicant == Applicant(actor.account_id, None, None)
    assert (application.details.statement, application.details.phone) == (None, None)
    [job] = application.entries(Tab.WORK).values()
    assert (job.employer, job.role, job.families_served) == (None, None, 14)
    [erased_document] = application.documents.values()
    assert (erased_document.filename, erased_document.sha256) == (None, document.sha256)
    with pytest.raises(DocumentErased):
        documents.content(application_id, actor, document.document_id)
    reference = application.reference(reference_id)
    assert reference.answer is not None and reference.answer.comments is None  # part of her file
    assert reference.rater.name == "Rhoda Raterquill"  # the rater was not erased
    assert app.find(Erasure, Erasure.id_for(erasure.erasure_id)).withdrawn == [application_id]
    # and the read models forgot her; the erasure is answered exactly once
    await running.catch_up()
    pool = running.service.api.state.pool
    assert await pool.fetchval("SELECT applicant_name FROM applications WHERE id = $1", application_id) is None
    await eventually(lambda: relay_backlog(running.service.relays[0]) == 0)
    [answer] = await answers(topics, erasure.erasure_id)
    assert (answer.service, answer.subject) == ("applications", erasure.subject)
    texts = stored_texts(running.service.settings.database_url, SCHEMA)
    assert hits(texts, "Quixmarker", f"zq-{tag}", f"stmtmarker-{tag}", f"cmtmarker-{tag}", f"empmarker-{tag}",
                f"rolemarker-{tag}", f"filemarker-{tag}", f"docmarker-{tag}") == {}
    assert erasure.subject not in texts["sealed_documents"]  # her documents' rows are deleted
    # and on v2 the withdrawal's personal values (v1: `erased`) are tokens that open to null at /internal/unseal
    records = await asyncio.to_thread(read_records, topics, str(application_id), count=4, topic=APPLICATIONS_V2)
    envelopes = [decode(list(record.headers), record.value) for record in records]
    assert [e.type for e in envelopes] == ["ApplicationStarted.v2", "ReferenceRequested.v2", "ReferenceCompleted.v2",
                                           "ApplicationWithdrawn.v2"]
    tokens = sealed_tokens(envelopes[-1].event)
    assert set(tokens) == {erased_token(erasure.subject)}  # name, email and reason
    opened = await running.http.post("/internal/unseal", json={"tokens": tokens},
                                     headers={"Authorization": f"Bearer {unseal_caller.token_for('applications')}"})
    assert opened.json() == {"opened": {erased_token(erasure.subject): None}}


async def test_an_erased_raters_reference_still_counts_without_who_they_were(running: Running, topics: str) -> None:
    app: Any = running.service.app
    tag = uuid4().hex[:10]
    actor, application_id, reference_id = an_application(app, tag)
    await running.catch_up()  # the timeline names the rater (the control)
    assert "Raterquill" in stored_texts(running.service.settings.database_url, SCHEMA)["application_timeline"]
    erasure = erasure_of(app.rater_subject("itmhca", f"RQ-{tag}@example.org"))  # one subject whatever the case
    publish(topics, erasure)
    await eventually(lambda: app.find(Erasure, Erasure.id_for(erasure.erasure_id)))
    application = app.get(application_id, actor)
    reference = application.reference(reference_id)
    assert (reference.rater.name, reference.rater.email) == (None, None)
    assert reference.rater.subject == erasure.subject
    assert reference.answer is not None and reference.answer.comments == f"Comments cmtmarker-{tag}"
    assert application.status is Status.DRAFT  # a rater's erasure withdraws nothing
    report = app.requirements(application)
    [references] = [r for r in report.results if r.code == "REFERENCES"]
    assert "slot 1" not in " ".join(reason.message for reason in references.reasons)  # slot 1 still counts
    await running.catch_up()
    texts = stored_texts(running.service.settings.database_url, SCHEMA)
    assert hits(texts, "Raterquill", f"rq-{tag}") == {}
    pool = running.service.api.state.pool
    names = await pool.fetch("SELECT details->>'rater_name' AS name FROM application_timeline"
                             " WHERE application_id = $1 AND details ? 'rater_name'", application_id)
    assert names and {row["name"] for row in names} == {"erased"}


async def test_the_rest_of_an_applicants_file_is_stored_sealed_and_gone_with_their_key(
        running: Running, topics: str) -> None:
    app: Any = running.service.app
    file = await asyncio.to_thread(a_personal_file, app, uuid4().hex[:10])
    markers = file.markers
    await running.catch_up()
    texts = stored_texts(running.service.settings.database_url, SCHEMA)
    stored = next(table for table in texts if table.endswith("events"))
    # the stored events hold none of it (member id, payment reference, the review's texts, the rater's draft, the
    # vetting and withdrawal reasons): sealed tokens instead
    assert stored not in hits(texts, *markers.values())
    # the control: the timeline shows what the review wrote and why she withdrew, and the aggregates read it all
    assert set(hits(texts, *markers.values())["application_timeline"]) == {
        markers[name] for name in ("items", "message", "reasons", "recommendations", "denial", "withdrawal")}
    decided, withdrawn = app.load(file.decided), app.load(file.withdrawn)
    assert decided.membership.member_id == markers["member_id"]
    assert markers["fee_reference"] in {fee.reference for fee in decided.fees.values()}
    assert decided.denial_reasons == (f"Reason {markers['denial']}",)
    assert withdrawn.withdrawal_reason == f"Withdrawn {markers['withdrawal']}"
    assert withdrawn.reference(file.vetted_reference).vetting_reason == f"Reason {markers['vetting']}"
    assert draft_comments(app, file.draft_reference) == f"Draft {markers['draft']}"
    assert set(hits(texts, *markers.values())["holdings"]) == {markers[name] for name in ("inactive", "lapse",
                                                                                         "revocation")}
    assert app.find(Holding, file.holding).inactive_reason == f"Inactive {markers['inactive']}"

    # when she is erased
    erasure = erasure_of(f"account:{file.actor.account_id}")
    publish(topics, erasure)
    recorded = await eventually(lambda: app.find(Erasure, Erasure.id_for(erasure.erasure_id)))
    # then both applications are named for the read models, neither withdrawn again (both were settled)
    assert (set(recorded.applications), recorded.withdrawn) == ({file.decided, file.withdrawn}, [])
    # and every value decodes as None or empty, while the applications still replay
    decided, withdrawn = app.load(file.decided), app.load(file.withdrawn)
    assert decided.membership is not None and decided.membership.member_id is None
    assert {fee.reference for fee in decided.fees.values()} == {None}
    assert (decided.status, decided.denial_reasons) == (Status.DENIED, ())
    assert decided.deferral is not None and (decided.deferral.reasons, decided.deferral.recommendations) == ((), ())
    assert (withdrawn.status, withdrawn.withdrawal_reason) == (Status.WITHDRAWN, None)
    assert withdrawn.reference(file.vetted_reference).vetting_reason is None
    assert draft_comments(app, file.draft_reference) is None
    holding = app.find(Holding, file.holding)
    assert (holding.status, holding.inactive_reason) == (HoldingStatus.REVOKED, None)
    assert [(change.what, change.detail) for change in holding.history[1:]] == [
        ("inactive", ""), ("lapsed", ""), ("revoked", "")]
    # and no table holds any of it any more: the timeline rows say what happened, not what was written
    await running.catch_up()
    texts = stored_texts(running.service.settings.database_url, SCHEMA)
    assert hits(texts, *markers.values(), "Quixmarker", str(file.applicant.email).split("@")[0]) == {}
    pool = running.service.api.state.pool
    rows = await pool.fetch("SELECT kind, summary FROM application_timeline WHERE application_id = ANY($1::uuid[])"
                            " AND kind IN ('returned', 'deferred', 'denied', 'withdrawn') ORDER BY seq",
                            [file.decided, file.withdrawn])
    assert [(row["kind"], row["summary"].split(" You may")[0]) for row in rows] == [
        ("returned", "Returned for more information. Edit the application and resubmit it."),
        ("deferred", "Deferred."), ("denied", "Not endorsed."), ("withdrawn", "Withdrawn.")]
    history = await pool.fetchval("SELECT history FROM holdings WHERE endorsement_id = $1", file.holding)
    lines = json.loads(history) if isinstance(history, str) else history
    assert [(line["what"], line["detail"]) for line in lines] == [
        ("granted", "IFS endorsement granted"), ("inactive", ""), ("lapsed", ""), ("revoked", "")]
