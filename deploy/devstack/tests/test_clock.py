"""Moving a stack's business time: the offset file, the stack's methods, who gets the file, the command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from devstack.clock import FILE_NAME, MOVABLE_CLOCK_FLAG, business_now, offset_to, read_offset, write_offset
from devstack.stack import Stack, _clock_env


def bare_stack(**fields: Any) -> Stack:
    """A Stack without engines or processes: only its clock is used here."""
    placeholders: dict[str, Any] = {
        "engines": None,
        "secrets": None,
        "ports": {},
        "database_url": "",
        "tenants_dir": Path(),
    }
    return Stack(**{**placeholders, **fields})


def close(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=5)


def test_no_file_is_no_offset_and_writes_replace_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    assert read_offset(path) == 0.0
    write_offset(path, 86_400.5)
    assert read_offset(path) == 86_400.5 and path.read_text() == "86400.5\n"
    write_offset(path, -3)
    assert read_offset(path) == -3.0
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]


def test_travel_to_makes_the_instant_the_business_time(tmp_path: Path) -> None:
    stack = bare_stack(clock_offset_file=tmp_path / FILE_NAME)
    target = datetime(2027, 10, 15, 12, tzinfo=UTC)
    stack.travel_to(target)
    assert close(stack.now(), target) and close(business_now(tmp_path / FILE_NAME), target)
    stack.set_clock_offset(0)
    assert close(stack.now(), datetime.now(UTC))


def test_an_instant_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        offset_to(datetime(2027, 10, 15, 12))


def test_a_stack_on_real_time_refuses_to_move_and_tells_how_to_get_one_that_can() -> None:
    stack = bare_stack()
    assert close(stack.now(), datetime.now(UTC))
    with pytest.raises(RuntimeError, match=MOVABLE_CLOCK_FLAG):
        stack.travel_to(datetime(2027, 10, 15, tzinfo=UTC))


def test_a_test_stack_gives_every_service_the_file_starting_at_real_time(tmp_path: Path) -> None:
    write_offset(tmp_path / FILE_NAME, 999.0)  # left over: a test stack starts at real time
    stack = bare_stack()
    env = _clock_env(stack, tmp_path, "test")
    assert env == {"CLOCK_OFFSET_FILE": str(tmp_path / FILE_NAME), "ENVIRONMENT": "test"}
    assert stack.clock_offset_file == tmp_path / FILE_NAME and read_offset(tmp_path / FILE_NAME) == 0.0


def test_make_up_runs_on_real_time_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MOVABLE_CLOCK_FLAG, raising=False)
    stack = bare_stack()
    assert _clock_env(stack, tmp_path, "up") == {} and stack.clock_offset_file is None

    monkeypatch.setenv(MOVABLE_CLOCK_FLAG, "1")
    write_offset(tmp_path / FILE_NAME, 3600.0)  # `make up` keeps the time its data was recorded at
    env = _clock_env(stack, tmp_path, "up")
    assert env == {"CLOCK_OFFSET_FILE": str(tmp_path / FILE_NAME), "ENVIRONMENT": "development"}
    assert read_offset(tmp_path / FILE_NAME) == 3600.0


def run_clock(data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "devstack.clock", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_the_command_travels_shifts_shows_and_resets(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    assert "offset +0 s" in run_clock(tmp_path, "show")
    assert "business time 2027-10-15T19:00:0" in run_clock(tmp_path, "travel", "2027-10-15T12:00:00-07:00")
    assert close(business_now(path), datetime(2027, 10, 15, 19, tzinfo=UTC))
    run_clock(tmp_path, "shift", "86400")
    assert close(business_now(path), datetime(2027, 10, 16, 19, tzinfo=UTC))
    assert "offset +0 s" in run_clock(tmp_path, "reset")
    assert read_offset(path) == 0.0
