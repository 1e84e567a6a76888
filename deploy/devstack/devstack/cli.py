"""Command line: `python -m devstack engines --mode up --data-dir .data`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from devstack.engines import Engines, start_engines
from devstack.mode import MODES, Mode

ENV_FILE_NAME = "engines.env"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    engines = commands.add_parser(
        "engines", help="start the engines, print their env, run until Ctrl-C"
    )
    engines.add_argument(
        "--mode",
        choices=MODES,
        default="up",
        help="up: persistent data under the data dir; test: throw-away engines",
    )
    engines.add_argument(
        "--data-dir",
        type=Path,
        default=Path(".data"),
        help="data, logs/<name>.log, ports.json and engines.env go here (default: .data)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s", stream=sys.stderr)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    return run_engines(args.data_dir, args.mode)


def run_engines(data_dir: Path, mode: Mode) -> int:
    """Start the engines, print KEY=value lines, block until SIGINT/SIGTERM, stop cleanly.

    The same lines are written to `<data_dir>/engines.env` while the engines run.
    """
    # Also when started in the background, where SIGINT is inherited as "ignored".
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        engines = start_engines(data_dir, mode)
    except KeyboardInterrupt:
        return 130
    env_file = engines.data_dir / ENV_FILE_NAME
    try:
        _write_env_file(env_file, engines.env())
        for key, value in engines.env().items():
            print(f"{key}={value}", flush=True)
        _report(engines, env_file)
        return _watch_until_interrupted(engines)
    finally:
        logging.info("stopping engines ...")
        env_file.unlink(missing_ok=True)
        engines.stop()
        logging.info("stopped")


def _watch_until_interrupted(engines: Engines) -> int:
    """Run until Ctrl-C or SIGTERM (0), or until an engine kept crashing (1). The supervisor restarts an
    engine that dies and logs each crash and restart."""
    try:
        while True:
            given_up = engines.supervisor.gave_up()
            if given_up:
                logging.error("%s kept crashing; stopping", ", ".join(given_up))
                return 1
            time.sleep(1.0)
    except KeyboardInterrupt:
        return 0


def _report(engines: Engines, env_file: Path) -> None:
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in engines.startup_seconds.items())
    logging.info("ready (%s); env also in %s", timings, env_file)
    if engines.mail_dir is not None:
        logging.info("mail is stored in %s", engines.mail_dir)
    logging.info("logs in %s; Ctrl-C stops everything", engines.supervisor.log_dir)


def _write_env_file(path: Path, env: dict[str, str]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    tmp.replace(path)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
