"""Personal data on the real engines: stored sealed, sent readable, and unreadable for good once the person is erased.

Every table of the service's schema is read as text (bytea as UTF-8: the stored events are JSON) and searched for
the people's markers with devstack's grep (`devstack.testing`), as the platform's proof test does (docs/erasure.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from devstack.testing import hits, stored_texts
from endorsement_contracts import DEAD_LETTER, ERASURES, IntegrationEvent, Person, decode
from endorsement_contracts.events.erasures import ErasureCompleted, PersonErased
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from notifications.application import NotificationsApplication
from notifications.bootstrap import open_app
from notifications.config import SCHEMA, NotificationsSettings
from notifications.delivery import MailSender, SmtpServer, SmtpTransport
from notifications.domain import Contact, Email, EmailStatus
from servicekit.metrics import relay_backlog
from servicekit.runtime import Service
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, account_subject, rater_subject

Wait = Callable[..., Awaitable[Any]]
Running = Callable[[NotificationsSettings], AbstractAsyncContextManager[Service]]
Publish = Callable[[AIOKafkaProducer, IntegrationEvent, str], Awaitable[Any]]
"""The `publish` fixture: a v1 event sent as its sealed v2 twin, as its producer's relay sends it (returns the
record's metadata)."""


@asynccontextmanager
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


def marked(journey: Any) -> Any:
    """The journey with people whose details are unique markers (unique per test: the broker is shared, so a
    service also reads the records of the tests before)."""
    tag = uuid4().hex[:10]
    return replace(
        journey,
        applicant=Person(account_id=uuid4(), name=f"Zelda Quixmarker{tag}", email=f"zq-{tag}@example.org"),
        rater=journey.rater.model_copy(update={"name": f"Rhoda Raterquill{tag}", "email": f"rq-{tag}@example.org"}),
    )


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


async def test_stored_events_hold_no_personal_data_and_mail_still_goes_out_readable(
    *, publish: Publish, topics: str, make_settings: Callable[..., NotificationsSettings], running: Running,
    mailbox: Any, journey: Any, wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    journey = marked(journey)
    applicant, rater = journey.applicant.email, journey.rater.email
    async with running(settings) as service, producer(topics) as kafka:
        # given an applicant who submits and a rater asked for a reference
        await publish(kafka, journey.submitted(), str(uuid4()))
        await publish(kafka, journey.reference_requested(1), str(uuid4()))
        # then each gets their email, readable and complete
        [to_applicant] = await wait(lambda: mailbox.to(applicant))
        [to_rater] = await wait(lambda: mailbox.to(rater))
        name = journey.applicant.name
        assert to_applicant.message["To"].addresses[0].display_name == name
        assert f"Dear {name}," in to_applicant.text()
        assert to_rater.message["Subject"] == f"Please complete a reference for {name}"
        assert "token=secret-1-" in to_rater.text()
        pool = service.api.state.pool  # (the broker is shared: the service also reads other tests' records)
        await wait(lambda: pool.fetchval(
            "SELECT count(*) = 2 FROM emails WHERE status = 'sent' AND recipient = ANY($1)", [applicant, rater]))
        sent = await pool.fetch("SELECT id FROM emails WHERE recipient = ANY($1)", [applicant, rater])
        # and once sent, what each said no longer opens (its own key destroyed), while its recipient still does
        app = service.app
        assert isinstance(app, NotificationsApplication)
        await wait(lambda: all(app.get_email(row["id"]).wording_gone for row in sent))
        assert {app.get_email(row["id"]).to.address for row in sent} == {applicant, rater}
        assert all(app.keys.is_erased(f"email:{row['id']}") for row in sent)
    # and only the support read model keeps an address; no table holds a name, a subject line or a body text
    markers = (journey.applicant.name, journey.rater.name, applicant.partition("@")[0], rater.partition("@")[0])
    texts = stored_texts(settings.database_url, SCHEMA)
    assert set(hits(texts, *markers)) == {"emails"}  # the control: the search sees what the read model keeps
    assert hits(texts, journey.applicant.name, journey.rater.name) == {}
    assert hits(texts, "complete a reference", "We received your", "token=secret-1-", "Dear ") == {}
    stored = next(text for table, text in texts.items() if table.endswith("_events"))
    assert "pd1." in stored  # sealed tokens instead


async def test_an_erasure_fails_queued_mail_scrubs_the_read_model_and_is_answered_once(
    *, publish: Publish, topics: str, make_settings: Callable[..., NotificationsSettings], running: Running,
    mailbox: Any, journey: Any, submitted: Callable[..., Any], wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    journey = marked(journey)
    applicant = journey.applicant.email
    erasure = PersonErased(tenant="itmhca", occurred_at=datetime(2025, 7, 1, tzinfo=UTC), erasure_id=uuid4(),
                           subject=account_subject(journey.applicant.account_id))
    async with running(settings) as service, producer(topics) as kafka:
        pool = service.api.state.pool
        # given an email to the applicant still queued (the mail server defers it: the sender retries it)
        mailbox.refused[applicant] = "451 4.2.0 try again later"
        await publish(kafka, journey.submitted(), str(uuid4()))
        await wait(lambda: pool.fetchval("SELECT failure FROM emails WHERE recipient = $1 AND status = 'queued'",
                                         applicant))
        # when the applicant is erased, and the request is delivered twice
        await publish(kafka, erasure, "ce-erasure")
        await publish(kafka, erasure, "ce-erasure")
        # then the email failed for good as `recipient erased`, the read model forgot the address, and neither the
        # recipient nor what the email said opens any more
        row = await wait(lambda: pool.fetchrow(
            "SELECT * FROM emails WHERE data_subject = $1 AND status = 'failed'", erasure.subject))
        assert (row["failure"], row["recipient"], row["kind"]) == ("recipient erased", None, "application-submitted")
        assert "subject" not in dict(row)
        app = service.app
        assert isinstance(app, NotificationsApplication)
        failed = app.get_email(row["id"])
        assert failed.erased and failed.wording_gone and app.keys.is_erased(f"email:{row['id']}")
        # and the erasure is answered exactly once, though handled twice
        stats = service.consumer.stats if service.consumer else None
        await wait(lambda: stats and stats.by_type.get("PersonErased.v1") == 1 and stats.duplicates >= 1)
        await wait(lambda: relay_backlog(service.relays[0]) == 0)
        [answer] = await answers(topics, erasure.erasure_id)
        assert (answer.service, answer.subject, answer.tenant) == ("notifications", erasure.subject, "itmhca")
        # and mail to others still goes out, after which the erased person's email was never sent
        mailbox.refused.clear()
        other = submitted()
        await publish(kafka, other, str(uuid4()))
        await wait(lambda: mailbox.to(other.applicant.email))
        assert mailbox.to(applicant) == []
        await wait(lambda: pool.fetchval("SELECT status = 'sent' FROM emails WHERE recipient = $1",
                                         other.applicant.email))
    # and no table holds anything of the erased person any more
    assert hits(stored_texts(settings.database_url, SCHEMA), journey.applicant.name, applicant.partition("@")[0]) == {}


async def dead_lettered_ids(bootstrap: str) -> set[str]:
    """The ce_ids of every record on the dead-letter topic, read from its start to its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(DEAD_LETTER.name, p) for p in range(DEAD_LETTER.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: set[str] = set()
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found |= {(value or b"").decode() for record in records for name, value in record.headers
                          if name == "ce_id"}
        return found
    finally:
        await consumer.stop()


async def test_records_of_people_erased_before_the_relay_queue_nothing_and_are_not_dead_lettered(
    *, publish: Publish, producers: Any, topics: str, make_settings: Callable[..., NotificationsSettings],
    running: Running, mailbox: Any, journey: Any, wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    journey = marked(journey)
    # given the producers erased the applicant and the rater before relaying: their values travel as erased tokens
    producers.erase(account_subject(journey.applicant.account_id))
    producers.erase(rater_subject("itmhca", journey.rater.email, DEVELOPMENT_RATER_INDEX_KEY))
    ce_ids = [str(uuid4()) for _ in range(3)]
    async with running(settings) as service, producer(topics) as kafka:
        # when their submission, a reference request (its link sealed under the rater) and a password reset arrive
        sent = [await publish(kafka, event, ce_id) for event, ce_id in
                zip((journey.submitted(), journey.reference_requested(1), journey.reset_requested()), ce_ids,
                    strict=True)]
        # then each record is handled: its position recorded with nothing saved
        consumer = service.consumer
        assert consumer is not None and isinstance(service.app, NotificationsApplication)
        app = service.app
        await wait(lambda: all(app.has_processed(consumer.tracking_for(meta.topic, meta.partition, meta.offset))
                               for meta in sent))
        # and nobody was written to, nothing of them kept, nothing dead-lettered
        pool = service.api.state.pool
        assert await pool.fetchval("SELECT count(*) FROM emails WHERE data_subject = ANY($1)", [
            account_subject(journey.applicant.account_id),
            rater_subject("itmhca", journey.rater.email, DEVELOPMENT_RATER_INDEX_KEY)]) == 0
        assert app.find_contact("application", journey.application_id, "itmhca") is None
        assert set(ce_ids).isdisjoint(await dead_lettered_ids(topics))
    assert mailbox.to(journey.applicant.email) == [] and mailbox.to(journey.rater.email) == []


def legacy(app: Any, aggregate: type[Any], created: type[Any], originator_id: UUID, **fields: Any) -> StoredEvent:
    """An aggregate's first stored event as written before sealing (an old class version, plaintext fields)."""
    state = {"originator_id": originator_id, "originator_version": 1, "timestamp": datetime(2025, 1, 2, tzinfo=UTC),
             "originator_topic": get_topic(aggregate), **fields}
    return StoredEvent(originator_id=originator_id, originator_version=1, topic=get_topic(created),
                       state=app.mapper.transcoder.encode(state))


async def test_events_stored_before_sealing_still_load_and_send(
    *, make_settings: Callable[..., NotificationsSettings], mailbox: Any,
) -> None:
    settings = make_settings(smtp_url=mailbox.url)
    app = open_app(settings)
    try:
        email_id, contact_id = uuid4(), Contact.id_for("application", uuid4())
        app.recorder.insert_events([
            legacy(app, Email, Email.Queued, email_id, tenant="itmhca", kind="application-submitted",
                   recipient="old@example.org", recipient_name="Olga Oldtimer", sender_name="ITMHCA",
                   reply_to="azendorsement@gmail.com", subject="Received", text_body="Dear Olga",
                   html_body="<p>Dear Olga</p>", cause_id="ce-old", cause_type="ApplicationSubmitted.v1"),
            legacy(app, Contact, Contact.Learnt, contact_id, tenant="itmhca", address="old@example.org",
                   name="Olga Oldtimer", language=None, class_version=2, account_id=None),
        ])
        email = app.get_email(email_id)
        assert (email.recipient, email.subject, email.data_subject) == ("old@example.org", "Received", None)
        contact = app.repository.get(contact_id)
        assert (contact.address, contact.name, contact.person.data_subject) == ("old@example.org", "Olga Oldtimer",
                                                                                 None)
        sender = MailSender(app, SmtpTransport(SmtpServer.from_url(mailbox.url)), settings.mail_from)
        sender.run_once()
        [received] = mailbox.to("old@example.org")
        assert received.text().strip() == "Dear Olga"
        assert app.get_email(email_id).status is EmailStatus.SENT
    finally:
        app.close()

