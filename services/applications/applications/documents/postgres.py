"""The document store in the service's own PostgreSQL schema: table `<schema>.documents`, one row per content."""

from __future__ import annotations

from psycopg import sql
from psycopg_pool import ConnectionPool

from .store import DocumentContentMissing, ensure_digest

DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{{64}}$'),
    content bytea NOT NULL,
    size bigint NOT NULL CHECK (size = octet_length(content)),
    media_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


class PostgresDocumentStore:
    """Synchronous (psycopg), like the event store the use cases run beside."""

    def __init__(self, database_url: str, schema: str, *, max_connections: int = 4) -> None:
        self.table = sql.Identifier(schema, "documents")
        self._pool = ConnectionPool(database_url, min_size=1, max_size=max_connections, open=True,
                                    kwargs={"autocommit": True}, name="documents")

    def setup(self) -> None:
        with self._pool.connection() as conn:
            conn.execute(sql.SQL(DDL).format(table=self.table))

    def put(self, sha256: str, content: bytes, media_type: str) -> None:
        ensure_digest(sha256, content)
        with self._pool.connection() as conn:
            conn.execute(sql.SQL("INSERT INTO {} (sha256, content, size, media_type) VALUES (%s, %b, %s, %s)"
                                 " ON CONFLICT (sha256) DO NOTHING").format(self.table),
                         (sha256, content, len(content), media_type))

    def get(self, sha256: str) -> bytes:
        with self._pool.connection() as conn:
            row = conn.execute(sql.SQL("SELECT content FROM {} WHERE sha256 = %s").format(self.table),
                               (sha256,)).fetchone()
        if row is None:
            raise DocumentContentMissing(f"no stored content for checksum {sha256}")
        return bytes(row[0])

    def close(self) -> None:
        self._pool.close()
