"""The mail sender on PostgreSQL against a real SMTP server: outages, refusals, ordering."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from endorsement_contracts import ApplicationSubmitted, Envelope
from eventsourcing.persistence import Tracking
from notifications.bootstrap import open_app
from notifications.config import NotificationsSettings, Tenant
from notifications.delivery import POSITION_NAME, MailSender, SmtpServer, SmtpTransport
from notifications.domain import Email, EmailStatus
from notifications.entrypoints.consumer import handlers
from notifications.notices import Notifier
from notifications.templates import Links
from servicekit.unseal import sealed_tokens, unsealed

Wait = Callable[..., Awaitable[Any]]


class Harness:
    """The notifications application on a fresh database, with a sender running in a thread."""

    def __init__(self, settings: NotificationsSettings, tenant: Tenant, producers: Any) -> None:
        self.app = open_app(settings)
        self.producers = producers
        notifier = Notifier(self.app, {tenant.slug: tenant}, Links(settings.public_base_url),
                            rater_index_key=settings.rater_index_key_bytes())
        self.handle = handlers(notifier)
        transport = SmtpTransport(SmtpServer.from_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds))
        self.sender = MailSender(self.app, transport, settings.mail_from)
        self.settings = settings
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.offset = 0

    def receive(self, event: ApplicationSubmitted) -> Email:
        """What the consumer does with a record (the event's sealed v2 twin, its tokens opened at the producer):
        queue the email and save it with the record's position."""
        self.offset += 1
        record = self.producers.sealed(event, f"ce-{self.offset}")
        envelope = Envelope(
            id=f"ce-{self.offset}", source="/applications", type=record.type_name(), time=datetime.now(UTC),
            event=record,
        )
        with unsealed({token: self.producers.keys.open(token) for token in sealed_tokens(record)}):
            effects = self.handle[type(record)](envelope)  # the email, and the applicant as a contact
        self.app.save_tracked(Tracking("notifications/topic/0", self.offset), *effects)
        [email] = [effect for effect in effects if isinstance(effect, Email)]
        return email

    def start_sending(self) -> None:
        self.thread = threading.Thread(
            target=self.sender.run_forever,
            args=(self.stop, self.settings.mail_poll_seconds, self.settings.mail_retry_max_seconds),
            daemon=True,
        )
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(10)
        self.app.close()


@pytest.fixture
def harness_for(
    make_settings: Callable[..., NotificationsSettings], itmhca: Tenant, producers: Any
) -> Iterator[Callable[[str], Harness]]:
    made: list[Harness] = []

    def make(smtp_url: str) -> Harness:
        made.append(Harness(make_settings(smtp_url=smtp_url), itmhca, producers))
        return made[-1]

    yield make
    for harness in made:
        harness.close()


async def test_mail_queued_while_the_server_is_down_is_delivered_when_it_returns(
    harness_for: Callable[[str], Harness],
    stopped_mailbox: Any,
    submitted: Callable[..., ApplicationSubmitted],
    wait: Wait,
) -> None:
    # given the SMTP server is down and an applicant submitted
    harness = harness_for(stopped_mailbox.url)
    event = submitted()
    email = harness.receive(event)
    harness.start_sending()
    # when the sender has tried for a while
    await wait(lambda: harness.app.get_email(email.id).failure)
    # then nothing was lost or skipped: the email is still queued, the reason noted, the position unmoved
    waiting = harness.app.get_email(email.id)
    assert waiting.status is EmailStatus.QUEUED
    assert "cannot reach 127.0.0.1" in (waiting.failure or "")
    assert harness.app.position(POSITION_NAME) == 0
    # when the server comes back
    stopped_mailbox.start()
    # then the email arrives, once, and is recorded as sent
    await wait(lambda: harness.app.get_email(email.id).status is EmailStatus.SENT)
    [received] = stopped_mailbox.to(event.applicant.email)
    assert received.message["Message-ID"] == f"<{email.id}@endorsement.example>"
    assert len(stopped_mailbox.received) == 1


async def test_a_refused_recipient_is_marked_failed_and_the_next_email_is_still_sent(
    harness_for: Callable[[str], Harness],
    mailbox: Any,
    submitted: Callable[..., ApplicationSubmitted],
    wait: Wait,
) -> None:
    # given the server refuses one recipient for good, and two applicants submitted, the refused one first
    harness = harness_for(mailbox.url)
    refused_event, ok_event = submitted(), submitted()
    mailbox.refused[refused_event.applicant.email] = "550 5.1.1 No such user here"
    refused, ok = harness.receive(refused_event), harness.receive(ok_event)
    # when the sender runs
    harness.start_sending()
    await wait(lambda: harness.app.get_email(ok.id).status is EmailStatus.SENT)
    # then the refused email is failed with the server's reason, and only the other one arrived
    failed = harness.app.get_email(refused.id)
    assert failed.status is EmailStatus.FAILED
    assert failed.failure == "recipient refused: 550 5.1.1 No such user here"
    assert [r.envelope_to for r in mailbox.received] == [[ok_event.applicant.email]]


async def test_a_deferring_server_gets_the_same_email_again_until_it_accepts(
    harness_for: Callable[[str], Harness],
    mailbox: Any,
    submitted: Callable[..., ApplicationSubmitted],
    wait: Wait,
) -> None:
    # given the server defers the first applicant (4xx), then a second applicant submits
    harness = harness_for(mailbox.url)
    first_event, second_event = submitted(), submitted()
    mailbox.refused[first_event.applicant.email] = "451 4.3.0 Mailbox busy, try later"
    first, second = harness.receive(first_event), harness.receive(second_event)
    harness.start_sending()
    await wait(lambda: harness.app.get_email(first.id).failure)
    # then mail waits in order: the second is not sent past the first
    assert harness.app.get_email(first.id).failure == "recipient refused: 451 4.3.0 Mailbox busy, try later"
    assert mailbox.received == []
    # when the server accepts again, both arrive in order
    del mailbox.refused[first_event.applicant.email]
    await wait(lambda: harness.app.get_email(second.id).status is EmailStatus.SENT)
    assert [r.envelope_to for r in mailbox.received] == [[first_event.applicant.email], [second_event.applicant.email]]
