"""PERSONAL_DATA_MASTER_KEY: 32 bytes of base64, required outside development and tests."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError
from servicekit.settings import MissingMasterKey, ServiceSettings

REQUIRED = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "127.0.0.1:1", "port": 8001,
            "gateway_public_key": "unused"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "CLOCK_OFFSET_FILE", "PERSONAL_DATA_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_the_key_comes_from_the_environment_and_stays_out_of_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.urandom(32)
    monkeypatch.setenv("PERSONAL_DATA_MASTER_KEY", base64.b64encode(key).decode())

    settings = ServiceSettings(**REQUIRED)  # type: ignore[arg-type]

    assert settings.master_key() == key
    assert base64.b64encode(key).decode() not in repr(settings)


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(bytes(range(16))).decode()],
                         ids=["empty", "not-base64", "16-bytes"])
def test_a_malformed_key_fails_at_start_up(bad: str) -> None:
    with pytest.raises(ValidationError, match="master key must be"):
        ServiceSettings(**REQUIRED, personal_data_master_key=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_a_missing_key_is_refused_outside_development_and_tests(environment: str) -> None:
    settings = ServiceSettings(**REQUIRED, environment=environment)  # type: ignore[arg-type]

    with pytest.raises(MissingMasterKey, match="PERSONAL_DATA_MASTER_KEY is required"):
        settings.master_key()


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_tests_derive_a_stable_key_per_database(environment: str) -> None:
    settings = ServiceSettings(**REQUIRED, environment=environment)  # type: ignore[arg-type]
    again = ServiceSettings(**REQUIRED, environment=environment)  # type: ignore[arg-type]
    other = ServiceSettings(**{**REQUIRED, "database_url": "postgresql://x/z"},  # type: ignore[arg-type]
                            environment=environment)

    assert len(settings.master_key()) == 32
    assert settings.master_key() == again.master_key() != other.master_key()
