"""Moving the business time of a local stack: the clock offset file its services read (`servicekit.clock`).

The file holds one decimal number, seconds added to the real time; no file means no offset. Writes are atomic
(a temporary file in the same directory, then a rename), so a service never reads half an offset, and every
call a service makes after the rename sees the new time.

A test stack (`start_stack(..., "test")`) always has the file; `make up` has it only with
`DEVSTACK_MOVABLE_CLOCK=1`, and then this command moves it:

    python -m devstack.clock [--data-dir .data] show | travel 2027-10-15T12:00:00-07:00 | shift 86400 | reset
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

FILE_NAME = "clock-offset"
MOVABLE_CLOCK_FLAG = "DEVSTACK_MOVABLE_CLOCK"
"""`make up` passes the clock offset file to the services only when this environment variable is `1`."""


def offset_file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def read_offset(path: Path) -> float:
    """The offset in seconds (0 without a file)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return 0.0
    return float(text) if text else 0.0


def write_offset(path: Path, seconds: float) -> None:
    """Write the offset atomically; services see it from their next clock reading on."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(f"{float(seconds)!r}\n", encoding="ascii")
    os.replace(temporary, path)


def business_now(path: Path) -> datetime:
    """The time the stack's services take as now."""
    return datetime.now(UTC) + timedelta(seconds=read_offset(path))


def offset_to(instant: datetime) -> float:
    """The offset that makes `instant` (aware) the business time now."""
    if instant.tzinfo is None:
        raise ValueError(f"{instant.isoformat()} has no time zone; say which instant is meant")
    return (instant - datetime.now(UTC)).total_seconds()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.clock", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="print the business time and the offset")
    travel = commands.add_parser("travel", help="make an ISO 8601 instant (with its offset) the business time")
    travel.add_argument("instant", type=datetime.fromisoformat)
    shift = commands.add_parser("shift", help="move the business time by SECONDS (negative: back)")
    shift.add_argument("seconds", type=float)
    commands.add_parser("reset", help="back to real time")
    args = parser.parse_args(argv)
    path = offset_file(args.data_dir)
    try:
        if args.command == "travel":
            write_offset(path, offset_to(args.instant))
        elif args.command == "shift":
            write_offset(path, read_offset(path) + args.seconds)
        elif args.command == "reset":
            write_offset(path, 0.0)
    except ValueError as error:
        parser.error(str(error))
    print(
        f"business time {business_now(path).isoformat(timespec='seconds')} (offset {read_offset(path):+.0f} s, {path})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
