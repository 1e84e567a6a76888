"""The whole platform as local processes: engines, then every service, then the gateway.

`make up` and the end-to-end tests use this same launcher, so what the tests exercise is what people run.
"""

from __future__ import annotations

import json
import logging
import os
import signal
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
from devstack.process_groups import signal_group
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import http_ok
from devstack.secrets import StackSecrets, generate, load_or_create
from devstack.topics import ensure_topics

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("applications", "reviews", "credentials", "notifications")
GATEWAY = "gateway"
UNSEAL_PRODUCERS = ("applications", "reviews", "credentials", GATEWAY)
"""The services whose events carry sealed fields, so others call their `/internal/unseal`."""
PORTAL = "portal"
"""The web portal: behind the gateway (which forwards every path it does not own to it), a client of its API."""
UP_PORTS = {"gateway": 8000, "applications": 8001, "reviews": 8002, "credentials": 8003, "notifications": 8004,
            "portal": 8005}
REPLICA_PORT_STEP = 10
"""`make up` with replicas: replica k of a service listens on its port + 10 * (k - 1) (applications-2: 8011)."""
MAX_REPLICAS = 9
TEST_LAPSE_SWEEP_SECONDS = "0.5"  # a lapse after a clock move shows within a second
SERVICE_STOP_SECONDS = 15
UP_FETCH_MAX_WAIT_MS = 50
"""`make up` (and the bench scripts' stacks in that mode): events cross a hop in ~25 ms on tansu."""
TEST_FETCH_MAX_WAIT_MS = 250
"""Test stacks: every consumer of an idle stack fetched 20 times a second on 50 ms, and an idle stack used 0.48 of a
core (tansu 0.20); at 250 ms 0.25 (tansu 0.07; `bench/idle_cpu.py`), for ~100 ms more per hop. The suite runs
three stacks at once on two cores, so the cores are worth more than the latency."""
STARTUP_READY_SECONDS = 90


def replica_names(service: str, replicas: int) -> list[str]:
    """Process names of a service's replicas: `applications`, `applications-2`, ..."""
    return [service, *(f"{service}-{k}" for k in range(2, replicas + 1))]


def up_ports(replicas: int) -> dict[str, int]:
    """`make up`'s fixed ports: UP_PORTS, and replica k of a service on its port + 10 * (k - 1)."""
    ports = dict(UP_PORTS)
    for service in SERVICES:
        for k, name in enumerate(replica_names(service, replicas)[1:], start=1):
            ports[name] = UP_PORTS[service] + REPLICA_PORT_STEP * k
    return ports


def service_of(process: str) -> str:
    """The service (Python module) a process runs: `applications-2` runs `applications`."""
    base, _, number = process.rpartition("-")
    return base if base and number.isdigit() else process


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
    replica_count: int = 1

    def replicas(self, service: str) -> list[str]:
        """The process names running `service` (the first one is named as the service)."""
        if service not in SERVICES:
            raise KeyError(f"no service named {service!r}; known: {SERVICES}")
        return replica_names(service, self.replica_count)

    @property
    def service_processes(self) -> list[str]:
        """Every service replica's process name, service by service."""
        return [name for service in SERVICES for name in self.replicas(service)]

    @property
    def supervisor(self) -> Supervisor:
        return self.engines.supervisor

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return self.url(GATEWAY)

    def kill(self, name: str, sig: int = 9) -> None:
        """Kill a process on purpose: the supervisor does not restart it (`restart`/`start_process` does)."""
        self.supervisor.kill(name, sig)

    def crash(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Kill a process as a crash would (its whole group, without telling the supervisor, which then
        restarts it with backoff); return the pid that was killed."""
        pid = self.supervisor.child(name).pid
        signal_group(pid, sig)
        return pid

    def restart_counts(self) -> dict[str, int]:
        """How many times the supervisor restarted each process after a crash."""
        return self.supervisor.restart_counts()

    def restart(self, name: str, timeout: float = 60) -> None:
        self.supervisor.restart(name)
        self.wait_healthy([name], timeout)

    def start_process(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        """(Re)start one process (a service replica, the gateway or the portal); returns before it is healthy
        (`wait_healthy`). With `extra_env` (fault injection in tests) it is not restarted when it dies."""
        env = {**self.env_by_process[name], **(extra_env or {})}
        if name in self.supervisor.pids():
            self.supervisor.stop(name)
        self.supervisor.start(self._spec(name, env, restart=not extra_env), wait_ready=False)

    def _spec(self, name: str, env: dict[str, str], *, restart: bool = True) -> ChildSpec:
        health = "/portal/healthz" if name == PORTAL else "/healthz"  # the gateway's /healthz is the platform's
        return ChildSpec(name=name, argv=[sys.executable, "-m", service_of(name)], env=env, cwd=REPO_ROOT,
                         ready=http_ok(f"{self.url(name)}{health}"), ready_timeout=STARTUP_READY_SECONDS,
                         stop_timeout=SERVICE_STOP_SECONDS, restart=restart)

    def wait_healthy(self, names: list[str], timeout: float = STARTUP_READY_SECONDS) -> None:
        """Wait until each process answers its health path; from then on a crash of it is restarted."""
        for name in names:
            self.supervisor.wait_ready(name, timeout)

    def wait_portal(self, timeout: float = 60) -> None:
        self.wait_healthy([PORTAL], timeout)

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
            # Stopped together (as slow as the slowest, not the sum), the front first.
            self.supervisor.stop_together([n for n in (PORTAL, GATEWAY) if n in self.supervisor.names()])
            self.supervisor.stop_together([n for n in self.service_processes if n in self.supervisor.names()])
            if self.owns_database:
                try:
                    drop_database(self.database_url)
                except RuntimeError:  # the server is down (a fault test killed it): its data dir goes with it
                    log.warning("could not drop the test database: its server is unreachable")
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


def start_stack(data_dir: Path, mode: Mode, *, tenants_dir: Path | None = None, replicas: int = 1,
                fetch_max_wait_ms: int | None = None) -> Stack:
    """Start engines (unless configured), create topics, then `replicas` processes of every service, the gateway
    (given every replica's URL) and the portal. Each process that crashes is restarted (devstack.processes).
    `fetch_max_wait_ms`: the consumers' fetch wait on our tansu (default by mode: TEST_/UP_FETCH_MAX_WAIT_MS; a
    bench that measures event latency passes UP_FETCH_MAX_WAIT_MS)."""
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ValueError(f"replicas must be between 1 and {MAX_REPLICAS}, got {replicas}")
    started = time.monotonic()
    data_dir = data_dir.resolve()
    tenants_dir = (tenants_dir or REPO_ROOT / "config" / "tenants").resolve()
    slugs = tenant_slugs(tenants_dir)
    broker_is_ours = not os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    engines = start_engines(data_dir, mode)
    try:
        stack = _start_services(engines, data_dir, mode, tenants_dir, slugs, broker_is_ours, replicas,
                                fetch_max_wait_ms)
    except BaseException:
        engines.stop()
        raise
    stack.startup_seconds = time.monotonic() - started
    return stack


def _start_services(engines: Engines, data_dir: Path, mode: Mode, tenants_dir: Path, slugs: list[str],
                    broker_is_ours: bool, replicas: int, fetch_max_wait_ms: int | None) -> Stack:
    if mode == "up":
        secrets = load_or_create(data_dir / "secrets.json", slugs)
        ports = up_ports(replicas)
        busy = [f"{name} ({port})" for name, port in ports.items() if not port_is_free(port)]
        if busy:
            raise RuntimeError(f"ports already in use: {', '.join(busy)}; is another `make up` running?")
        database_url, owns_database = engines.database_url, False
    else:
        secrets = generate(slugs)
        registry = PortRegistry(None)
        names = [GATEWAY, PORTAL, *(n for service in SERVICES for n in replica_names(service, replicas))]
        ports = {name: registry.port(f"service-{name}") for name in names}
        database_url, owns_database = create_database(engines.database_url, "e2e"), True
    ensure_topics(engines.kafka_bootstrap, partition_counts())
    if broker_is_ours:  # a memory broker comes back empty: its topics again, with their partition counts
        engines.supervisor.add_restart_hook("tansu", lambda: ensure_topics(engines.kafka_bootstrap,
                                                                           partition_counts()))
    stack = Stack(engines=engines, secrets=secrets, ports=ports, database_url=database_url,
                  tenants_dir=tenants_dir, owns_database=owns_database, replica_count=replicas)
    common = {**_common_env(stack, mode, broker_is_ours, fetch_max_wait_ms), **_unseal_env(stack)}
    for service in SERVICES:
        env = {**common, **_clock_env(stack, data_dir, mode), **_service_env(service, stack, mode),
               "PERSONAL_DATA_MASTER_KEY": secrets.personal_data_master_key(service),
               "RATER_INDEX_KEY": _rater_index_key(secrets),
               "SERVICE_IDENTITY_KEY": secrets.service_identity_key(service)}
        for name in stack.replicas(service):
            stack.env_by_process[name] = {**env, "PORT": str(ports[name])}
    stack.env_by_process[GATEWAY] = {
        **common,
        "PORT": str(ports[GATEWAY]),
        "GATEWAY_SIGNING_KEY": secrets.gateway_private_key,
        "GATEWAY_SEED_PASSWORD": secrets.seed_password,
        "RATER_INDEX_KEY": _rater_index_key(secrets),
        "SERVICE_IDENTITY_KEY": secrets.service_identity_key(GATEWAY),
        "PERSONAL_DATA_MASTER_KEY": secrets.personal_data_master_key(GATEWAY),  # seals accounts.v2 (docs/erasure.md)
        **{f"{name.upper()}_URL": ",".join(stack.url(r) for r in stack.replicas(name)) for name in SERVICES},
        "PORTAL_URL": stack.url(PORTAL),
        # The portal (on loopback here) passes each browser's address in X-Forwarded-For on the calls the gateway
        # throttles. Trusting loopback also believes anyone else on this machine: fine for a local stack only.
        "TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
        # tests and bench scripts sign up hundreds of applicants from this one machine's address
        "SIGNUP_MAX_PER_ADDRESS": "100000",
        "PASSWORD_RESET_REQUESTS_MAX_PER_ADDRESS": "100000",
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
        for name in stack.service_processes:
            stack.start_process(name)
        stack.wait_healthy(stack.service_processes)
        stack.start_process(GATEWAY)
        stack.wait_healthy([GATEWAY])
        stack.start_process(PORTAL)
        stack.wait_healthy([PORTAL])
    except BaseException:
        if owns_database:
            engines.stop()
            drop_database(database_url)
        raise
    return stack


def _unseal_env(stack: Stack) -> dict[str, str]:
    """Who may call whose `/internal/unseal` (docs/erasure.md): every Kafka client's public key, and where each
    producer of sealed fields answers (every replica)."""
    producers = {name: [stack.url(r) for r in stack.replicas(name)] for name in UNSEAL_PRODUCERS if name != GATEWAY}
    producers[GATEWAY] = [stack.gateway_url]
    return {"SERVICE_PUBLIC_KEYS": stack.secrets.service_public_keys((*SERVICES, GATEWAY)),
            "UNSEAL_URLS": ",".join(f"{name}={','.join(urls)}" for name, urls in producers.items())}


def _rater_index_key(secrets: StackSecrets) -> str:
    """RATER_INDEX_KEY: ONE value for the gateway and every service (each computes raters' subject ids, and they must
    agree for an erasure to reach every copy), derived from the stack's personal-data seed under a label no service
    is named."""
    return secrets.personal_data_master_key("rater-index")


def _service_env(service: str, stack: Stack, mode: Mode) -> dict[str, str]:
    """What one service needs beyond the common environment (the same for each of its replicas)."""
    secrets = stack.secrets
    match service:
        case "reviews":
            sweep = {"LAPSE_SWEEP_SECONDS": TEST_LAPSE_SWEEP_SECONDS} if mode == "test" else {}
            return {**sweep, **secrets.reviews_pseudonym_keys()}
        case "credentials":
            return {"CREDENTIALS_SIGNING_KEYS": json.dumps(secrets.signing_keys),
                    "CREDENTIALS_WEBHOOK_SECRET_KEY": secrets.webhook_secret_key}
        case "applications":
            return {"REFERENCE_LINK_KEY": secrets.reference_link_key}
        case "notifications":
            return {"SMTP_URL": stack.engines.smtp_url}
    return {}


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


def _common_env(stack: Stack, mode: Mode, broker_is_ours: bool, fetch_max_wait_ms: int | None) -> dict[str, str]:
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
        # tansu does not long-poll: a record waits about half of this, and an idle consumer asks this often.
        by_mode = TEST_FETCH_MAX_WAIT_MS if mode == "test" else UP_FETCH_MAX_WAIT_MS
        env["KAFKA_FETCH_MAX_WAIT_MS"] = str(fetch_max_wait_ms or by_mode)
    if mode == "test":
        env |= {"KAFKA_SESSION_TIMEOUT_MS": "6000", "KAFKA_HEARTBEAT_INTERVAL_MS": "1000"}
    return env
