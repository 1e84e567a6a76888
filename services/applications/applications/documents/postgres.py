"""The document store in the service's own PostgreSQL schema.

`<schema>.sealed_documents` holds the bytes sealed under their owner, one row per `(subject, sha256)`; the older
`<schema>.documents` (plaintext, one row per SHA-256, shared by everyone who uploaded those bytes) is only read,
for documents uploaded before sealing, until the migration moves them (docs/erasure.md, slice 9).
"""

from __future__ import annotations

from psycopg import sql
from psycopg_pool import ConnectionPool
from servicekit.postgres import DEFAULT_DATABASE_WAIT_SECONDS, ddl_lock_key

from .errors import DocumentContentMissing

DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{{64}}$'),
    content bytea NOT NULL,
    size bigint NOT NULL CHECK (size = octet_length(content)),
    media_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {sealed} (
    subject text NOT NULL CHECK (subject <> ''),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{{64}}$'),
    content bytea NOT NULL,
    media_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, sha256)
)
"""


class PostgresDocumentStore:
    """Synchronous (psycopg), like the event store the use cases run beside."""

    def __init__(self, database_url: str, schema: str, *, max_connections: int = 4) -> None:
        self.table = sql.Identifier(schema, "documents")
        self.sealed = sql.Identifier(schema, "sealed_documents")
        self._ddl_lock = ddl_lock_key(schema)
        # each connection checked before it is lent (one the server closed in a restart is replaced, not lent) and
        # every wait bounded, as for the event store beside it (servicekit.postgres)
        self._pool = ConnectionPool(database_url, min_size=1, max_size=max_connections, open=True,
                                    kwargs={"autocommit": True, "connect_timeout": 1}, name="documents",
                                    timeout=DEFAULT_DATABASE_WAIT_SECONDS, check=ConnectionPool.check_connection)

    def setup(self) -> None:
        with self._pool.connection() as conn, conn.transaction():  # replicas starting together: one at a time
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._ddl_lock,))
            conn.execute(sql.SQL(DDL).format(table=self.table, sealed=self.sealed))

    def put(self, owner: str, sha256: str, sealed: bytes, media_type: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(sql.SQL("INSERT INTO {} (subject, sha256, content, media_type) VALUES (%s, %s, %b, %s)"
                                 " ON CONFLICT (subject, sha256) DO UPDATE SET content = EXCLUDED.content")
                         .format(self.sealed), (owner, sha256, sealed, media_type))

    def get(self, owner: str | None, sha256: str) -> bytes:
        with self._pool.connection() as conn:
            if owner is None:
                row = conn.execute(sql.SQL("SELECT content FROM {} WHERE sha256 = %s").format(self.table),
                                   (sha256,)).fetchone()
            else:
                row = conn.execute(sql.SQL("SELECT content FROM {} WHERE subject = %s AND sha256 = %s")
                                   .format(self.sealed), (owner, sha256)).fetchone()
        if row is None:
            raise DocumentContentMissing(f"no stored content for checksum {sha256}")
        return bytes(row[0])

    def forget(self, owner: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(sql.SQL("DELETE FROM {} WHERE subject = %s").format(self.sealed), (owner,))

    def close(self) -> None:
        self._pool.close()
