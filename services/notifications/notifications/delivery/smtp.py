"""SMTP transport: hands one message to the configured server and says whether a failure is worth retrying.

Permanent: the server refused this recipient or this message with a 5xx reply. Everything else
(connection refused or dropped, timeouts, 4xx replies, a refused sender or failed login, which are our
own configuration and would fail every message) is transient: retry the same message later.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

TRUTHY = {"1", "true", "yes", "on"}


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientDeliveryError(DeliveryError):
    """Try the same message again later."""


class PermanentDeliveryError(DeliveryError):
    """This message will never be accepted for this recipient; give up on it."""


class Transport(Protocol):
    def send(self, message: EmailMessage, sender: str, recipient: str) -> None: ...


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 10.0) -> SmtpServer:
        """`smtp://host:port`, `smtp://user:pass@host:port?starttls=1` or `smtps://host:port`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an SMTP URL: {url!r}")
        query = parse_qs(parts.query)
        implicit_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", ["0"])[-1].lower() in TRUTHY,
            implicit_tls=implicit_tls,
            timeout=timeout,
        )


class SmtpTransport:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._tls: ssl.SSLContext | None = None

    def tls_context(self) -> ssl.SSLContext:
        """The TLS settings, made once: loading the system's CA certificates costs more CPU than sending."""
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Returns once the server accepted the message; raises Transient/PermanentDeliveryError otherwise."""
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            reason = f"cannot reach {self.server.host}:{self.server.port}: {_describe(exc)}"
            raise TransientDeliveryError(reason) from exc
        try:
            self._submit(smtp, message, sender, recipient)
        finally:
            _close(smtp)

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        smtp: smtplib.SMTP
        if server.implicit_tls:
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=self.tls_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        try:
            if server.starttls:
                smtp.starttls(context=self.tls_context())
            if server.username:
                smtp.login(server.username, server.password or "")
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def _submit(self, smtp: smtplib.SMTP, message: EmailMessage, sender: str, recipient: str) -> None:
        try:
            smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (0, b""))
            raise _by_code(code, f"recipient refused: {code} {_text(text)}") from exc
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            if not recipient.isascii():
                raise PermanentDeliveryError(f"the server cannot deliver to a non-ASCII address: {exc}") from exc
            raise TransientDeliveryError(f"the server does not support what we need: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"sending failed: {_describe(exc)}") from exc


def _by_code(code: int, reason: str) -> DeliveryError:
    return PermanentDeliveryError(reason) if 500 <= code < 600 else TransientDeliveryError(reason)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"
