"""A small process supervisor for local engines (and, later, services).

Each child runs in its own session/process group, with stdout and stderr appended to
`<log_dir>/<name>.log`. Stopping sends the child's stop signal to the whole group, then
SIGKILL after a timeout. Children never see the terminal's Ctrl-C (own session): the
parent stops them from `stop_all()` (context manager exit, `finally`, or atexit). If the
parent dies without doing so (SIGKILL, crash), a watchdog process (devstack.watchdog)
notices the closed pipe and stops every group still running: no orphans either way.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from devstack.process_groups import group_alive, kill_group, signal_group, wait_for_group_exit
from devstack.readiness import NotReadyError, ReadinessCheck, wait_until_ready
from devstack.watchdog import WatchdogClient

_LOG_TAIL_BYTES = 3000


@dataclass(frozen=True)
class ChildSpec:
    """How to run one child process and how to tell it is ready."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    """Added to (and overriding) the parent's environment."""
    unset_env: Sequence[str] = ()
    """Variables removed from the inherited environment."""
    cwd: Path | None = None
    ready: ReadinessCheck | None = None
    ready_timeout: float = 30.0
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 10.0
    run_as_user: str | None = None
    """Only applied when the supervisor runs as root (e.g. PostgreSQL refuses root)."""
    after_exit: Callable[[], None] | None = None
    """Run after the supervisor stopped or killed the child (e.g. remove stale sockets)."""


@dataclass
class Child:
    """A started child process."""

    spec: ChildSpec
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float
    ready_seconds: float | None = None
    stopped_on_purpose: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll()


class Supervisor:
    """Starts, watches and stops named child processes."""

    def __init__(self, log_dir: Path, *, use_watchdog: bool = True) -> None:
        self.log_dir = log_dir
        self._watchdog = WatchdogClient() if use_watchdog else None
        self._children: dict[str, Child] = {}
        self._lock = threading.RLock()
        atexit.register(self.stop_all)

    # -- starting ---------------------------------------------------------------------------

    def start(self, spec: ChildSpec) -> Child:
        """Start `spec` and wait until its readiness check passes (raises NotReadyError)."""
        with self._lock:
            existing = self._children.get(spec.name)
            if existing is not None and existing.is_running():
                raise ValueError(f"child {spec.name!r} is already running (pid {existing.pid})")
            child = self._spawn(spec)
            self._children[spec.name] = child
            if self._watchdog is not None:
                self._watchdog.watch(child.pid, spec.stop_signal, spec.stop_timeout)
        if spec.ready is not None:
            try:
                child.ready_seconds = wait_until_ready(
                    spec.name, spec.ready, spec.ready_timeout, still_alive=child.is_running
                )
            except NotReadyError as error:
                self.stop(spec.name)
                raise NotReadyError(
                    f"{error}; last log lines:\n{_log_tail(child.log_path)}"
                ) from None
        else:
            child.ready_seconds = 0.0
        return child

    def _spawn(self, spec: ChildSpec) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{spec.name}.log"
        env = {k: v for k, v in os.environ.items() if k not in spec.unset_env}
        env.update(spec.env)
        uid, gid, extra_groups = run_as_credentials(spec.run_as_user)
        with log_path.open("ab") as log:
            header = f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {' '.join(spec.argv)}\n"
            log.write(header.encode())
            log.flush()
            process = subprocess.Popen(
                list(spec.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=spec.cwd,
                start_new_session=True,
                user=uid,
                group=gid,
                extra_groups=extra_groups,
            )
        return Child(spec=spec, process=process, log_path=log_path, started_at=time.monotonic())

    # -- inspecting -------------------------------------------------------------------------

    def child(self, name: str) -> Child:
        with self._lock:
            try:
                return self._children[name]
            except KeyError:
                raise KeyError(
                    f"no child named {name!r}; known: {sorted(self._children)}"
                ) from None

    def names(self) -> list[str]:
        with self._lock:
            return list(self._children)

    def pids(self) -> dict[str, int]:
        """Pids of the children that are running now."""
        with self._lock:
            return {n: c.pid for n, c in self._children.items() if c.is_running()}

    def exited_unexpectedly(self) -> list[Child]:
        """Children that exited although nobody asked them to."""
        with self._lock:
            return [
                c
                for c in self._children.values()
                if not c.is_running() and not c.stopped_on_purpose
            ]

    # -- stopping ---------------------------------------------------------------------------

    def stop(self, name: str) -> int | None:
        """Stop one child gracefully (its stop signal, then SIGKILL); return its exit code."""
        return self.kill(name, self.child(name).spec.stop_signal)

    def kill(self, name: str, sig: int = signal.SIGKILL, *, wait: bool = True) -> int | None:
        """Send `sig` to the child's process group; by default wait for it to exit.

        Waiting is bounded by the spec's stop timeout, then the group gets SIGKILL. Use
        `wait=False` for signals that do not end a process (SIGSTOP, SIGHUP).
        """
        child = self.child(name)
        child.stopped_on_purpose = True
        signal_group(child.pid, sig)
        if not wait:
            return None
        returncode = _wait_for_exit(child)
        self._forget(child)
        if child.spec.after_exit is not None:
            child.spec.after_exit()
        return returncode

    def _forget(self, child: Child) -> None:
        if self._watchdog is not None:
            self._watchdog.forget(child.pid)

    def restart(self, name: str) -> Child:
        """Stop the child if it still runs, then start it again with the same spec."""
        spec = self.child(name).spec
        if self.child(name).is_running():
            self.stop(name)
        return self.start(spec)

    def stop_all(self) -> None:
        """Stop every child, most recently started first. Ctrl-C is ignored meanwhile."""
        with _interrupts_ignored(), self._lock:
            for name in reversed(list(self._children)):
                child = self._children[name]
                if child.is_running() or group_alive(child.pid):
                    self.stop(name)
                child.stopped_on_purpose = True
            if self._watchdog is not None:
                self._watchdog.close()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()


def run_as_credentials(user: str | None) -> tuple[int | None, int | None, list[int] | None]:
    """(uid, gid, extra groups) for subprocess to switch to `user`; all None unless root."""
    if user is None or os.geteuid() != 0:
        return None, None, None
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid, []


def _wait_for_exit(child: Child) -> int | None:
    """Wait up to the child's stop timeout, then SIGKILL its group; reap stragglers."""
    try:
        child.process.wait(timeout=child.spec.stop_timeout)
    except subprocess.TimeoutExpired:
        kill_group(child.pid)
        child.process.wait()
    _reap_group_leftovers(child)
    return child.returncode


def _reap_group_leftovers(child: Child, grace: float = 2.0) -> None:
    """After the group leader exited, give its group members `grace` seconds, then SIGKILL."""
    if not wait_for_group_exit(child.pid, grace):
        kill_group(child.pid)


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _log_tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "(no log)"
    return data[-_LOG_TAIL_BYTES:].decode(errors="replace")
