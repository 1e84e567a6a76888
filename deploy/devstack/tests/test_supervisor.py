"""The supervisor: process groups, stop escalation, kill/restart, restarts after crashes, and no orphans."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from devstack.ports import find_free_port
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import NotReadyError, tcp_port_open
from devstack.restarts import RestartPolicy

PYTHON = sys.executable


def _listener(port: int) -> list[str]:
    """A child that listens on `port` and starts a grandchild in its process group."""
    code = f"""
        import socket, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        s = socket.socket(); s.bind(("127.0.0.1", {port})); s.listen()
        time.sleep(600)
    """
    return [PYTHON, "-c", textwrap.dedent(code)]


def _group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess):
            continue
    return members


def _assert_gone(pids: list[int], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    alive = pids
    while time.monotonic() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
        if not alive:
            return
        time.sleep(0.05)
    raise AssertionError(f"still running: {alive}")


def test_stop_all_stops_children_grandchildren_and_stubborn_ones(tmp_path: Path) -> None:
    port = find_free_port()
    supervisor = Supervisor(tmp_path / "logs")
    with supervisor:
        listener = supervisor.start(
            ChildSpec("listener", _listener(port), ready=tcp_port_open("127.0.0.1", port))
        )
        stubborn = supervisor.start(
            ChildSpec(
                "stubborn",
                ["sh", "-c", "trap '' TERM; echo started; sleep 600 & wait"],
                stop_timeout=0.5,
            )
        )
        assert os.getpgid(listener.pid) == listener.pid != os.getpgid(0)
        time.sleep(0.3)  # let the grandchildren start
        pids = [p.pid for c in (listener, stubborn) for p in _group_members(c.pid)]
        assert len(pids) >= 4
    _assert_gone(pids)
    assert "started" in (tmp_path / "logs" / "stubborn.log").read_text()
    assert stubborn.returncode == -signal.SIGKILL


def test_kill_and_restart_a_child(tmp_path: Path) -> None:
    port = find_free_port()
    with Supervisor(tmp_path / "logs") as supervisor:
        spec = ChildSpec("listener", _listener(port), ready=tcp_port_open("127.0.0.1", port))
        first = supervisor.start(spec)
        assert supervisor.kill("listener", signal.SIGKILL) == -signal.SIGKILL
        assert not tcp_port_open("127.0.0.1", port)()
        assert supervisor.exited_unexpectedly() == []  # we killed it on purpose
        second = supervisor.restart("listener")
        assert second.pid != first.pid
        assert tcp_port_open("127.0.0.1", port)()
        assert supervisor.pids() == {"listener": second.pid}
    assert (tmp_path / "logs" / "listener.log").read_text().count("=== ") == 2


def test_a_child_that_dies_before_ready_fails_fast_with_its_log(tmp_path: Path) -> None:
    with Supervisor(tmp_path / "logs") as supervisor:
        started = time.monotonic()
        spec = ChildSpec(
            "broken",
            ["sh", "-c", "echo cannot bind >&2; exit 3"],
            ready=tcp_port_open("127.0.0.1", find_free_port()),
        )
        with pytest.raises(NotReadyError, match="cannot bind"):
            supervisor.start(spec)
        assert time.monotonic() - started < 5


PARENT_SCRIPT = """
import signal, sys, time
from pathlib import Path
from devstack.processes import ChildSpec, Supervisor

signal.signal(signal.SIGINT, signal.default_int_handler)
supervisor = Supervisor(Path(sys.argv[1]))
try:
    child = supervisor.start(ChildSpec("sleeper", ["sh", "-c", "sleep 600 & wait"]))
    print(child.pid, flush=True)
    time.sleep(600)
finally:
    supervisor.stop_all()
"""


@pytest.mark.parametrize("parent_signal", [signal.SIGINT, signal.SIGKILL])
def test_no_orphans_when_the_parent_is_interrupted_or_killed(
    tmp_path: Path, parent_signal: signal.Signals
) -> None:
    parent = subprocess.Popen(
        [PYTHON, "-c", PARENT_SCRIPT, str(tmp_path / "logs")], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    time.sleep(0.2)
    family = [p.pid for p in _group_members(child_pid)]
    assert len(family) == 2  # sh and its sleep
    parent.send_signal(parent_signal)
    parent.wait(timeout=15)
    _assert_gone(family)


FAST = RestartPolicy(initial=0.05, maximum=0.2, stable_after=60, burst=2, burst_window=60)


def _wait_for(probe: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_child_killed_from_outside_is_restarted_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = find_free_port()
    with Supervisor(tmp_path / "logs", restart_policy=FAST) as supervisor:
        first = supervisor.start(ChildSpec("listener", _listener(port), ready=tcp_port_open("127.0.0.1", port)))
        with caplog.at_level(logging.WARNING, logger="devstack.supervisor"):
            os.killpg(first.pid, signal.SIGKILL)  # a crash: the supervisor was not asked
            _wait_for(lambda: supervisor.pids().get("listener", first.pid) != first.pid, "a new listener")
            _wait_for(lambda: "is back" in caplog.text, "the restart report")
        assert tcp_port_open("127.0.0.1", port)()
        assert supervisor.restart_counts() == {"listener": 1}
        assert f"listener (pid {first.pid}) was killed by SIGKILL" in caplog.text
        assert supervisor.gave_up() == {}


def test_a_child_that_keeps_crashing_is_given_up_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    marker = tmp_path / "started"
    crash_soon = ["sh", "-c", f"echo started >> {marker}; sleep 0.3; echo boom >&2; exit 3"]
    with Supervisor(tmp_path / "logs", restart_policy=FAST) as supervisor:
        supervisor.start(ChildSpec("flaky", crash_soon))
        with caplog.at_level(logging.ERROR, logger="devstack.supervisor"):
            _wait_for(supervisor.gave_up, "giving up")
        assert supervisor.gave_up()["flaky"].crashes == 3
        assert supervisor.restart_counts() == {"flaky": 2}
        assert marker.read_text().count("started") == 3
        assert "GIVING UP" in caplog.text and "boom" in caplog.text


def test_killing_on_purpose_or_a_child_with_restart_off_is_not_restarted(tmp_path: Path) -> None:
    with Supervisor(tmp_path / "logs", restart_policy=FAST) as supervisor:
        supervisor.start(ChildSpec("killed", ["sleep", "600"]))
        fault = supervisor.start(ChildSpec("fault", ["sleep", "600"], restart=False))
        supervisor.kill("killed")
        os.killpg(fault.pid, signal.SIGKILL)
        time.sleep(1.0)  # several backoff delays: a restart would have happened by now
        assert supervisor.pids() == {}
        assert supervisor.restart_counts() == {"killed": 0, "fault": 0}
