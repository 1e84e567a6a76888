"""Signalling and probing whole process groups (a supervised child and its descendants)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

_PROC = Path("/proc")


def signal_group(pgid: int, signum: int) -> None:
    """Send `signum` to every process in group `pgid` (no error if the group is gone)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def group_alive(pgid: int) -> bool:
    """True while a process of group `pgid` runs. Zombies do not count: where PID 1 does
    not reap orphans (some containers), they would otherwise look alive forever."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    if not sys.platform.startswith("linux"):
        return True
    return any(True for _ in live_group_members(pgid))


def live_group_members(pgid: int) -> list[int]:
    """Pids of the non-zombie processes in group `pgid` (Linux, from /proc)."""
    members = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        state, process_group = fields[0], int(fields[2])
        if process_group == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def wait_for_group_exit(pgid: int, timeout: float, poll: float = 0.05) -> bool:
    """Wait up to `timeout` seconds for group `pgid` to vanish; True if it did."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


def kill_group(pgid: int) -> None:
    signal_group(pgid, signal.SIGKILL)
