"""Engines for every test: real PostgreSQL and a real Kafka-protocol broker.

PostgreSQL is DATABASE_URL when set, else a testcontainers one when Docker runs, else the embedded
server; Kafka is KAFKA_BOOTSTRAP_SERVERS when set, else tansu with memory storage (devstack decides).
Each test that asks for `database_url` gets a fresh database on that server.

Parallel runs (pytest-xdist; `make pytest`: `-n 3 --dist loadfile --no-loadscope-reorder`): every worker starts
engines of its own and draws ports from a slice of its own (DEVSTACK_PORT_RANGE). Each test module is one unit of
work, so a module-scoped stack starts once; the browser modules, which share the session's `portal_stack`, are one
unit together. The costliest units are handed out first so that they do not end the run alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from devstack.engines import Engines, start_engines
from devstack.kafka import start_tansu
from devstack.ports import PORT_RANGE_VARIABLE, PortRegistry, worker_port_slice
from devstack.postgres import fresh_database
from xdist.scheduler import LoadFileScheduling  # type: ignore[import-untyped]  # pytest-xdist ships no types

# Units of work that take longest (a whole stack each), handed out first in parallel runs; the rest keep their order.
FIRST_IN_PARALLEL = ("tests/browser/", "tests/e2e/")
# Directories whose modules run together on one worker, because they share a session-scoped fixture.
SHARED_SESSION_GROUPS = {"tests/browser/": "tests/browser/"}


class ModuleScheduling(LoadFileScheduling):  # type: ignore[misc]
    """`--dist loadfile`, except that the modules of a SHARED_SESSION_GROUPS directory are one unit together."""

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its module, or its directory's shared group."""
    module = nodeid.split("::", 1)[0]
    return next((group for folder, group in SHARED_SESSION_GROUPS.items() if module.startswith(folder)), module)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> ModuleScheduling | None:
    """In the controller of `-n N --dist loadfile`: schedule by ModuleScheduling; other modes as pytest-xdist does."""
    return ModuleScheduling(config, log) if config.getoption("dist") == "loadfile" else None


def pytest_configure(config: pytest.Config) -> None:
    """In a pytest-xdist worker (gw0, gw1, ...): a port slice of its own, unless one is set already."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit() and not os.environ.get(PORT_RANGE_VARIABLE):
        os.environ[PORT_RANGE_VARIABLE] = worker_port_slice(int(worker[2:]))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In pytest-xdist workers: the costliest units first (with --no-loadscope-reorder they are handed out so)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # a serial run keeps the collection order
        items.sort(key=lambda item: _hand_out_rank(item.nodeid))


def _hand_out_rank(nodeid: str) -> int:
    return next((rank for rank, folder in enumerate(FIRST_IN_PARALLEL) if nodeid.startswith(folder)),
                len(FIRST_IN_PARALLEL))


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
