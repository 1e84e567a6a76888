"""A directory of received e-mails, one `.eml` file each, written atomically.

The SMTP sink writes here; tests read here. Standard library only.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import lru_cache
from pathlib import Path

MessagePredicate = Callable[[EmailMessage], bool]
_SUFFIX = ".eml"


def store_message(mail_dir: Path, raw: bytes) -> Path:
    """Write `raw` as `<mail_dir>/<time>-<id>.eml`: temp file, fsync, rename (never half-read)."""
    mail_dir.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex}{_SUFFIX}"
    tmp = mail_dir / f".{name}.tmp"
    with tmp.open("wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    final = mail_dir / name
    tmp.replace(final)
    return final


def message_paths(mail_dir: Path) -> list[Path]:
    """Stored messages, oldest first (names start with the receive time in ns)."""
    if not mail_dir.exists():
        return []
    return sorted(
        p for p in mail_dir.iterdir() if p.suffix == _SUFFIX and not p.name.startswith(".")
    )


@lru_cache(maxsize=32768)
def read_message(path: Path) -> EmailMessage:
    """Parse one stored message. Stored files never change (written whole, then renamed), so each is parsed
    once: waiting on a mailbox of thousands of messages stays cheap. The bound is well above the largest mailbox
    a run makes (`bench/chaos.py --applications 1000`: about 9,000): scans read in order, so a mailbox larger than
    the cache would evict every message before it is read again, and each scan would parse them all."""
    with path.open("rb") as source:
        message = BytesParser(policy=policy.default).parse(source)
    assert isinstance(message, EmailMessage)
    return message


@lru_cache(maxsize=32768)
def recipients_of(path: Path) -> str:
    """One stored message's `To` header, lower-cased, read once per file: reading a header of a parsed message
    parses it again, so a wait that looked at every message's `To` on each poll grew with the square of the mailbox
    (a bench client spent 61 % of its CPU there at 7,000 messages)."""
    return str(read_message(path).get("To", "")).lower()


def read_messages(mail_dir: Path, to: str | None = None) -> list[EmailMessage]:
    """Every message received so far, oldest first; with `to`, only those whose `To` contains it (any case)."""
    wanted = to.lower() if to is not None else None
    return [read_message(p) for p in message_paths(mail_dir) if wanted is None or wanted in recipients_of(p)]


def wait_for_messages(
    mail_dir: Path,
    predicate: MessagePredicate | None = None,
    count: int = 1,
    timeout: float = 10.0,
    *,
    to: str | None = None,
) -> list[EmailMessage]:
    """Wait until at least `count` messages match `predicate` (all match when None); return them. With `to`, only
    messages whose `To` contains it are looked at (found through a per-file index, so prefer it to a predicate).

    Raises TimeoutError listing the subjects present when the deadline passes.
    """
    deadline = time.monotonic() + timeout
    while True:
        messages = read_messages(mail_dir, to)
        matching = [m for m in messages if predicate is None or predicate(m)]
        if len(matching) >= count:
            return matching
        if time.monotonic() >= deadline:
            subjects = [str(m.get("Subject", "")) for m in messages]
            raise TimeoutError(
                f"{len(matching)}/{count} matching messages{f' to {to}' if to else ''} in {mail_dir} after "
                f"{timeout:.0f} s; "
                f"subjects present: {subjects}"
            )
        time.sleep(0.05)
