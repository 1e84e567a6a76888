"""Business time: the offset clock follows its file, and production refuses to move its clock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from servicekit.clock import (
    ClockConfigurationError,
    OffsetClock,
    business_clock,
    check_clock_settings,
    system_clock,
    write_clock_offset,
)
from servicekit.settings import ServiceSettings

REAL = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REQUIRED = {
    "DATABASE_URL": "postgresql://x/y",
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
    "PORT": "8001",
    "GATEWAY_PUBLIC_KEY": "unused",
}


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def offset_clock(path: Path, ticks: Ticks | None = None) -> OffsetClock:
    return OffsetClock(path, real=lambda: REAL, monotonic=ticks or Ticks())


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ENVIRONMENT", "CLOCK_OFFSET_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_without_a_file_the_offset_is_zero(tmp_path: Path) -> None:
    assert offset_clock(tmp_path / "clock-offset")() == REAL


def test_the_offset_in_the_file_moves_the_clock_forward_and_back(tmp_path: Path) -> None:
    path = tmp_path / "clock-offset"
    clock = offset_clock(path)
    write_clock_offset(path, 86_400 * 365)
    assert clock() == REAL + timedelta(days=365)
    write_clock_offset(path, -90.5)
    assert clock() == REAL - timedelta(seconds=90.5)


def test_a_new_offset_holds_for_the_very_next_call(tmp_path: Path) -> None:
    """The file's metadata is looked at on every call: no waiting for a refresh interval after a rename."""
    path = tmp_path / "clock-offset"
    ticks = Ticks()
    clock = offset_clock(path, ticks)
    write_clock_offset(path, 10)
    assert clock() == REAL + timedelta(seconds=10)
    for seconds in range(11, 40):  # same size, written within one timestamp tick: the rename changes the inode
        write_clock_offset(path, seconds)
        assert clock() == REAL + timedelta(seconds=seconds)


def test_the_content_is_read_again_after_the_recheck_interval_even_when_the_metadata_looks_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clock-offset"
    ticks = Ticks()
    clock = offset_clock(path, ticks)
    write_clock_offset(path, 10)
    assert clock() == REAL + timedelta(seconds=10)
    before = os.stat(path)
    path.write_text("20\n", encoding="ascii")  # in place, same size, and the old mtime put back
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert clock() == REAL + timedelta(seconds=10)
    ticks.now += 0.2
    assert clock() == REAL + timedelta(seconds=20)


def test_removing_the_file_returns_to_real_time(tmp_path: Path) -> None:
    path = tmp_path / "clock-offset"
    clock = offset_clock(path)
    write_clock_offset(path, 3600)
    assert clock() == REAL + timedelta(hours=1)
    path.unlink()
    assert clock() == REAL


def test_a_file_that_is_not_a_number_is_refused_loudly(tmp_path: Path) -> None:
    path = tmp_path / "clock-offset"
    path.write_text("next tuesday\n", encoding="ascii")
    with pytest.raises(ClockConfigurationError, match="number of seconds"):
        offset_clock(path)()


def test_writing_leaves_no_temporary_file_and_readers_never_see_a_partial_offset(tmp_path: Path) -> None:
    path = tmp_path / "clock-offset"
    clock = OffsetClock(path)
    write_clock_offset(path, 0)
    seen: list[timedelta] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(clock.offset())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(200):
            write_clock_offset(path, 123456789.25)
            write_clock_offset(path, 0)
    finally:
        stop.set()
        reader.join()
    assert set(seen) <= {timedelta(0), timedelta(seconds=123456789.25)}
    assert [p.name for p in tmp_path.iterdir()] == ["clock-offset"]


def test_the_system_clock_is_aware_utc() -> None:
    now = system_clock()
    assert now.tzinfo is UTC and abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("environment_name", ["production", "Production", "staging", ""])
def test_outside_development_and_tests_a_clock_offset_file_is_refused(environment_name: str) -> None:
    with pytest.raises(ClockConfigurationError, match="CLOCK_OFFSET_FILE is set but ENVIRONMENT"):
        check_clock_settings(environment_name, "/tmp/clock-offset")


def test_settings_refuse_a_clock_offset_file_in_production(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environment.setenv("CLOCK_OFFSET_FILE", str(tmp_path / "clock-offset"))
    environment.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="a movable clock is for development and tests only"):
        ServiceSettings()  # type: ignore[call-arg]


def test_production_is_the_default_environment(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Naming the file alone is not enough: the environment must say it is not production."""
    environment.setenv("CLOCK_OFFSET_FILE", str(tmp_path / "clock-offset"))
    with pytest.raises(ValidationError, match="ENVIRONMENT is 'production'"):
        ServiceSettings()  # type: ignore[call-arg]


def test_settings_without_a_file_give_the_system_clock(environment: pytest.MonkeyPatch) -> None:
    settings = ServiceSettings()  # type: ignore[call-arg]
    assert settings.environment == "production" and business_clock(settings) is system_clock


def test_settings_of_a_test_environment_give_the_offset_clock(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "clock-offset"
    environment.setenv("CLOCK_OFFSET_FILE", str(path))
    environment.setenv("ENVIRONMENT", "test")
    clock = business_clock(ServiceSettings())  # type: ignore[call-arg]
    assert isinstance(clock, OffsetClock) and clock.path == path
    write_clock_offset(path, 86_400)
    assert abs(clock() - (datetime.now(UTC) + timedelta(days=1))) < timedelta(seconds=5)


def test_a_service_process_refuses_to_start_with_a_clock_offset_file_in_production(tmp_path: Path) -> None:
    """What an operator sees: the settings fail before anything is built, naming the two variables."""
    env = {**REQUIRED, "CLOCK_OFFSET_FILE": str(tmp_path / "clock-offset"), "ENVIRONMENT": "production"}
    script = "from servicekit.settings import ServiceSettings; ServiceSettings()"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "CLOCK_OFFSET_FILE is set but ENVIRONMENT is 'production'" in result.stderr
