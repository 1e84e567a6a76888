"""PostgreSQL connection facts in the shapes each driver wants."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql


def eventsourcing_env(database_url: str, schema: str) -> dict[str, str]:
    """Environment for eventsourcing's PostgreSQL persistence, in the given schema."""
    url = urlparse(database_url)
    if url.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {url.scheme!r}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": unquote(url.hostname or "127.0.0.1"),
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "5",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_PRE_PING": "y",
        "CREATE_TABLE": "y",
    }


def ensure_schema(database_url: str, schema: str) -> None:
    """Create the service's schema if it does not exist yet."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def asyncpg_server_settings(schema: str) -> dict[str, str]:
    """asyncpg `server_settings` that make unqualified names resolve in the service's schema."""
    return {"search_path": f"{schema},public", "application_name": schema}
