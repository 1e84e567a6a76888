"""Engines for every test: real PostgreSQL and a real Kafka-protocol broker.

PostgreSQL is DATABASE_URL when set, else a testcontainers one when Docker runs, else the embedded
server; Kafka is KAFKA_BOOTSTRAP_SERVERS when set, else tansu with memory storage (devstack decides).
Each test that asks for `database_url` gets a fresh database on that server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from devstack.engines import Engines, start_engines
from devstack.kafka import start_tansu
from devstack.ports import PortRegistry
from devstack.postgres import fresh_database


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    with start_engines(tmp_path_factory.mktemp("engines"), "test") as running:
        yield running


@pytest.fixture(scope="session")
def postgres_server_url(engines: Engines) -> str:
    return engines.database_url


@pytest.fixture
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    with fresh_database(postgres_server_url, "t") as url:
        yield url


@pytest.fixture(scope="session")
def kafka_bootstrap(engines: Engines) -> str:
    return engines.kafka_bootstrap


@pytest.fixture(scope="session")
def private_broker(engines: Engines) -> Callable[[str], str]:
    """Start (once per name) a broker of its own, so one service's tests never read another's records.

    A service's tests/conftest.py overrides `kafka_bootstrap` with `private_broker("<service>")`.
    With KAFKA_BOOTSTRAP_SERVERS set, everyone shares that broker (tests filter what they read).
    """
    started: dict[str, str] = {}

    def broker(name: str) -> str:
        if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            return engines.kafka_bootstrap
        if name not in started:
            started[name] = start_tansu(engines.supervisor, PortRegistry(None).port(name), name=f"tansu-{name}")
        return started[name]

    return broker





@pytest.fixture(scope="session")
def gateway_keys() -> tuple[str, str]:
    """An Ed25519 key pair (private PEM, public PEM) standing in for the gateway's identity key."""
    from servicekit.identity import generate_key_pair

    return generate_key_pair()
