"""Stops supervised process groups when the supervising process dies, however it dies.

The supervisor starts `python -m devstack.watchdog` in its own session and keeps the
write end of its stdin. It announces each child's process group (`watch PGID SIGNAL
TIMEOUT`) and withdraws it once stopped (`forget PGID`). When stdin reaches EOF (the
supervisor closed it, or its process exited, was SIGKILLed, crashed), every group still
watched gets its stop signal, then SIGKILL after its timeout. This covers grandchildren
too, which PR_SET_PDEATHSIG would not.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from typing import IO

from devstack.process_groups import group_alive, kill_group, signal_group

_POLL_SECONDS = 0.05


class WatchdogClient:
    """The supervisor's end: starts the watchdog lazily and tells it about groups."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def watch(self, pgid: int, stop_signal: int, stop_timeout: float) -> None:
        self._send(f"watch {pgid} {int(stop_signal)} {stop_timeout}\n", start=True)

    def forget(self, pgid: int) -> None:
        self._send(f"forget {pgid}\n", start=False)

    def close(self) -> None:
        """EOF to the watchdog: it stops whatever is still watched, then exits."""
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _send(self, line: str, *, start: bool) -> None:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                if not start:
                    return
                self._process = _start_watchdog()
            stdin = self._process.stdin
            if stdin is None:
                return
            with contextlib.suppress(OSError):
                stdin.write(line.encode())
                stdin.flush()


def _start_watchdog() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "devstack.watchdog"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # the terminal's Ctrl-C must not take the watchdog down
    )


def watch_until_eof(commands: IO[str]) -> dict[int, tuple[int, float]]:
    """Read commands until EOF; return the groups still watched: pgid -> (signal, timeout)."""
    watched: dict[int, tuple[int, float]] = {}
    for line in commands:
        match line.split():
            case ["watch", pgid, signum, timeout]:
                watched[int(pgid)] = (int(signum), float(timeout))
            case ["forget", pgid]:
                watched.pop(int(pgid), None)
            case _:
                print(f"devstack.watchdog: ignoring {line!r}", file=sys.stderr)
    return watched


def stop_groups(watched: dict[int, tuple[int, float]]) -> None:
    """Send each group its stop signal; SIGKILL those still alive after their timeout."""
    deadlines = {}
    for pgid, (signum, timeout) in watched.items():
        signal_group(pgid, signum)
        deadlines[pgid] = time.monotonic() + timeout
    while deadlines:
        for pgid, deadline in list(deadlines.items()):
            if not group_alive(pgid):
                del deadlines[pgid]
            elif time.monotonic() >= deadline:
                kill_group(pgid)
                del deadlines[pgid]
        time.sleep(_POLL_SECONDS)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_groups(watch_until_eof(sys.stdin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
