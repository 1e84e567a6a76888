"""A local SMTP server that stores every message as an .eml file; run it as its own process.

    python -m devstack.smtp_sink --dir .data/mail --port 2525

Each stored message starts with `X-Envelope-From` / `X-Envelope-To` headers (the SMTP
envelope, so Bcc recipients are visible), followed by the message exactly as received.
Read them back with `read_messages` / `wait_for_messages` (re-exported from
devstack.mailbox). If SMTP_URL is set, `provide_smtp` starts nothing and uses it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from devstack.mailbox import read_messages, store_message, wait_for_messages
from devstack.ports import LOCALHOST, PortRegistry
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import tcp_port_open

__all__ = [
    "MailDirHandler",
    "SmtpTarget",
    "main",
    "parse_smtp_url",
    "provide_smtp",
    "read_messages",
    "serve",
    "start_smtp_sink",
    "wait_for_messages",
]

DEFAULT_SMTP_PORT = 25
_MAX_MESSAGE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class SmtpTarget:
    """Where services send mail; `mail_dir` is None when the server is not ours."""

    host: str
    port: int
    mail_dir: Path | None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


class MailDirHandler:
    """aiosmtpd handler: accept everything, store it in `mail_dir`."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        trace = (
            f"X-Envelope-From: {envelope.mail_from or ''}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        store_message(self.mail_dir, trace + content)
        return "250 Message accepted for delivery"


def serve(mail_dir: Path, port: int, host: str = LOCALHOST) -> None:
    """Run the sink until SIGTERM or SIGINT."""
    mail_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    controller = Controller(
        MailDirHandler(mail_dir),
        hostname=host,
        port=port,
        data_size_limit=_MAX_MESSAGE_BYTES,
        enable_SMTPUTF8=True,
    )
    controller.start()
    print(f"smtp sink on {host}:{port}, storing into {mail_dir}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.smtp_sink",
        description="Local SMTP sink: stores every received message as an .eml file.",
    )
    parser.add_argument("--dir", type=Path, required=True, help="mail directory (.eml files)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default=LOCALHOST)
    args = parser.parse_args(argv)
    serve(args.dir, args.port, args.host)
    return 0


def parse_smtp_url(url: str) -> tuple[str, int]:
    """`smtp://host:port` -> (host, port); the port defaults to 25."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"SMTP_URL must look like smtp://host:port, got {url!r}")
    return parts.hostname, parts.port or DEFAULT_SMTP_PORT


def provide_smtp(data_dir: Path, supervisor: Supervisor, ports: PortRegistry) -> SmtpTarget:
    """$SMTP_URL if set (nothing started), else a sink storing into `<data_dir>/mail`."""
    configured = os.environ.get("SMTP_URL")
    if configured:
        host, port = parse_smtp_url(configured)
        return SmtpTarget(host=host, port=port, mail_dir=None)
    mail_dir = (data_dir / "mail").resolve()
    port = ports.port("smtp")
    start_smtp_sink(supervisor, mail_dir, port)
    return SmtpTarget(host=LOCALHOST, port=port, mail_dir=mail_dir)


def start_smtp_sink(supervisor: Supervisor, mail_dir: Path, port: int, name: str = "smtp") -> None:
    supervisor.start(
        ChildSpec(
            name=name,
            argv=[
                sys.executable,
                "-m",
                "devstack.smtp_sink",
                "--dir",
                str(mail_dir),
                "--port",
                str(port),
            ],
            ready=tcp_port_open(LOCALHOST, port),
            ready_timeout=20.0,
            stop_timeout=5.0,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
