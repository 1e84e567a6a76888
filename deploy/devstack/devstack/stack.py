"""The whole platform as local processes: engines, then every service, then the gateway.

`make up` and the end-to-end tests use this same launcher, so what the tests exercise is what people run.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from endorsement_contracts import partition_counts

from devstack.clock import MOVABLE_CLOCK_FLAG, business_now, offset_file, offset_to, write_offset
from devstack.engines import Engines, start_engines
from devstack.mode import Mode
from devstack.ports import PortRegistry
from devstack.postgres import create_database, drop_database
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import http_ok, wait_until_ready
from devstack.secrets import StackSecrets, generate, load_or_create
from devstack.topics import ensure_topics

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("applications", "reviews", "credentials", "notifications")
GATEWAY = "gateway"
PORTAL = "portal"
"""The web portal: behind the gateway (which forwards every path it does not own to it), a client of its API."""
UP_PORTS = {"gateway": 8000, "applications": 8001, "reviews": 8002, "credentials": 8003, "notifications": 8004,
            "portal": 8005}
TEST_LAPSE_SWEEP_SECONDS = "0.5"  # a lapse after a clock move shows within a second


@dataclass
class Stack:
    engines: Engines
    secrets: StackSecrets
    ports: dict[str, int]
    database_url: str
    tenants_dir: Path
    env_by_process: dict[str, dict[str, str]] = field(default_factory=dict)
    owns_database: bool = False
    startup_seconds: float = 0.0
    clock_offset_file: Path | None = None
    """The services' business time is real time plus the seconds in this file (None: real time, fixed)."""

    @property
    def supervisor(self) -> Supervisor:
        return self.engines.supervisor

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return self.url(GATEWAY)

    def kill(self, name: str, sig: int = 9) -> None:
        self.supervisor.kill(name, sig)

    def restart(self, name: str, timeout: float = 60) -> None:
        self.supervisor.restart(name)
        if name == PORTAL:
            self.wait_portal(timeout)
            return
        wait_until_ready(name, http_ok(f"{self.url(name)}/healthz"), timeout)

    def start_process(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        """(Re)start one service, optionally with extra environment (fault injection in tests)."""
        env = {**self.env_by_process[name], **(extra_env or {})}
        spec = ChildSpec(name=name, argv=[sys.executable, "-m", name], env=env, cwd=REPO_ROOT,
                         stop_timeout=15)
        if name in self.supervisor.pids():
            self.supervisor.stop(name)
        self.supervisor.start(spec)

    def wait_healthy(self, names: list[str], timeout: float = 90) -> None:
        for name in names:
            wait_until_ready(name, http_ok(f"{self.url(name)}/healthz"), timeout,
                             still_alive=functools.partial(self.is_running, name))

    def wait_portal(self, timeout: float = 60) -> None:
        """The portal's own health path (`/healthz` at the gateway is the platform's)."""
        wait_until_ready(PORTAL, http_ok(f"{self.url(PORTAL)}/portal/healthz"), timeout,
                         still_alive=functools.partial(self.is_running, PORTAL))

    def is_running(self, name: str) -> bool:
        return name in self.supervisor.pids()

    def set_clock_offset(self, seconds: float) -> None:
        """Move every service's business time to real time + `seconds` (atomically; from their next reading on).

        The gateway (sessions, identity tokens) keeps real time."""
        write_offset(self._clock_file(), seconds)

    def travel_to(self, instant: datetime) -> None:
        """Make the aware `instant` the services' business time now; it runs on from there."""
        self.set_clock_offset(offset_to(instant))

    def now(self) -> datetime:
        """The services' business time (real time when the clock cannot move)."""
        return business_now(self._clock_file()) if self.clock_offset_file else datetime.now().astimezone()

    def _clock_file(self) -> Path:
        if self.clock_offset_file is None:
            raise RuntimeError(f"this stack runs on real time: start it in test mode, or with {MOVABLE_CLOCK_FLAG}=1")
        return self.clock_offset_file

    def stop(self) -> None:
        """Stop the gateway and the services, drop the test database if we made it, then the engines."""
        try:
            for name in (PORTAL, GATEWAY, *reversed(SERVICES)):
                if self.is_running(name):
                    self.supervisor.stop(name)
            if self.owns_database:
                drop_database(self.database_url)
        finally:
            self.engines.stop()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tenant_slugs(tenants_dir: Path) -> list[str]:
    slugs = []
    for path in sorted(tenants_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        slugs.append(str(data["slug"]))
    return slugs


def start_stack(data_dir: Path, mode: Mode, *, tenants_dir: Path | None = None) -> Stack:
    """Start engines (unless configured), create topics, then every service and the gateway."""
    started = time.monotonic()
    data_dir = data_dir.resolve()
    tenants_dir = (tenants_dir or REPO_ROOT / "config" / "tenants").resolve()
    slugs = tenant_slugs(tenants_dir)
    broker_is_ours = not os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    engines = start_engines(data_dir, mode)
    try:
        stack = _start_services(engines, data_dir, mode, tenants_dir, slugs, broker_is_ours)
    except BaseException:
        engines.stop()
        raise
    stack.startup_seconds = time.monotonic() - started
    return stack


def _start_services(engines: Engines, data_dir: Path, mode: Mode, tenants_dir: Path, slugs: list[str],
                    broker_is_ours: bool) -> Stack:
    if mode == "up":
        secrets = load_or_create(data_dir / "secrets.json", slugs)
        ports = dict(UP_PORTS)
        busy = [f"{name} ({port})" for name, port in ports.items() if not port_is_free(port)]
        if busy:
            raise RuntimeError(f"ports already in use: {', '.join(busy)}; is another `make up` running?")
        database_url, owns_database = engines.database_url, False
    else:
        secrets = generate(slugs)
        registry = PortRegistry(None)
        ports = {name: registry.port(f"service-{name}") for name in UP_PORTS}
        database_url, owns_database = create_database(engines.database_url, "e2e"), True
    ensure_topics(engines.kafka_bootstrap, partition_counts())
    stack = Stack(engines=engines, secrets=secrets, ports=ports, database_url=database_url,
                  tenants_dir=tenants_dir, owns_database=owns_database)
    common = _common_env(stack, mode, broker_is_ours)
    for name in SERVICES:
        stack.env_by_process[name] = {**common, "PORT": str(ports[name]), **_clock_env(stack, data_dir, mode)}
    if mode == "test":
        stack.env_by_process["reviews"]["LAPSE_SWEEP_SECONDS"] = TEST_LAPSE_SWEEP_SECONDS
    stack.env_by_process["credentials"]["CREDENTIALS_SIGNING_KEYS"] = json.dumps(secrets.signing_keys)
    stack.env_by_process["credentials"]["CREDENTIALS_WEBHOOK_SECRET_KEY"] = secrets.webhook_secret_key
    stack.env_by_process["applications"]["REFERENCE_LINK_KEY"] = secrets.reference_link_key
    stack.env_by_process["notifications"]["SMTP_URL"] = engines.smtp_url
    stack.env_by_process[GATEWAY] = {
        **common,
        "PORT": str(ports[GATEWAY]),
        "GATEWAY_SIGNING_KEY": secrets.gateway_private_key,
        "GATEWAY_SEED_PASSWORD": secrets.seed_password,
        **{f"{name.upper()}_URL": stack.url(name) for name in SERVICES},
        "PORTAL_URL": stack.url(PORTAL),
        # The portal (on loopback here) passes each browser's address in X-Forwarded-For on the calls the gateway
        # throttles. Trusting loopback also believes anyone else on this machine: fine for a local stack only.
        "TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
    }
    stack.env_by_process[PORTAL] = {
        "DATABASE_URL": stack.database_url,
        "GATEWAY_URL": stack.gateway_url,
        "PORTAL_SESSION_KEY": secrets.portal_session_key,
        "PORT": str(ports[PORTAL]),
        "ENVIRONMENT": "test" if mode == "test" else "development",
        "PYTHONUNBUFFERED": "1",
    }
    try:
        for name in SERVICES:
            stack.supervisor.start(ChildSpec(name=name, argv=[sys.executable, "-m", name],
                                             env=stack.env_by_process[name], cwd=REPO_ROOT, stop_timeout=15))
        stack.wait_healthy(list(SERVICES))
        stack.start_process(GATEWAY)
        stack.wait_healthy([GATEWAY])
        stack.start_process(PORTAL)
        stack.wait_portal()
    except BaseException:
        if owns_database:
            engines.stop()
            drop_database(database_url)
        raise
    return stack


def _clock_env(stack: Stack, data_dir: Path, mode: Mode) -> dict[str, str]:
    """A movable business clock for the services (not the gateway): always in tests, for `make up` only on request.

    A test stack starts at real time; `make up` keeps the offset it had (its data was recorded at that time)."""
    if mode == "up" and os.environ.get(MOVABLE_CLOCK_FLAG) != "1":
        return {}
    if stack.clock_offset_file is None:
        stack.clock_offset_file = offset_file(data_dir)
        if mode == "test":
            write_offset(stack.clock_offset_file, 0.0)
    environment = "test" if mode == "test" else "development"
    return {"CLOCK_OFFSET_FILE": str(stack.clock_offset_file), "ENVIRONMENT": environment}


def _common_env(stack: Stack, mode: Mode, broker_is_ours: bool) -> dict[str, str]:
    env = {
        "DATABASE_URL": stack.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": stack.engines.kafka_bootstrap,
        "GATEWAY_PUBLIC_KEY": stack.secrets.gateway_public_key,
        "TENANTS_DIR": str(stack.tenants_dir),
        "PUBLIC_BASE_URL": stack.gateway_url,
        "PYTHONUNBUFFERED": "1",
    }
    if broker_is_ours:
        env["KAFKA_ENABLE_IDEMPOTENCE"] = "false"  # tansu: aiokafka's idempotent producer fails to start
    if mode == "test":
        env |= {"KAFKA_SESSION_TIMEOUT_MS": "6000", "KAFKA_HEARTBEAT_INTERVAL_MS": "1000"}
    return env
