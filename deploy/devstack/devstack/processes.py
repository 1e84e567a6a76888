"""A small process supervisor for the local engines and services.

Each child runs in its own session/process group, with stdout and stderr appended to
`<log_dir>/<name>.log`. Stopping sends the child's stop signal to the whole group, then
SIGKILL after a timeout. A child that exits by itself once started (crash, SIGKILL from
outside) is restarted with the same spec after an exponential backoff (devstack.restarts),
each crash and restart logged on the `devstack.supervisor` logger; a child that keeps crashing
is given up on (`gave_up()`). `kill`/`stop` are on purpose and never restart.

Children never see the terminal's Ctrl-C (own session): the parent stops them from
`stop_all()` (context manager exit, `finally`, or atexit). If the parent dies without
doing so (SIGKILL, crash), a watchdog process (devstack.watchdog) notices the closed pipe
and stops every group still running: no orphans either way.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
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
from devstack.restarts import GiveUp, RestartHistory, RestartPolicy
from devstack.watchdog import WatchdogClient

log = logging.getLogger("devstack.supervisor")

_LOG_TAIL_BYTES = 3000
_MONITOR_SECONDS = 0.2


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
    restart: bool = True
    """Start it again when it exits by itself (off for a child expected to die, e.g. fault injection)."""


@dataclass
class Child:
    """A started child process."""

    spec: ChildSpec
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float
    ready_seconds: float | None = None
    stopped_on_purpose: bool = False
    supervised: bool = False
    """Started successfully: from now on an exit by itself is a crash (restarted per the policy)."""
    crash_handled: bool = False

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

    def __init__(
        self,
        log_dir: Path,
        *,
        use_watchdog: bool = True,
        restart_policy: RestartPolicy | None = RestartPolicy(),  # noqa: B008 - frozen, shared safely
    ) -> None:
        """`restart_policy=None`: a crashed child stays down (it is only reported)."""
        self.log_dir = log_dir
        self.restart_policy = restart_policy
        self._watchdog = WatchdogClient() if use_watchdog else None
        self._children: dict[str, Child] = {}
        self._histories: dict[str, RestartHistory] = {}
        self._gave_up: dict[str, GiveUp] = {}
        self._restart_hooks: dict[str, list[Callable[[], None]]] = {}
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._monitor: threading.Thread | None = None
        atexit.register(self.stop_all)

    # -- starting ---------------------------------------------------------------------------

    def start(self, spec: ChildSpec, *, wait_ready: bool = True) -> Child:
        """Start `spec` and wait until its readiness check passes (raises NotReadyError).

        `wait_ready=False` returns at once (start several, then `wait_ready(name)` each): the
        child is supervised (restarted on a crash) only once it has been ready."""
        with self._lock:
            existing = self._children.get(spec.name)
            if existing is not None and existing.is_running():
                raise ValueError(f"child {spec.name!r} is already running (pid {existing.pid})")
            self._closing.clear()
            self._gave_up.pop(spec.name, None)
            child = self._launch(spec)
            self._ensure_monitor()
        if wait_ready:
            self.wait_ready(spec.name)
        return child

    def wait_ready(self, name: str, timeout: float | None = None) -> float:
        """Wait for `name`'s readiness check (its spec's timeout unless given); stop it and raise
        NotReadyError, with its last log lines, if it does not pass. Then it is supervised."""
        child = self.child(name)
        spec = child.spec
        if spec.ready is not None:
            try:
                child.ready_seconds = wait_until_ready(
                    name, spec.ready, timeout or spec.ready_timeout, still_alive=child.is_running
                )
            except NotReadyError as error:
                self.stop(name)
                raise NotReadyError(
                    f"{error}; last log lines:\n{_log_tail(child.log_path)}"
                ) from None
        else:
            child.ready_seconds = 0.0
        child.supervised = True
        return child.ready_seconds

    def _launch(self, spec: ChildSpec) -> Child:
        child = self._spawn(spec)
        self._children[spec.name] = child
        if self._watchdog is not None:
            self._watchdog.watch(child.pid, spec.stop_signal, spec.stop_timeout)
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

    def restart_counts(self) -> dict[str, int]:
        """How many times each child was restarted after a crash (0 for none)."""
        with self._lock:
            return {n: (h.restarts if (h := self._histories.get(n)) else 0) for n in self._children}

    def gave_up(self) -> dict[str, GiveUp]:
        """Children that kept crashing (the burst limit) and are no longer restarted."""
        with self._lock:
            return dict(self._gave_up)

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

    def stop_together(self, names: Sequence[str]) -> None:
        """Stop several children at once (every stop signal first, then wait for each): as slow as the
        slowest, not the sum. Those not running are skipped."""
        with self._lock:
            children = [self.child(n) for n in names]
            for child in children:
                child.stopped_on_purpose = True
        for child in children:
            signal_group(child.pid, child.spec.stop_signal)
        for child in children:
            _wait_for_exit(child)
            self._forget(child)
            if child.spec.after_exit is not None:
                child.spec.after_exit()

    def _forget(self, child: Child) -> None:
        if self._watchdog is not None:
            self._watchdog.forget(child.pid)

    def restart(self, name: str) -> Child:
        """Stop the child if it still runs, then start it again with the same spec."""
        spec = self.child(name).spec
        if self.child(name).is_running():
            self.stop(name)
        return self.start(spec)

    # -- restarting crashed children ------------------------------------------------------------

    def add_restart_hook(self, name: str, hook: Callable[[], None]) -> None:
        """Run `hook` each time `name` is back and ready after a crash (e.g. recreate topics)."""
        with self._lock:
            self._restart_hooks.setdefault(name, []).append(hook)

    def _ensure_monitor(self) -> None:
        if self._monitor is None or not self._monitor.is_alive():
            self._monitor = threading.Thread(target=self._watch, name="devstack-supervisor", daemon=True)
            self._monitor.start()

    def _watch(self) -> None:
        """Notice children that exited by themselves; hand each crash to a recovery thread."""
        while not self._closing.wait(_MONITOR_SECONDS):
            with self._lock:
                crashed = [
                    c for c in self._children.values()
                    if c.supervised and not c.stopped_on_purpose and not c.crash_handled and not c.is_running()
                ]
                for child in crashed:
                    child.crash_handled = True
                    threading.Thread(target=self._recover, args=(child,), name=f"devstack-restart-{child.name}",
                                     daemon=True).start()

    def _recover(self, crashed: Child) -> None:
        """Clear what is left of the crashed child, then restart it after the policy's delay."""
        name, up_for = crashed.name, time.monotonic() - crashed.started_at
        how = _describe_exit(crashed.returncode)
        _clear_group(crashed)
        self._forget(crashed)
        if crashed.spec.after_exit is not None:
            crashed.spec.after_exit()
        if self.restart_policy is None or not crashed.spec.restart:
            log.error("%s (pid %d) %s after %.1f s; not restarted (restart is off for it); see %s",
                      name, crashed.pid, how, up_for, crashed.log_path)
            return
        with self._lock:
            history = self._histories.setdefault(name, RestartHistory(self.restart_policy))
            decision = history.crashed(time.monotonic(), up_for)
            if isinstance(decision, GiveUp):
                self._gave_up[name] = decision
        if isinstance(decision, GiveUp):
            log.error("%s (pid %d) %s: it crashed %d times within %.0f s, GIVING UP on it; last log lines "
                      "(%s):\n%s", name, crashed.pid, how, decision.crashes, decision.window, crashed.log_path,
                      _log_tail(crashed.log_path))
            return
        log.warning("%s (pid %d) %s after %.1f s; restart %d in %.1f s",
                    name, crashed.pid, how, up_for, decision.attempt, decision.delay)
        if self._closing.wait(decision.delay):
            return
        with self._lock:
            if self._closing.is_set() or crashed.stopped_on_purpose or self._children.get(name) is not crashed:
                return  # stopped, or started again by someone else, meanwhile
            child = self._launch(crashed.spec)
            child.supervised = True  # its death from now on is a crash again, ready or not
        self._report_back(child, decision.attempt)

    def _report_back(self, child: Child, attempt: int) -> None:
        spec = child.spec
        if spec.ready is not None:
            try:
                child.ready_seconds = wait_until_ready(spec.name, spec.ready, spec.ready_timeout,
                                                       still_alive=child.is_running)
            except NotReadyError as error:  # a death is the monitor's; a slow start is only reported
                log.warning("%s restarted (pid %d) but %s", spec.name, child.pid, error)
                return
        for hook in self._restart_hooks.get(spec.name, []):
            try:
                hook()
            except Exception:  # reported; the child itself runs
                log.exception("%s: a restart hook failed", spec.name)
        log.warning("%s is back (pid %d), ready in %.1f s (restart %d)", spec.name, child.pid,
                    child.ready_seconds or 0.0, attempt)

    def stop_all(self) -> None:
        """Stop every child, most recently started first. Ctrl-C is ignored meanwhile."""
        self._closing.set()  # no restart from now on
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


def _clear_group(crashed: Child) -> None:
    """A crashed leader may leave group members (PostgreSQL backends holding shared memory): end them."""
    crashed.process.poll()
    kill_group(crashed.pid)
    wait_for_group_exit(crashed.pid, 5.0)


def _describe_exit(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


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
