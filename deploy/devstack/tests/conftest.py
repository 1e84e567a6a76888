"""Real engines in test mode, shared by the tests of this directory.

Data dirs come from `tempfile`, not pytest's tmp_path: other pytest sessions on the same
machine reset /tmp/pytest-of-<user> to 0700 and prune old session dirs, which would pull
the ground from under running engines (and the unprivileged PostgreSQL user).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from devstack.engines import Engines, start_engines

ENGINE_ENV_VARS = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_URL")


def _private_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)  # reachable by the unprivileged PostgreSQL user when run as root
    return path


@pytest.fixture(scope="session")
def engines() -> Iterator[Engines]:
    """Engines started by devstack itself (outside settings are ignored here)."""
    data_dir = _private_dir("devstack-test-")
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in ENGINE_ENV_VARS:
                patch.delenv(name, raising=False)
            started = start_engines(data_dir, mode="test")
        with started:
            yield started
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A fresh data dir for engines started by one test."""
    path = _private_dir("devstack-data-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def no_engine_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENGINE_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
