"""Records on the real broker become exactly one email each, through PostgreSQL to a real SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from endorsement_contracts import DEAD_LETTER, ApplicationSubmitted, EndorsementGranted, Envelope, IntegrationEvent
from eventsourcing.persistence import Tracking
from notifications.bootstrap import open_app
from notifications.config import NotificationsSettings, Tenant
from notifications.entrypoints.consumer import v1_handlers
from notifications.notices import Notifier
from notifications.templates import Links
from servicekit.runtime import Service

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


async def dead_letters_for(bootstrap: str, event_id: str, wait: Wait) -> list[dict[str, str]]:
    """The dead-letter records of the event with CloudEvents id `event_id` (read without a consumer group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[dict[str, str]] = []
    try:
        partition = TopicPartition(DEAD_LETTER.name, 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)

        async def look() -> list[dict[str, str]]:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    headers = {name: (value or b"").decode() for name, value in record.headers}
                    if headers.get("ce_id") == event_id:
                        found.append(headers)
            return found

        return list(await wait(look))
    finally:
        await consumer.stop()


async def test_each_record_becomes_exactly_one_email(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    submitted: Callable[..., ApplicationSubmitted],
    granted: Callable[..., EndorsementGranted],
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    event = submitted()
    applicant = event.applicant.email
    async with running(settings), producer(topics) as kafka:
        # given an applicant submitted
        await publish(kafka, event, "ce-submitted-1")
        # then exactly one email reaches them, with the right subject and bodies
        [received] = await wait(lambda: mailbox.to(applicant))
        message = received.message
        assert message["Subject"] == "We received your Infant Family Specialist endorsement application"
        assert message["To"].addresses[0].display_name == "Zoë Ñúñez-Łukasiewicz"
        assert message["From"].addresses[0].display_name == "Infant Toddler Mental Health Coalition of Arizona"
        assert message["Reply-To"] == "azendorsement@gmail.com"
        assert received.envelope_from == "no-reply@endorsement.example"
        assert "Dear Zoë Ñúñez-Łukasiewicz," in received.text()
        assert f"https://endorse.example.org/apply/{event.application_id}" in received.text()
        assert "Infant Toddler Mental Health Coalition of Arizona received your application" in received.html()

        # when the same record arrives twice more, is republished at a new offset (and under another id),
        # and then the applicant resubmits (same key: same partition, so after the copies) and is endorsed
        await publish(kafka, event, "ce-submitted-1")
        await publish(kafka, event, "ce-submitted-1")
        await publish(kafka, event, "ce-republished-with-another-id")
        resubmitted = submitted(application_id=event.application_id, applicant=event.applicant, submission_number=2)
        await publish(kafka, resubmitted, "ce-submitted-2")
        await publish(kafka, granted(application_id=event.application_id, applicant=event.applicant), "ce-granted")
        # then the copies caused nothing: only the resubmission and the endorsement add an email each
        await wait(lambda: len(mailbox.to(applicant)) == 3)
        subjects = sorted(r.message["Subject"] for r in mailbox.to(applicant))
        assert subjects == [
            "We received your Infant Family Specialist endorsement application",
            "We received your Infant Family Specialist endorsement application",
            "You are endorsed: Infant Mental Health Specialist",
        ]
        assert sum("resubmitted application" in r.text() for r in mailbox.to(applicant)) == 1
        assert len({r.message["Message-ID"] for r in mailbox.to(applicant)}) == 3
    assert len(mailbox.to(applicant)) == 3


async def test_an_event_of_an_unknown_association_is_dead_lettered_and_mails_nobody(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    submitted: Callable[..., ApplicationSubmitted],
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    stranger, known = submitted(tenant="nowhere"), submitted()
    stranger_id = str(uuid4())
    async with running(settings), producer(topics) as kafka:
        await publish(kafka, stranger, stranger_id)
        await publish(kafka, known, str(uuid4()))
        [dead] = await dead_letters_for(topics, stranger_id, wait)
        assert dead["dlq_reason"] == "unknown tenant 'nowhere'"  # refused before the handler (servicekit.handlers)
        assert dead["dlq_consumer_group"] == settings.consumer_group
        await wait(lambda: mailbox.to(known.applicant.email))  # and the consumer carried on
        assert mailbox.to(stranger.applicant.email) == []


async def test_a_reference_request_reaches_the_rater_with_the_link_and_each_reminder_once(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    journey: Any,
    wait: Wait,
    caplog: Any,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    request, reminder = journey.reference_requested(1), journey.reference_requested(2)
    rater = journey.rater.email
    async with running(settings), producer(topics) as kafka:
        # given a rater is asked for a reference, the record arrives twice, then a reminder follows
        await publish(kafka, request, "ce-reference-1")
        await publish(kafka, request, "ce-reference-1")
        await publish(kafka, reminder, "ce-reference-2")
        # then the rater receives two emails: the request and the reminder, each with its own link on its own line
        await wait(lambda: len(mailbox.to(rater)) == 2)
        first, second = sorted(mailbox.to(rater), key=lambda r: "Reminder" in r.message["Subject"])
        assert first.message["Subject"] == "Please complete a reference for Zoë Ñúñez-Łukasiewicz"
        assert second.message["Subject"] == "Reminder: please complete a reference for Zoë Ñúñez-Łukasiewicz"
        assert first.message["To"].addresses[0].display_name == "Rita Moreno"
        assert f"\n{request.form_url}\n" in first.text().replace("\r\n", "\n")
        assert f"\n{reminder.form_url}\n" in second.text().replace("\r\n", "\n")
        assert f'href="{request.form_url}"' in first.html()
        assert "expires on March 31, 2025" in first.text()
        # and only the applicant's name and category, not their address
        assert journey.applicant.email not in first.text()
    assert len(mailbox.to(rater)) == 2
    assert "secret-" not in caplog.text  # no log line carries a link


async def test_endorsement_events_naming_nobody_reach_the_holder_known_from_the_grant(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    journey: Any,
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    stranger = type(journey)()  # an endorsement this service never saw granted
    async with running(settings), producer(topics) as kafka:
        # given an endorsement was granted, and another lapses that was granted before this service knew
        await publish(kafka, stranger.lapsed(), str(uuid4()))
        await publish(kafka, journey.granted(), str(uuid4()))
        # when it lapses (the event carries no person)
        await publish(kafka, journey.lapsed(), str(uuid4()))
        # then the holder hears of the grant and of the lapse; the unknown holder's lapse mails nobody
        await wait(lambda: len(mailbox.to(journey.applicant.email)) == 2)
        subjects = sorted(r.message["Subject"] for r in mailbox.to(journey.applicant.email))
        assert subjects == [
            "You are endorsed: Infant Family Specialist",
            "Your Infant Family Specialist endorsement has lapsed",
        ]
        assert not [r for r in mailbox.received if str(stranger.endorsement_id) in r.text()]


async def test_an_account_record_delivered_twice_sends_one_email_in_the_person_s_language(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    journey: Any,
    wait: Wait,
    caplog: Any,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    verify = journey.verification_requested("es")
    person = journey.applicant.email
    async with running(settings), producer(topics) as kafka:
        # given a confirmation link is requested in Spanish, and the record arrives twice (and once republished)
        await publish(kafka, journey.account_registered("es"), str(uuid4()))
        await publish(kafka, verify, "ce-verify-1")
        await publish(kafka, verify, "ce-verify-1")
        await publish(kafka, verify, "ce-verify-republished")
        # and then the password is changed (same key, same partition: after the copies)
        await publish(kafka, journey.password_changed("changed", "es"), str(uuid4()))
        # then the person receives exactly one confirmation email, in Spanish, with the link, and the notice
        await wait(lambda: len(mailbox.to(person)) == 2)
        by_subject = {r.message["Subject"]: r for r in mailbox.to(person)}
        assert set(by_subject) == {"Confirme su dirección de correo electrónico", "Se cambió su contraseña"}
        confirmation = by_subject["Confirme su dirección de correo electrónico"]
        assert f"\n{verify.link}\n" in confirmation.text().replace("\r\n", "\n")
        assert "vence el 7 de diciembre de 2026 a las 22:00 (MST)" in confirmation.text()
        assert '<html lang="es">' in confirmation.html()
    assert len(mailbox.to(person)) == 2
    assert "secret-verify" not in caplog.text  # no log line carries the link


async def test_an_applicant_notice_is_written_in_the_language_learnt_from_the_account(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    journey: Any,
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    async with running(settings) as service, producer(topics) as kafka:
        # given the applicant signed up in Spanish (ITMHCA writes English by default); the topics differ, so
        # the test waits for the account to be read before the application's record
        await publish(kafka, journey.account_registered("es"), str(uuid4()))
        await wait(lambda: service.app.find_account(journey.applicant.account_id, "itmhca"))
        # when their application is submitted (the event carries no language)
        await publish(kafka, journey.submitted(), str(uuid4()))
        # then the confirmation is in Spanish
        [received] = await wait(lambda: mailbox.to(journey.applicant.email))
        assert received.message["Subject"] == "Recibimos su solicitud de endorsement Infant Family Specialist"
        assert "Estimado/a Zoë Ñúñez-Łukasiewicz:" in received.text()


async def test_a_declined_reference_reaches_the_applicant_once_in_their_language_with_the_references_page(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    journey: Any,
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    declined = journey.reference_declined(waived=True, reason="Confidential words PRIVATE-XYZZY")
    applicant = journey.applicant.email
    async with running(settings) as service, producer(topics) as kafka:
        # given the applicant signed up in Spanish (read before the application's records: the topics differ)
        await publish(kafka, journey.account_registered("es"), str(uuid4()))
        await wait(lambda: service.app.find_account(journey.applicant.account_id, "itmhca"))
        # when a rater declines a waived reference, and the record arrives twice and is republished
        await publish(kafka, declined, "ce-declined-1")
        await publish(kafka, declined, "ce-declined-1")
        await publish(kafka, declined, "ce-declined-republished")
        # and then the application is submitted (same key, same partition: after the copies)
        await publish(kafka, journey.submitted(), str(uuid4()))
        # then the applicant gets one decline email, in Spanish, linking the references page, without the words
        await wait(lambda: len(mailbox.to(applicant)) == 2)
        [received] = [r for r in mailbox.to(applicant) if "evaluadora" in r.message["Subject"]]
        assert received.message["Subject"] == (
            "Una persona evaluadora no dará una referencia para su solicitud Infant Family Specialist"
        )
        references = f"https://endorse.example.org/apply/{journey.application_id}/references"
        assert f"\n{references}\n" in received.text().replace("\r\n", "\n")
        assert f'href="{references}"' in received.html()
        assert "PRIVATE-XYZZY" not in received.text() + received.html()
    assert len(mailbox.to(applicant)) == 2


async def test_after_the_switch_to_v2_a_record_whose_v1_twin_was_handled_sends_no_second_email(
    *,
    publish: Publish,
    topics: str,
    make_settings: Callable[..., NotificationsSettings],
    running: Running,
    mailbox: Any,
    itmhca: Tenant,
    submitted: Callable[..., ApplicationSubmitted],
    wait: Wait,
) -> None:
    settings = make_settings(kafka_bootstrap_servers=topics, smtp_url=mailbox.url)
    event, ce_id = submitted(), f"ce-before-the-switch-{uuid4()}"
    # given the service read the v1 record before it moved to the v2 topics (the email queued with its position)
    app = open_app(settings)
    try:
        notifier = Notifier(app, {"itmhca": itmhca}, Links(settings.public_base_url),
                            rater_index_key=settings.rater_index_key_bytes())
        envelope = Envelope(id=ce_id, source="/applications", type=event.type_name(), time=datetime.now(UTC),
                            event=event)
        effects = v1_handlers(notifier)[type(event)](envelope)
        app.save_tracked(Tracking(f"{settings.consumer_group}/{event.topic}/0", 1), *effects)
    finally:
        app.close()
    applicant = event.applicant.email
    async with running(settings), producer(topics) as kafka:
        # when it reads the v2 topic from its start: the twin (same ce_id), then a resubmission (same key, after it)
        await publish(kafka, event, ce_id)
        await publish(kafka, submitted(application_id=event.application_id, applicant=event.applicant,
                                       submission_number=2), str(uuid4()))
        # then the email queued before the switch goes out once, the resubmission's too, and the twin added none
        await wait(lambda: len(mailbox.to(applicant)) >= 2)
        assert sorted("resubmitted application" in r.text() for r in mailbox.to(applicant)) == [False, True]
    assert len(mailbox.to(applicant)) == 2
