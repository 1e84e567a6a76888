"""The mail sender on an in-memory event store with a scripted transport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from uuid import uuid4

import pytest
from eventsourcing.persistence import OperationalError, Tracking
from notifications.application import NotificationsApplication
from notifications.delivery import POSITION_NAME, MailSender, PermanentDeliveryError, TransientDeliveryError
from notifications.domain import RECIPIENT_ERASED, Cause, Email, EmailContent, EmailStatus, Recipient

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
MAIL_FROM = "no-reply@endorsement.example"
SUBJECT = "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"


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
def app(memory_app: NotificationsApplication) -> NotificationsApplication:
    return memory_app


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def sender(app: NotificationsApplication, transport: ScriptedTransport) -> MailSender:
    return MailSender(app, transport, MAIL_FROM, clock=lambda: NOW)


@pytest.fixture
def queue(app: NotificationsApplication) -> Callable[[str], Email]:
    upstream = iter(range(1, 1000))

    def run(address: str, data_subject: str = SUBJECT) -> Email:
        email = Email.queue(
            email_id=uuid4(),
            tenant="itmhca",
            kind="application-submitted",
            data_subject=data_subject,
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
    transport.failures["first@example.org"] = [TransientDeliveryError("cannot reach mx"),
                                               TransientDeliveryError("421 busy")]
    position = app.position(POSITION_NAME)
    # when the sender runs
    for expected_reason in ("cannot reach mx", "421 busy"):
        with pytest.raises(TransientDeliveryError):
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
    transport.failures["nobody@example.org"] = [PermanentDeliveryError("recipient refused: 550 no such user")]
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
    # when the restarted process's sender runs (it knows nothing of the first attempt)
    MailSender(app, transport, MAIL_FROM, clock=lambda: NOW).run_once()
    # then the message went out twice, byte for byte the same (same Message-ID), and is recorded once
    (first, _), (second, _) = transport.accepted
    assert first == second
    assert f"Message-ID: <{email.id}@endorsement.example>".encode() in first
    sent_events = [e for e in app.events.get(email.id) if isinstance(e, Email.Sent)]  # type: ignore[attr-defined]
    assert len(sent_events) == 1


def test_a_database_outage_after_the_server_accepted_does_not_send_the_email_again(
    app: NotificationsApplication,
    sender: MailSender,
    transport: ScriptedTransport,
    queue: Callable[[str], Email],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the database fails right after the server accepted the message, and the process lives on
    email = queue("zoe@example.org")

    def database_gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(app, "record_sent", database_gone)
        with pytest.raises(OperationalError):
            sender.run_once()
        with pytest.raises(OperationalError):  # still away: the retry only tries to record
            sender.run_once()
    # when the database is back and the sender retries
    sender.run_once()
    # then the message went out once, and is recorded as sent with the time the server accepted it
    assert transport.recipients() == ["zoe@example.org"]
    recorded = app.get_email(email.id)
    assert recorded.status is EmailStatus.SENT and recorded.sent_at == NOW
    assert app.position(POSITION_NAME) > 0


def test_an_email_that_cannot_be_composed_fails_instead_of_blocking_the_queue(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    broken = queue("zoe@[bad")
    queue("next@example.org")
    sender.run_once()
    assert app.get_email(broken.id).status is EmailStatus.FAILED
    assert transport.recipients() == ["next@example.org"]


def test_an_erased_recipients_queued_email_fails_and_is_never_sent(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[..., Email]
) -> None:
    # given two queued emails, the first to a person erased before the sender reached it
    erased = queue("zoe@example.org", "account:00000000-0000-4000-8000-000000000001")
    queue("ann@example.org", "account:00000000-0000-4000-8000-000000000002")
    app.keys.destroy("account:00000000-0000-4000-8000-000000000001")
    # when the sender runs (and then meets both endings further on in the log)
    sender.run_once()
    sender.run_once()
    # then the erased person's email failed for good, unsent, and the next one went out
    assert transport.recipients() == ["ann@example.org"]
    failed = app.get_email(erased.id)
    assert (failed.status, failed.failure) == (EmailStatus.FAILED, RECIPIENT_ERASED)
    assert failed.erased and failed.recipient is None and failed.text_body is None
    assert (sender.sent, sender.failed) == (1, 1)


def test_what_a_sent_email_said_no_longer_opens_and_its_recipient_still_does(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    # given a queued email: what it says is sealed under its own subject, readable while it may be (re)sent
    email = queue("zoe@example.org")
    assert app.get_email(email.id).subject == "Received"
    # when the sender sends it, then meets its `Sent` further on in the log
    sender.run_once()
    assert app.get_email(email.id).subject == "Received"  # recorded sent; its key goes when the ending is read
    sender.run_once()
    # then the email's own key is destroyed: subject line and bodies open nowhere; its recipient still opens
    sent = app.get_email(email.id)
    assert (sent.status, sent.subject, sent.text_body, sent.html_body) == (EmailStatus.SENT, None, None, None)
    assert sent.wording_gone and sent.to == Recipient("zoe@example.org", "Zoë")
    assert app.keys.is_erased(f"email:{email.id}") and not app.keys.is_erased(SUBJECT)
    assert app.position(POSITION_NAME) == app.recorder.max_notification_id()
    assert len(transport.accepted) == 1


def test_a_crash_after_recording_sent_destroys_the_key_on_restart_and_never_resends(
    app: NotificationsApplication,
    sender: MailSender,
    transport: ScriptedTransport,
    queue: Callable[[str], Email],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the process dies after the email was recorded sent, before its key was destroyed
    email = queue("zoe@example.org")
    sender.run_once()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(app, "forget_wording", crash)
        with pytest.raises(RuntimeError):
            sender.run_once()
    assert app.get_email(email.id).subject == "Received"
    # when the restarted process's sender runs
    MailSender(app, transport, MAIL_FROM, clock=lambda: NOW).run_once()
    # then the key is destroyed and the email was sent only once
    assert app.get_email(email.id).wording_gone and app.keys.is_erased(f"email:{email.id}")
    assert len(transport.accepted) == 1


def test_a_refused_email_forgets_what_it_said_and_a_delayed_one_keeps_it_until_sent(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    refused, delayed = queue("nobody@example.org"), queue("later@example.org")
    transport.failures["nobody@example.org"] = [PermanentDeliveryError("550 unknown")]
    transport.failures["later@example.org"] = [TransientDeliveryError("451 try later")]
    with pytest.raises(TransientDeliveryError):
        sender.run_once()
    assert app.get_email(delayed.id).subject == "Received"  # a delay is no ending: the retry needs the wording
    sender.run_once()
    sender.run_once()
    assert app.get_email(refused.id).wording_gone and app.get_email(delayed.id).wording_gone
    assert transport.recipients() == ["later@example.org"]


def test_a_refusal_is_recorded_without_the_recipients_address(
    app: NotificationsApplication, sender: MailSender, transport: ScriptedTransport, queue: Callable[[str], Email]
) -> None:
    # given servers that quote the address in their replies
    delayed, refused = queue("Zoe.Q@example.org"), queue("nobody@example.org")
    transport.failures["Zoe.Q@example.org"] = [TransientDeliveryError("451 <zoe.q@example.org>: try later")]
    transport.failures["nobody@example.org"] = [
        PermanentDeliveryError("recipient refused: 550 <nobody@example.org> unknown")]
    with pytest.raises(TransientDeliveryError, match="<<recipient>>: try later"):
        sender.run_once()
    sender.run_once()
    # then the stored reasons (what support staff and the event store keep) name no address
    assert app.get_email(delayed.id).status is EmailStatus.SENT
    assert app.get_email(refused.id).failure == "recipient refused: 550 <<recipient>> unknown"
    noted = [e for e in app.events.get(delayed.id) if isinstance(e, Email.Failed)]  # type: ignore[attr-defined]
    assert [e.reason for e in noted] == ["451 <<recipient>>: try later"]
