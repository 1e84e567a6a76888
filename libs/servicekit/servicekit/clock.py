"""Business time: the system clock, or, in development and tests only, a clock moved by an offset in a file.

Services take "now" for business decisions (renewal windows, lapse, reinstatement, credential validity) from a
`Clock` built by `business_clock(settings)`. In production that is `system_clock`. A test stack moves the business
time of every service at once by writing an offset in seconds to the file named by `CLOCK_OFFSET_FILE`
(`deploy/devstack`: `Stack.travel_to`); `ServiceSettings` refuses that setting unless `ENVIRONMENT` is
`development` or `test`, so production cannot move its clock by accident.

What stays on real time on purpose: identity tokens (the gateway signs them with its own clock, services verify
them with PyJWT's), gateway sessions, webhook signatures, Kafka and CloudEvents transport, and the event store's
own recording timestamps.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import ServiceSettings

Clock = Callable[[], datetime]
"""An aware datetime (UTC) each call: "now" for business decisions."""

MOVABLE_ENVIRONMENTS = frozenset({"development", "test"})
RECHECK_SECONDS = 0.2


class ClockConfigurationError(ValueError):
    """A movable clock was asked for where only the system clock is allowed, or its file is unreadable."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def check_clock_settings(environment: str, clock_offset_file: str | None) -> None:
    """Refuse a clock offset file outside development and tests (ENVIRONMENT defaults to production)."""
    if clock_offset_file and environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
        raise ClockConfigurationError(
            f"CLOCK_OFFSET_FILE is set but ENVIRONMENT is {environment!r}: a movable clock is for development and "
            f"tests only; unset CLOCK_OFFSET_FILE, or set ENVIRONMENT to one of {sorted(MOVABLE_ENVIRONMENTS)}"
        )


def business_clock(settings: ServiceSettings) -> Clock:
    """The clock the settings ask for: the system clock unless a (checked) clock offset file is named."""
    check_clock_settings(settings.environment, settings.clock_offset_file)
    if not settings.clock_offset_file:
        return system_clock
    return OffsetClock(Path(settings.clock_offset_file))


class OffsetClock:
    """The system clock plus the offset in seconds written in `path` (a decimal number; no file: no offset).

    Every call looks at the file's metadata (one `stat`, about a microsecond) and reads its content again when
    that changed, and at least every `recheck_seconds` (a file replaced within the file system's timestamp
    granularity may reuse an inode): an offset written with `write_clock_offset` (temp file + rename) holds for
    every call that starts after the rename. Thread-safe; shared by request handlers and background loops.
    """

    def __init__(
        self,
        path: Path,
        *,
        recheck_seconds: float = RECHECK_SECONDS,
        real: Clock = system_clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.recheck_seconds = recheck_seconds
        self._real = real
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._signature: tuple[int, int, int] | None = None
        self._read_at: float | None = None
        self._offset = timedelta(0)

    def __call__(self) -> datetime:
        return self._real() + self.offset()

    def offset(self) -> timedelta:
        with self._lock:
            signature = self._stat()
            checked = self._monotonic()
            stale = self._read_at is None or checked - self._read_at >= self.recheck_seconds
            if stale or signature != self._signature:
                self._offset = self._read() if signature is not None else timedelta(0)
                self._signature, self._read_at = signature, checked
            return self._offset

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _read(self) -> timedelta:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return timedelta(0)
        except (OSError, UnicodeDecodeError) as error:
            raise ClockConfigurationError(f"cannot read the clock offset file {self.path}: {error}") from error
        if not text:
            return timedelta(0)
        try:
            return timedelta(seconds=float(text))
        except (ValueError, OverflowError) as error:
            raise ClockConfigurationError(
                f"the clock offset file {self.path} must hold a number of seconds, not {text[:40]!r}"
            ) from error


def write_clock_offset(path: Path, seconds: float) -> None:
    """Write the offset atomically (a temporary file in the same directory, then a rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(f"{seconds!r}\n", encoding="ascii")
    os.replace(temporary, path)
