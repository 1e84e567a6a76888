"""Injected faults for the fault tests: development and test only, wired by the runtime from settings.

The relay exposes a seam (`OutboxRelay.after_publish`), called after the broker acknowledged a batch and before the
relay records its position: the one instant where a crash must republish the batch with the same `ce_id`s. The
relay itself reads no environment; the runtime installs `exit_like_a_crash` there when FAULT_CRASH_AFTER_PUBLISH
names the relay, and only outside production.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from .outbox import OutboxRelay

log = logging.getLogger(__name__)

FAULT_ENVIRONMENTS = ("development", "test")


class FaultRefused(RuntimeError):
    """A fault was asked for where faults are never injected (production)."""


def exit_like_a_crash(relay: OutboxRelay) -> None:
    log.critical("fault injection: relay %s exits after publishing, before recording its position", relay.name)
    os._exit(137)


def install_relay_faults(relays: Sequence[OutboxRelay], crash_after_publish: str | None, environment: str) -> None:
    """Make the relay named `crash_after_publish` (if any) exit the process right after its next publication."""
    if not crash_after_publish:
        return
    if environment not in FAULT_ENVIRONMENTS:
        raise FaultRefused(f"FAULT_CRASH_AFTER_PUBLISH is refused with ENVIRONMENT {environment!r}")
    for relay in relays:
        if relay.name == crash_after_publish:
            relay.after_publish = exit_like_a_crash
