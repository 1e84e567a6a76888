"""The MIME message: encoded headers, decodable UTF-8 bodies, identical bytes on every attempt."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from uuid import UUID

import pytest
from notifications.delivery import SmtpServer, compose, message_id_for
from notifications.domain import Cause, Email, EmailContent, Recipient

EMAIL_ID = UUID("6f1c1a56-8c1e-4a53-9c85-2d8d3f0f5b11")
MAIL_FROM = "no-reply@endorsement.example"
SUBJECT = "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"


def email(address: str = "zoe@example.org") -> Email:
    return Email.queue(
        email_id=EMAIL_ID,
        tenant="itmhca",
        kind="application-submitted",
        data_subject=SUBJECT,
        recipient=Recipient(address=address, name="Zoë Ñúñez, PhD"),
        sender_name="Coalición de Arizona",
        reply_to="azendorsement@gmail.com",
        content=EmailContent(
            subject="Grüße, Zoë ✓", text_body="Liebe Zoë,\nalles gut.\n", html_body="<p>Liebe Zoë</p>"
        ),
        cause=Cause(event_id="ce-1", event_type="ApplicationSubmitted.v1"),
    )


def parsed(message: EmailMessage) -> EmailMessage:
    received = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(received, EmailMessage)
    return received


def test_headers_are_ascii_on_the_wire_and_decode_to_the_original_text() -> None:
    message = compose(email(), MAIL_FROM)
    wire = message.as_bytes()
    head = wire.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    received = parsed(message)
    assert received["Subject"] == "Grüße, Zoë ✓"
    assert received["To"].addresses[0].display_name == "Zoë Ñúñez, PhD"
    assert received["To"].addresses[0].addr_spec == "zoe@example.org"
    assert received["From"].addresses[0].display_name == "Coalición de Arizona"
    assert received["From"].addresses[0].addr_spec == MAIL_FROM
    assert received["Reply-To"] == "azendorsement@gmail.com"
    assert received["Auto-Submitted"] == "auto-generated"


def test_both_bodies_are_utf8_and_survive_the_round_trip() -> None:
    received = parsed(compose(email(), MAIL_FROM))
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(("plain",))
    rich = received.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content().replace("\r\n", "\n") == "Liebe Zoë,\nalles gut.\n"
    assert "<p>Liebe Zoë</p>" in rich.get_content()
    assert plain.get_content_charset() == "utf-8"


def test_every_attempt_is_the_same_message() -> None:
    queued = email()  # one email, composed per attempt (two emails queued a second apart differ in Date)
    first = compose(queued, MAIL_FROM).as_bytes()
    assert compose(queued, MAIL_FROM).as_bytes() == first
    assert parsed(compose(email(), MAIL_FROM))["Message-ID"] == f"<{EMAIL_ID}@endorsement.example>"
    assert message_id_for(EMAIL_ID, MAIL_FROM) == f"<{EMAIL_ID}@endorsement.example>"


def test_a_non_ascii_domain_is_sent_in_its_ascii_form() -> None:
    received = parsed(compose(email("zoe@exämple.org"), MAIL_FROM))
    assert received["To"].addresses[0].addr_spec == "zoe@xn--exmple-cua.org"


def test_a_non_ascii_mailbox_is_kept_for_smtputf8_servers() -> None:
    message = compose(email("zoë@example.org"), MAIL_FROM)
    wire = message.as_bytes(policy=message.policy.clone(utf8=True))
    assert 'To: "Zoë Ñúñez, PhD" <zoë@example.org>'.encode() in wire


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:2525", SmtpServer(host="127.0.0.1", port=2525)),
        ("smtp://mail.example.org", SmtpServer(host="mail.example.org", port=25)),
        (
            "smtp://us%40er:p%3Ass@mx:587?starttls=1",
            SmtpServer(host="mx", port=587, username="us@er", password="p:ss", starttls=True),
        ),
        ("smtps://mx", SmtpServer(host="mx", port=465, implicit_tls=True)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mx:25", "smtp://", "mx:25"])
def test_not_an_smtp_url(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        SmtpServer.from_url(url)
