"""Start the engines the environment does not already provide; stop them again."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from devstack.kafka import provide_kafka
from devstack.mode import MODES, Mode
from devstack.ports import PortRegistry
from devstack.postgres import provide_postgres
from devstack.processes import Supervisor
from devstack.smtp_sink import provide_smtp


@dataclass
class Engines:
    """Connection settings of the running engines; stops what it started on `stop()`."""

    database_url: str
    kafka_bootstrap: str
    smtp_host: str
    smtp_port: int
    mail_dir: Path | None
    supervisor: Supervisor
    data_dir: Path
    startup_seconds: dict[str, float] = field(default_factory=dict)
    _cleanup: ExitStack = field(default_factory=ExitStack, repr=False)

    @property
    def smtp_url(self) -> str:
        return f"smtp://{self.smtp_host}:{self.smtp_port}"

    def env(self) -> dict[str, str]:
        """The environment services need to reach these engines."""
        return {
            "DATABASE_URL": self.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "SMTP_URL": self.smtp_url,
        }

    def stop(self) -> None:
        """Stop every child (newest first), then anything else started (containers)."""
        try:
            self.supervisor.stop_all()
        finally:
            self._cleanup.close()

    def __enter__(self) -> Engines:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_engines(data_dir: Path, mode: Mode, supervisor: Supervisor | None = None) -> Engines:
    """Start PostgreSQL, a Kafka-compatible broker and an SMTP sink, each unless configured.

    `mode="up"`: data persists under `data_dir` (postgres/, seaweedfs/, mail/) and ports are
    remembered in `data_dir/ports.json`. `mode="test"`: throw-away engines on fresh ports
    (PostgreSQL data in a private temp dir removed on stop; mail in `data_dir/mail`).
    Child logs go to `data_dir/logs/<name>.log`. Pass a `supervisor` to add more children
    (services) to the same one. On failure, whatever was started is stopped again.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    supervisor = supervisor or Supervisor(data_dir / "logs")
    ports = PortRegistry(data_dir / "ports.json" if mode == "up" else None)
    cleanup = ExitStack()
    timings: dict[str, float] = {}
    try:
        started = time.monotonic()
        database_url = provide_postgres(mode, data_dir, supervisor, ports, cleanup)
        timings["postgres"] = time.monotonic() - started
        started = time.monotonic()
        kafka_bootstrap = provide_kafka(mode, data_dir, supervisor, ports)
        timings["kafka"] = time.monotonic() - started
        started = time.monotonic()
        smtp = provide_smtp(data_dir, supervisor, ports)
        timings["smtp"] = time.monotonic() - started
    except BaseException:
        try:
            supervisor.stop_all()
        finally:
            cleanup.close()
        raise
    return Engines(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        mail_dir=smtp.mail_dir,
        supervisor=supervisor,
        data_dir=data_dir,
        startup_seconds=timings,
        _cleanup=cleanup,
    )
