"""The email duplicate seen when PostgreSQL was killed under load: the mail server accepted a message, then
recording it failed. With the process alive, the email must be recorded once the database is back, not resent.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
from endorsement_contracts import Envelope
from eventsourcing.persistence import Tracking
from notifications.application import NotificationsApplication
from notifications.bootstrap import open_app
from notifications.config import NotificationsSettings, Tenant
from notifications.delivery import MailSender, SmtpServer, SmtpTransport
from notifications.domain import Email, EmailStatus
from notifications.entrypoints.consumer import handlers
from notifications.notices import Notifier
from notifications.templates import Links
from servicekit.unseal import sealed_tokens, unsealed

OUTAGE_SECONDS = 1.5


def set_allow_connections(database_url: str, allowed: bool) -> None:
    name = database_url.rpartition("/")[2]
    with psycopg.connect(database_url.rpartition("/")[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')  # type: ignore[arg-type]
        if not allowed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def status_of(app: NotificationsApplication, email: Email) -> EmailStatus | None:
    try:
        return app.get_email(email.id).status
    except Exception:  # the database is away for a moment
        return None


async def test_the_database_failing_after_the_server_accepted_does_not_resend_the_email(
    make_settings: Any, itmhca: Tenant, mailbox: Any, submitted: Any, producers: Any, wait: Any,
) -> None:
    settings: NotificationsSettings = make_settings(smtp_url=mailbox.url)
    app = open_app(settings, wait_seconds=1.0)
    record = producers.sealed(submitted(), "ce-1")  # as read on the sealed topic
    envelope = Envelope(id="ce-1", source="/applications", type=record.type_name(), time=datetime.now(UTC),
                        event=record)
    notifier = Notifier(app, {itmhca.slug: itmhca}, Links(settings.public_base_url),
                        rater_index_key=settings.rater_index_key_bytes())
    with unsealed({token: producers.keys.open(token) for token in sealed_tokens(record)}):
        effects = handlers(notifier)[type(record)](envelope)
    app.save_tracked(Tracking("notifications/topic/0", 1), *effects)
    [email] = [effect for effect in effects if isinstance(effect, Email)]

    record_sent = app.record_sent
    outages = []

    def database_dies_first(*args: Any, **kwargs: Any) -> None:
        if not outages:  # the server has just replied 250; now PostgreSQL goes away for a moment
            outages.append(1)
            set_allow_connections(settings.database_url, False)
            threading.Timer(OUTAGE_SECONDS, set_allow_connections, (settings.database_url, True)).start()
        record_sent(*args, **kwargs)

    app.record_sent = database_dies_first  # type: ignore[method-assign]
    sender = MailSender(app, SmtpTransport(SmtpServer.from_url(settings.smtp_url)), settings.mail_from)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run_forever, args=(stop, 0.05, 0.5), daemon=True)
    thread.start()
    try:
        await wait(lambda: status_of(app, email) is EmailStatus.SENT, 30)
    finally:
        stop.set()
        thread.join(10)
        set_allow_connections(settings.database_url, True)
        app.close()
    assert outages == [1]
    assert len(mailbox.received) == 1, "accepted once, recorded after the outage, never resent"
    assert mailbox.received[0].message["Message-ID"] == f"<{email.id}@endorsement.example>"
