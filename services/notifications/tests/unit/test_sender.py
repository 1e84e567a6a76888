"""The mail sender on an in-memory event store with a scripted transport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking
from notifications.application import NotificationsApplication
from notifications.delivery import POSITION_NAME, MailSender, PermanentFailure, TransientFailure
from notifications.domain import Cause, Email, EmailContent, EmailStatus, Recipient

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
MAIL_FROM = "no-reply@endorsement.example"


class ScriptedTransport:
    """Accepts every message, except that it first raises the scripted failures, in order."""

    def __init__(self) -> None:
        self.accepted: list[tuple[bytes, str]] = []
        self.failures: dict[str, list[Exception]] = {}

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        assert sender == MAIL_FROM
        pending = self.failures.get(recipient, [])
        if pending:
            raise pending.pop(0)
        self.accepted.append((message.as_bytes(), recipient))

    def recipients(self) -> list[str]:
        return [recipient for _, recipient in self.accepted]


@pytest.fixture
def app() -> NotificationsApplication:
    return NotificationsApplication()


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def sender(app: NotificationsApplication, transport: ScriptedTransport) -> MailSender:
    return MailSender(app, transport, MAIL_FROM, clock=lambda: NOW)


@pytest.fixture
def queue(app: NotificationsApplication) -> Callable[[str], Email]:
    upstream = iter(range(1, 1000))

    def run(address: str) -> Email:
        email = Email.queue(
            email_id=uuid4(),
            tenant="itmhca",
            kind="application-submitted",
            recipient=Recipient(address=address, name="Zoë"),
            sender_name="ITMHCA",
            reply_to="azendorsement@gmail.com",
            content=EmailContent(subject="Received", text_body="Dear Zoë", html_body="<p>Dear Zoë</p>"),
            cause=Cause(event_id=str(uuid4()), event_type="ApplicationSubmitted.v1"),
        )
        app.save_tracked(Tracking("notifications/topic/0", next(upstream)), email)
        return email

    return run


def test_a_queued_email_is_sent_once_and_recorded_with_the_position(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    # given a queued email
    email = queue("zoe@example.org")
    # when the sender runs twice
    sender.run_once()
    sender.run_once()
    # then the server got it once and the email is sent with its Message-ID
    assert transport.recipients() == ["zoe@example.org"]
    stored = app.get_email(email.id)
    assert stored.status is EmailStatus.SENT
    assert stored.sent_at == NOW
    assert stored.message_id == f"<{email.id}@endorsement.example>"
    # and the sender's position is past everything in the log, its own Sent event included
    assert app.position(POSITION_NAME) == app.recorder.max_notification_id()


def test_a_transient_failure_is_retried_without_moving_on(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    # given two queued emails, the first of which the server defers twice
    first = queue("first@example.org")
    queue("second@example.org")
    transport.failures["first@example.org"] = [TransientFailure("cannot reach mx"), TransientFailure("421 busy")]
    position = app.position(POSITION_NAME)
    # when the sender runs
    for expected_reason in ("cannot reach mx", "421 busy"):
        with pytest.raises(TransientFailure):
            sender.run_once()
        # then nothing moved on: no mail went out, the first email is queued with the reason noted
        assert transport.recipients() == []
        assert app.position(POSITION_NAME) == position
        assert app.get_email(first.id).status is EmailStatus.QUEUED
        assert app.get_email(first.id).failure == expected_reason
    # and once the server accepts, both go out in order
    sender.run_once()
    assert transport.recipients() == ["first@example.org", "second@example.org"]


def test_a_permanent_refusal_fails_that_email_and_the_next_is_still_sent(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    refused = queue("nobody@example.org")
    queue("zoe@example.org")
    transport.failures["nobody@example.org"] = [PermanentFailure("recipient refused: 550 no such user")]
    sender.run_once()
    assert transport.recipients() == ["zoe@example.org"]
    failed = app.get_email(refused.id)
    assert failed.status is EmailStatus.FAILED
    assert failed.failure == "recipient refused: 550 no such user"
    assert (sender.sent, sender.failed) == (1, 1)


def test_a_crash_after_the_server_accepted_resends_the_same_message(
    app: NotificationsApplication,
    sender: MailSender,
    transport: ScriptedTransport,
    queue: Callable[[str], Email],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the process dies after the server accepted the message, before recording it
    email = queue("zoe@example.org")

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(app, "record_sent", crash)
        with pytest.raises(RuntimeError):
            sender.run_once()
    # when the sender runs again
    sender.run_once()
    # then the message went out twice, byte for byte the same (same Message-ID), and is recorded once
    (first, _), (second, _) = transport.accepted
    assert first == second
    assert f"Message-ID: <{email.id}@endorsement.example>".encode() in first
    sent_events = [e for e in app.events.get(email.id) if isinstance(e, Email.Sent)]  # type: ignore[attr-defined]
    assert len(sent_events) == 1


def test_an_email_that_cannot_be_composed_fails_instead_of_blocking_the_queue(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    broken = queue("zoe@[bad")
    queue("next@example.org")
    sender.run_once()
    assert app.get_email(broken.id).status is EmailStatus.FAILED
    assert transport.recipients() == ["next@example.org"]
