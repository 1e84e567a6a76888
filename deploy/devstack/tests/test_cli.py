"""`python -m devstack engines`: prints the env, runs until Ctrl-C, leaves nothing behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest


def test_engines_command_prints_env_and_stops_cleanly_on_ctrl_c(
    data_dir: Path, no_engine_env: None
) -> None:
    cli = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "engines",
            "--mode",
            "test",
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert cli.stdout is not None
        lines = [cli.stdout.readline().strip() for _ in range(3)]
        env = dict(line.split("=", 1) for line in lines)
        assert set(env) == {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_URL"}
        assert (data_dir / "engines.env").read_text().splitlines() == lines
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        descendants = psutil.Process(cli.pid).children(recursive=True)
        assert len(descendants) >= 4  # postgres (+ its workers), tansu, smtp sink, watchdog

        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=30) == 0
    finally:
        if cli.poll() is None:
            cli.kill()
            pytest.fail("the CLI did not stop on SIGINT")
    deadline = time.monotonic() + 5
    while [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]:
        assert time.monotonic() < deadline, "children outlived the CLI"
        time.sleep(0.05)
    assert not (data_dir / "engines.env").exists()
    assert "stopped" in (cli.stderr.read() if cli.stderr else "")
