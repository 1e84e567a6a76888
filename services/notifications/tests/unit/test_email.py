"""Given/when/then on the Email aggregate."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from notifications.domain import (
    Cause,
    Email,
    EmailAlreadyFinal,
    EmailContent,
    EmailStatus,
    InvalidEmail,
    Recipient,
)

SENT_AT = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def queued(**overrides: object) -> Email:
    fields: dict[str, object] = {
        "email_id": uuid4(),
        "tenant": "itmhca",
        "kind": "application-submitted",
        "recipient": Recipient(address="zoe@example.org", name="Zoë Ñúñez"),
        "data_subject": "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b",
        "sender_name": "ITMHCA",
        "reply_to": "azendorsement@gmail.com",
        "content": EmailContent(subject="Received", text_body="Dear Zoë", html_body="<p>Dear Zoë</p>"),
        "cause": Cause(event_id="ce-1", event_type="ApplicationSubmitted.v1"),
    }
    fields.update(overrides)
    return Email.queue(**fields)  # type: ignore[arg-type]


def replayed(email: Email) -> Email:
    """The email rebuilt from its events alone, as the repository would."""
    copy: Email | None = None
    for domain_event in email.collect_events():
        copy = domain_event.mutate(copy)  # type: ignore[attr-defined]
    assert copy is not None
    return copy


def test_queueing_records_everything_needed_to_send_it() -> None:
    # given a rendered email for an applicant
    # when it is queued
    email = queued()
    # then one Queued event holds recipient, content and cause, and the email waits to be sent
    events = email.collect_events()
    assert [type(e) for e in events] == [Email.Queued]
    queued_event = events[0]
    assert isinstance(queued_event, Email.Queued)
    addressee = queued_event.addressee  # who it goes to, sealed under the recipient's subject
    assert (addressee.address, addressee.name) == ("zoe@example.org", "Zoë Ñúñez")
    assert addressee.data_subject == "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"
    wording = queued_event.wording  # what it says, sealed under the email's own subject
    assert (wording.subject, wording.text_body) == ("Received", "Dear Zoë")
    assert wording.data_subject == f"email:{email.id}"
    assert queued_event.cause_id == "ce-1"
    assert queued_event.cause_type == "ApplicationSubmitted.v1"
    assert email.status is EmailStatus.QUEUED
    assert email.failure is None


def test_the_id_is_derived_from_kind_subject_and_occurrence() -> None:
    application_id = uuid4()
    first = Email.id_for("application-submitted", application_id, 1)
    assert first == Email.id_for("application-submitted", application_id, 1)
    assert first != Email.id_for("application-submitted", application_id, 2)
    assert first != Email.id_for("endorsement-granted", application_id, 1)


def test_sent_email_records_when_and_its_message_id() -> None:
    # given a queued email
    email = queued()
    # when the mail server accepted it
    email.mark_sent(SENT_AT, "<id@endorsement.example>")
    # then it is sent, also when rebuilt from its events
    for state in (email, replayed(email)):
        assert state.status is EmailStatus.SENT
        assert state.sent_at == SENT_AT
        assert state.message_id == "<id@endorsement.example>"


def test_a_sent_email_cannot_be_sent_or_failed_again() -> None:
    email = queued()
    email.mark_sent(SENT_AT, "<id@x>")
    with pytest.raises(EmailAlreadyFinal):
        email.mark_sent(SENT_AT, "<id@x>")
    with pytest.raises(EmailAlreadyFinal):
        email.mark_failed("550 no such user", permanent=True)


def test_a_permanent_failure_is_final() -> None:
    # given a queued email
    email = queued()
    # when the recipient is refused for good
    email.mark_failed("recipient refused: 550 no such user", permanent=True)
    # then it is failed with the reason, and can no longer be sent
    assert email.status is EmailStatus.FAILED
    assert email.failure == "recipient refused: 550 no such user"
    assert replayed(email).status is EmailStatus.FAILED
    with pytest.raises(EmailAlreadyFinal):
        email.mark_sent(SENT_AT, "<id@x>")


def test_a_transient_failure_leaves_the_email_queued_and_is_noted_once_per_reason() -> None:
    # given a queued email
    email = queued()
    email.collect_events()
    # when the server is unreachable three times, then answers 421 once
    for _ in range(3):
        email.mark_failed("cannot reach smtp:25", permanent=False)
    email.mark_failed("421 try later", permanent=False)
    # then it is still queued, with two notes and the latest reason
    assert email.status is EmailStatus.QUEUED
    assert [e.reason for e in email.collect_events()] == ["cannot reach smtp:25", "421 try later"]  # type: ignore[attr-defined]
    assert email.failure == "421 try later"
    # and a later success clears the failure
    email.mark_sent(SENT_AT, "<id@x>")
    assert email.failure is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"content": EmailContent(subject="Hi\r\nBcc: victim@example.org", text_body="x", html_body="")},
        {"recipient": Recipient(address="zoe@example.org\nBcc: x@y.z", name="Zoë")},
        {"recipient": Recipient(address="zoe@example.org", name="Zoë\r\nX-Evil: 1")},
        {"recipient": Recipient(address="not-an-address", name="Zoë")},
        {"content": EmailContent(subject=" ", text_body="x", html_body="")},
        {"content": EmailContent(subject="Hi", text_body="", html_body="<p>x</p>")},
    ],
)
def test_an_email_that_cannot_be_sent_as_written_is_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidEmail):
        queued(**overrides)
