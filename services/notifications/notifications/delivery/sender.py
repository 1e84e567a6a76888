"""The mail sender: follows this service's own notification log like an outbox and sends each queued email.

Why "exactly once" over SMTP is really "at least once, with a stable Message-ID":
SMTP offers no idempotency key and cannot join our database transaction. The sender records an email
as sent together with its log position (one `save_tracked`, one transaction) only after the server
replied 250 to the message. If the process dies between that reply and the commit, the position was
not recorded, so on restart the same email is sent again. Recording first and sending second would
instead lose the email when the process dies in between, and a lost "you must act" email is worse than
a duplicate. SMTP itself has the same window (RFC 1047: a connection lost after the final "." but
before the reply makes the client resend). So every attempt of an email carries the same bytes,
including a `Message-ID` derived from the email id and a `Date` equal to when it was queued:
a duplicate is the *same* message, which mail stores and clients recognise and support staff can match.

Transient failures (server down, 4xx) are retried with backoff without moving past the email, so mail
goes out in order and nothing is skipped; a permanent refusal (5xx) marks the email failed and moves on.
Run one sender per database: two would both send every email (still the same Message-ID).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from eventsourcing.persistence import Tracking

from ..application import LogEntry, NotificationsApplication
from ..domain import Email, EmailStatus
from .message import compose, envelope_address
from .smtp import PermanentFailure, TransientFailure, Transport

log = logging.getLogger(__name__)

POSITION_NAME = "mail-sender"


def utc_now() -> datetime:
    return datetime.now(UTC)


class MailSender:
    def __init__(
        self,
        app: NotificationsApplication,
        transport: Transport,
        mail_from: str,
        *,
        batch_size: int = 50,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.app = app
        self.transport = transport
        self.mail_from = mail_from
        self.batch_size = batch_size
        self.clock = clock
        self.sent = 0
        self.failed = 0

    def run_once(self) -> int:
        """Handle the next batch of the log; returns how many entries it moved past.

        Raises TransientFailure, leaving the position at the email that could not be sent yet.
        """
        entries = self.app.log_after(self.app.position(POSITION_NAME), self.batch_size)
        unrecorded: LogEntry | None = None
        for entry in entries:
            if entry.queued_email_id is None:
                unrecorded = entry  # no email: covered by the next position recorded
                continue
            self._deliver(entry)
            unrecorded = None
        if unrecorded is not None:
            self.app.skip_to(Tracking(POSITION_NAME, unrecorded.position))
        return len(entries)

    def run_forever(self, stop: threading.Event, poll_seconds: float, retry_max_seconds: float) -> None:
        """Send until `stop` is set; failures wait with exponential backoff, then retry the same email."""
        first_wait = min(0.5, retry_max_seconds)
        wait = first_wait
        while not stop.is_set():
            try:
                moved = self.run_once()
            except TransientFailure as exc:
                log.warning("mail sender: %s; retrying in %.1fs", exc.reason, wait)
            except Exception:
                log.exception("mail sender failed; retrying in %.1fs", wait)
            else:
                wait = first_wait
                if moved == 0:
                    stop.wait(poll_seconds)
                continue
            stop.wait(wait)
            wait = min(wait * 2, retry_max_seconds)

    def _deliver(self, entry: LogEntry) -> None:
        assert entry.queued_email_id is not None
        tracking = Tracking(POSITION_NAME, entry.position)
        email = self.app.get_email(entry.queued_email_id)
        if email.status is not EmailStatus.QUEUED:
            self.app.skip_to(tracking)
            return
        try:
            message = compose(email, self.mail_from)
        except Exception as exc:  # noqa: BLE001 - composing is pure: no retry could ever succeed
            self._give_up(email, tracking, f"cannot compose the message: {type(exc).__name__}: {exc}")
            return
        try:
            self.transport.send(message, self.mail_from, envelope_address(email.recipient))
        except PermanentFailure as exc:
            self._give_up(email, tracking, exc.reason)
            return
        except TransientFailure as exc:
            self.app.note_delay(email.id, exc.reason)
            raise
        self.app.record_sent(email, tracking, at=self.clock(), message_id=str(message["Message-ID"]))
        self.sent += 1

    def _give_up(self, email: Email, tracking: Tracking, reason: str) -> None:
        log.warning("email %s to %s failed for good: %s", email.id, email.recipient, reason)
        self.app.record_refused(email, tracking, reason)
        self.failed += 1
