"""The mail sender: follows this service's own notification log like an outbox and sends each queued email.

Why "exactly once" over SMTP is really "at least once, with a stable Message-ID":
SMTP offers no idempotency key and cannot join our database transaction. The sender records an email
as sent together with its log position (one `save_tracked`, one transaction) only after the server
replied 250 to the message. Recording first and sending second would instead lose the email when the
process dies in between, and a lost "you must act" email is worse than a duplicate.

When recording fails while the process lives on (the database died or refused us right after the 250:
the duplicate seen when PostgreSQL was killed under load), the sender remembers that the server accepted
the message and, once the database answers again, records it without sending it again.

What remains, and cannot be closed over SMTP:
- the process dies between the server's 250 and the commit: on restart the same email is sent again;
- SMTP's own window (RFC 1047): a connection lost after the final "." but before the reply makes us resend.
So every attempt of an email carries the same bytes, including a `Message-ID` derived from the email id
and a `Date` equal to when it was queued: a duplicate is the *same* message, which mail stores and
clients recognise and support staff can match.

Transient failures (server down, 4xx) are retried with backoff without moving past the email, so mail
goes out in order and nothing is skipped; a permanent refusal (5xx) marks the email failed and moves on.
Run one sender per database: two would both send every email (still the same Message-ID).

The sender is the one place that opens a queued email to send it. An email whose recipient was erased meanwhile
(its addressee no longer opens) fails for good as `recipient erased` and is never sent: the erasure itself fails the
queued emails it finds (`NotificationsApplication.erase`), this catches any queued in the same instant. Reasons and
log lines never carry the recipient's address (a server's refusal often quotes it): it is replaced by `<recipient>`.

What an email says (`Wording`) is sealed under the email's own key, needed only for a resend. The sender destroys
that key when it meets the email's ending (`Sent`, or a final `Failed`) further on in the log, i.e. only after the
ending committed, and moves past that entry afterwards:
- a crash between the 250 and the commit resends as above: the key is still there, the bytes are the same;
- a crash between the commit and the destruction: the sender meets the ending again and destroys again (idempotent);
- the email is already recorded as ended when its key goes, so the sender never meets a queued email it cannot
  send: no resend can happen after the destruction.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import Tracking
from servicekit.metrics import EMAIL_FAILURES

from ..application import SENDER_POSITION, LogEntry, NotificationsApplication
from ..domain import RECIPIENT_ERASED, WORDING_GONE, Email, EmailStatus
from .message import compose, envelope_address
from .smtp import PermanentDeliveryError, TransientDeliveryError, Transport

log = logging.getLogger(__name__)

POSITION_NAME = SENDER_POSITION


@dataclass(frozen=True)
class Accepted:
    """The mail server replied 250 to this message at `at`."""

    at: datetime
    message_id: str


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
        self._accepted: dict[UUID, Accepted] = {}
        """Emails the server accepted whose recording failed: recorded, never resent, once the database is back."""

    def run_once(self) -> int:
        """Handle the next batch of the log; returns how many entries it moved past.

        Raises TransientDeliveryError, leaving the position at the email that could not be sent yet.
        """
        entries = self.app.log_after(self.app.position(POSITION_NAME), self.batch_size)
        unrecorded: LogEntry | None = None
        for entry in entries:
            if entry.ended_email_id is not None:
                self.app.forget_wording(entry.ended_email_id)  # committed before: recorded as ended first
            if entry.queued_email_id is None:
                unrecorded = entry  # no email to send: covered by the next position recorded
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
            except TransientDeliveryError as exc:  # its reason is already without the address (_send)
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
            self._accepted.pop(email.id, None)  # its recording did commit after all
            self.app.skip_to(tracking)
            return
        if email.erased or email.wording_gone:
            self._accepted.pop(email.id, None)
            self._give_up(email, tracking, RECIPIENT_ERASED if email.erased else WORDING_GONE)
            return
        accepted = self._accepted.get(email.id)
        if accepted is None:
            accepted = self._send(email, tracking)
            if accepted is None:
                return
            self._accepted[email.id] = accepted
        else:
            log.warning("email %s was accepted by the mail server before its recording failed; recording it "
                        "now, not sending it again", email.id)
        self.app.record_sent(email, tracking, at=accepted.at, message_id=accepted.message_id)
        del self._accepted[email.id]
        self.sent += 1

    def _send(self, email: Email, tracking: Tracking) -> Accepted | None:
        """Hand the message to the server; what it accepted, or None when the email failed for good."""
        address = email.to.address
        try:
            message = compose(email, self.mail_from)
        except Exception as exc:  # noqa: BLE001 - composing is pure: no retry could ever succeed
            reason = f"cannot compose the message: {type(exc).__name__}: {exc}"
            self._give_up(email, tracking, without_address(reason, address))
            return None
        try:
            self.transport.send(message, self.mail_from, envelope_address(address))
        except PermanentDeliveryError as exc:
            EMAIL_FAILURES.labels("permanent").inc()
            self._give_up(email, tracking, without_address(exc.reason, address))
            return None
        except TransientDeliveryError as exc:
            EMAIL_FAILURES.labels("transient").inc()
            reason = without_address(exc.reason, address)
            self.app.note_delay(email.id, reason)
            raise TransientDeliveryError(reason) from exc
        return Accepted(at=self.clock(), message_id=str(message["Message-ID"]))

    def _give_up(self, email: Email, tracking: Tracking, reason: str) -> None:
        log.warning("email %s (%s) failed for good: %s", email.id, email.kind, reason)
        self.app.record_refused(email, tracking, reason)
        self.failed += 1


def without_address(reason: str, address: str) -> str:
    """A delivery failure's reason without the recipient's address (in any case, as the address or its IDNA form)."""
    for form in {address, envelope_address(address)}:
        reason = re.sub(re.escape(form), "<recipient>", reason, flags=re.IGNORECASE)
    return reason
