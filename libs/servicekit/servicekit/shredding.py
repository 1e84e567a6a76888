"""Crypto-shredding: personal data sealed with a per-subject key, made unreadable for good by destroying the key.

Each subject (a person id such as `account:<uuid>`) gets a random AES-256-GCM data key on first use, stored
wrapped (AES-256-GCM) by the service's master key in `<schema>.subject_keys`. `seal` returns a self-describing,
versioned token (`pd1.<subject>.<nonce+ciphertext>`, base64url parts) whose subject is authenticated with the
ciphertext. `destroy` erases the key and leaves a tombstone, so the subject's key is never made again: every
token sealed for it then opens to None, and sealing for it is refused. See docs/erasure.md.

`seal_stable` makes the same token for the same (subject, context, plaintext), for integration events that are
republished byte for byte under their `ce_id` (the context names the event and the field, so equal values in two
events never give equal tokens). Its nonce is derived, SIV-style, from a key derived from the subject's key: a
repeated nonce only ever repeats a whole token. `erased_token(subject)` is what stands for a value whose subject
was erased before it could be sealed: a well-formed token that opens to None.

Keys are read from their row on every use, except inside a `key_batch()` block (one aggregate load, one save, one
consumed record, one relay or projection batch), which reads each subject's row once: never across requests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql
from psycopg_pool import ConnectionPool

from .postgres import DEFAULT_DATABASE_WAIT_SECONDS, ddl_lock_key

__all__ = ["InvalidToken", "ShreddingError", "SubjectErased", "SubjectKeys", "WrongMasterKey", "erased_token",
           "parse_master_key", "subject_of", "subject_of_bytes"]

VERSION = "pd1"
BYTES_PREFIX = b"pd1b."
KEY_BYTES = 32
NONCE_BYTES = 12
MAX_SUBJECT_CHARS = 200
_TOKEN_AAD = b"servicekit.shredding/token/pd1\x00"
_BYTES_AAD = b"servicekit.shredding/bytes/pd1b\x00"
_WRAP_AAD = b"servicekit.shredding/key/v1\x00"
_STABLE_NONCE_KEY = b"servicekit.shredding/stable-nonce/v1\x00"
_TAG_BYTES = 16

DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    subject       text PRIMARY KEY,
    wrapped_key   bytea,
    master_key_id text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    erased_at     timestamptz,
    CHECK ((erased_at IS NULL AND wrapped_key IS NOT NULL AND master_key_id IS NOT NULL)
        OR (erased_at IS NOT NULL AND wrapped_key IS NULL AND master_key_id IS NULL))
)
"""


class ShreddingError(Exception):
    """Base of the errors below."""


class InvalidToken(ShreddingError):
    """Not a token this store sealed: malformed, of an unknown version, or altered."""


class WrongMasterKey(ShreddingError):
    """The subject's key was wrapped under another master key (or its row was altered)."""


class SubjectErased(ShreddingError):
    """The subject was erased: nothing may be sealed for it again."""


def parse_master_key(text: str) -> bytes:
    """A master key from settings: 32 bytes, base64 (standard or URL-safe alphabet, padding optional)."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the master key must be base64") from exc
    if len(key) != KEY_BYTES:
        raise ValueError(f"the master key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _checked_subject(subject: str) -> bytes:
    if not subject or len(subject) > MAX_SUBJECT_CHARS or "\x00" in subject:
        raise ValueError(f"a subject id is 1-{MAX_SUBJECT_CHARS} characters without NUL")
    try:
        return subject.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("a subject id must be valid Unicode text") from exc


def _parse(token: str) -> tuple[str, bytes]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != VERSION:
        raise InvalidToken("not a pd1 token")
    try:
        subject, sealed = _unb64(parts[1]).decode("utf-8"), _unb64(parts[2])
        _checked_subject(subject)
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("malformed token") from exc
    if len(sealed) < NONCE_BYTES + 16:
        raise InvalidToken("token too short")
    return subject, sealed


def _master_key_id(master_key: bytes) -> str:
    return hmac.new(master_key, b"servicekit.shredding/master-key-id", hashlib.sha256).hexdigest()[:16]


def erased_token(subject: str) -> str:
    """A token for a value of an erased subject: well formed, the same every time, opening to None wherever the
    subject's key is destroyed (and refused as altered anywhere else)."""
    return f"{VERSION}.{_b64(_checked_subject(subject))}.{_b64(bytes(NONCE_BYTES + _TAG_BYTES))}"


def subject_of(token: str) -> str:
    """The subject a token names (not yet authenticated: `SubjectKeys.open` does that)."""
    return _parse(token)[0]


def _parse_bytes(blob: bytes) -> tuple[str, bytes]:
    """`pd1b.<b64url subject>.` then nonce and ciphertext as raw bytes (a document stays binary, unexpanded)."""
    if not isinstance(blob, bytes | bytearray | memoryview) or bytes(blob[:5]) != BYTES_PREFIX:
        raise InvalidToken("not a pd1b sealed blob")
    head, dot, sealed = bytes(blob[5:]).partition(b".")
    try:
        subject = _unb64(head.decode("ascii")).decode("utf-8")
        _checked_subject(subject)
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("malformed sealed blob") from exc
    if not dot or len(sealed) < NONCE_BYTES + 16:
        raise InvalidToken("sealed blob too short")
    return subject, sealed


def subject_of_bytes(blob: bytes) -> str:
    """The subject a sealed blob names (not yet authenticated: `SubjectKeys.open_bytes` does that)."""
    return _parse_bytes(blob)[0]


_NO_KEY_YET = object()
_BATCH: ContextVar[dict[tuple[int, str], object] | None] = ContextVar("servicekit_subject_key_batch", default=None)


@contextmanager
def key_batch() -> Iterator[None]:
    """Within the block (one aggregate loaded, one save, one batch of a relay or projection: never a whole process or
    across requests), each subject's key row is read once and kept in memory; a destroy in the block counts at once.
    Nested blocks share the outer one. Without a block every open reads the key row (module docstring)."""
    if _BATCH.get() is not None:
        yield
        return
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


class SubjectKeys:
    """Per-subject data keys in PostgreSQL (synchronous psycopg, like the event store beside it)."""

    def __init__(self, database_url: str, schema: str, master_key: bytes, *, max_connections: int = 4,
                 wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS,
                 previous_master_keys: Sequence[bytes] = ()) -> None:
        if any(len(key) != KEY_BYTES for key in (master_key, *previous_master_keys)):
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self._master = AESGCM(master_key)
        self._master_id = _master_key_id(master_key)
        self._previous = {_master_key_id(key): AESGCM(key) for key in previous_master_keys}
        """Master keys being retired (rotation): keys wrapped under them still open until `rewrap` moves them."""
        self._schema = schema
        self._table = sql.Identifier(schema, "subject_keys")
        # like the event store's pool (servicekit.postgres): every wait for the database bounded, and each
        # connection checked before it is lent, so one the server closed (a restart) is replaced, not handed out
        self._pool: ConnectionPool[Any] = ConnectionPool(
            database_url, min_size=1, max_size=max_connections, open=True, name="subject-keys",
            kwargs={"autocommit": True, "connect_timeout": max(1, math.ceil(wait_seconds / 2))},
            timeout=wait_seconds, check=ConnectionPool.check_connection)

    def setup(self) -> None:
        with self._pool.connection() as conn, conn.transaction():  # replicas starting together: one at a time
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ddl_lock_key(self._schema),))
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self._schema)))
            conn.execute(sql.SQL(DDL).format(table=self._table))

    def seal(self, subject: str, plaintext: str) -> str:
        """`plaintext` encrypted under the subject's key (made on first use); raises SubjectErased once erased."""
        subject_bytes = _checked_subject(subject)
        sealed = self._encrypt(subject, plaintext.encode("utf-8"), _TOKEN_AAD + subject_bytes)
        return f"{VERSION}.{_b64(subject_bytes)}.{_b64(sealed)}"

    def seal_stable(self, subject: str, plaintext: str, context: str) -> str:
        """Like `seal`, but the same (subject, context, plaintext) always gives the same token (module docstring);
        `context` must name the one place the value goes (e.g. an event id and a field path)."""
        subject_bytes = _checked_subject(subject)
        key = self._key(subject, create=True)
        if key is None:
            raise SubjectErased(subject)
        data = plaintext.encode("utf-8")
        nonce_key = hmac.new(key, _STABLE_NONCE_KEY, hashlib.sha256).digest()
        nonce = hmac.new(nonce_key, context.encode("utf-8") + b"\x00" + data, hashlib.sha256).digest()[:NONCE_BYTES]
        sealed = nonce + AESGCM(key).encrypt(nonce, data, _TOKEN_AAD + subject_bytes)
        return f"{VERSION}.{_b64(subject_bytes)}.{_b64(sealed)}"

    def open(self, token: str) -> str | None:
        """The plaintext, or None when the subject was erased; raises InvalidToken or WrongMasterKey."""
        subject, sealed = _parse(token)
        plain = self._decrypt(subject, sealed, _TOKEN_AAD + subject.encode("utf-8"))
        return None if plain is None else plain.decode("utf-8")

    def seal_bytes(self, subject: str, data: bytes) -> bytes:
        """Binary data (a document) sealed like `seal`, as `pd1b.<b64url subject>.` + nonce + ciphertext."""
        subject_bytes = _checked_subject(subject)
        sealed = self._encrypt(subject, bytes(data), _BYTES_AAD + subject_bytes)
        return BYTES_PREFIX + _b64(subject_bytes).encode("ascii") + b"." + sealed

    def open_bytes(self, blob: bytes) -> bytes | None:
        """The data, or None when the subject was erased; raises InvalidToken or WrongMasterKey."""
        subject, sealed = _parse_bytes(blob)
        return self._decrypt(subject, sealed, _BYTES_AAD + subject.encode("utf-8"))

    def destroy(self, subject: str) -> None:
        """Erase the subject's key for good (idempotent); a tombstone stops it being made again."""
        _checked_subject(subject)
        batch = _BATCH.get()
        if batch is not None:
            batch[(id(self), subject)] = None  # erased from now on, in this batch too
        with self._pool.connection() as conn:
            conn.execute(sql.SQL(
                "INSERT INTO {t} AS k (subject, erased_at) VALUES (%s, now()) ON CONFLICT (subject) DO UPDATE"
                " SET wrapped_key = NULL, master_key_id = NULL, erased_at = COALESCE(k.erased_at, now())"
            ).format(t=self._table), (subject,))

    def is_erased(self, subject: str) -> bool:
        with self._pool.connection() as conn:
            row = conn.execute(sql.SQL("SELECT erased_at IS NOT NULL FROM {} WHERE subject = %s").format(
                self._table), (subject,)).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self._pool.close()

    def _encrypt(self, subject: str, data: bytes, aad: bytes) -> bytes:
        key = self._key(subject, create=True)
        if key is None:
            raise SubjectErased(subject)
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(key).encrypt(nonce, data, aad)

    def _decrypt(self, subject: str, sealed: bytes, aad: bytes) -> bytes | None:
        key = self._key(subject, create=False)
        if key is None:
            return None
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise InvalidToken("the token was altered or sealed elsewhere") from exc

    def _key(self, subject: str, *, create: bool) -> bytes | None:
        """The subject's data key; None once erased; read once per `key_batch` (module docstring)."""
        batch = _BATCH.get()
        if batch is None:
            return self._read_key(subject, create=create)
        cache_key = (id(self), subject)
        if cache_key not in batch or (batch[cache_key] is _NO_KEY_YET and create):
            try:
                batch[cache_key] = self._read_key(subject, create=create)
            except InvalidToken:
                batch[cache_key] = _NO_KEY_YET
                raise
        found = batch[cache_key]
        if found is _NO_KEY_YET:
            raise InvalidToken("no key was ever made here for this subject")
        return found  # type: ignore[return-value]

    def _read_key(self, subject: str, *, create: bool) -> bytes | None:
        """The subject's data key from its row; None once erased. Concurrent creators agree through the primary key."""
        select = sql.SQL("SELECT wrapped_key, master_key_id FROM {} WHERE subject = %s").format(self._table)
        with self._pool.connection() as conn:
            row = conn.execute(select, (subject,)).fetchone()
            if row is None and create:
                conn.execute(sql.SQL("INSERT INTO {} (subject, wrapped_key, master_key_id) VALUES (%s, %s, %s)"
                                     " ON CONFLICT (subject) DO NOTHING").format(self._table),
                             (subject, self._wrap(subject, os.urandom(KEY_BYTES)), self._master_id))
                row = conn.execute(select, (subject,)).fetchone()
        if row is None:
            raise InvalidToken("no key was ever made here for this subject")
        wrapped, master_id = row
        if wrapped is None:
            return None
        return self._unwrap(subject, bytes(wrapped), master_id)

    def rewrap(self, batch_size: int = 500) -> int:
        """Master key rotation: re-wrap, under the current master key, every key wrapped under a previous one
        (PERSONAL_DATA_PREVIOUS_MASTER_KEYS); the data sealed with them is never re-encrypted. Idempotent, safe
        while the service runs (a row changed or erased meanwhile is left alone); returns how many it moved.
        Once it returns 0 (and every replica runs with the new key), the previous key can be dropped."""
        moved = 0
        select = sql.SQL("SELECT subject, wrapped_key, master_key_id FROM {} WHERE wrapped_key IS NOT NULL"
                         " AND master_key_id <> %s AND subject > %s ORDER BY subject LIMIT %s").format(self._table)
        update = sql.SQL("UPDATE {} SET wrapped_key = %s, master_key_id = %s WHERE subject = %s"
                         " AND master_key_id = %s AND wrapped_key = %s").format(self._table)
        after = ""
        while True:
            with self._pool.connection() as conn:
                rows = conn.execute(select, (self._master_id, after, batch_size)).fetchall()
                for subject, wrapped, master_id in rows:
                    key = self._unwrap(subject, bytes(wrapped), master_id)
                    changed = conn.execute(update, (self._wrap(subject, key), self._master_id, subject, master_id,
                                                    wrapped)).rowcount
                    moved += changed
            if len(rows) < batch_size:
                return moved
            after = rows[-1][0]

    def _unwrap(self, subject: str, wrapped: bytes, master_id: str) -> bytes:
        master = self._master if master_id == self._master_id else self._previous.get(master_id)
        if master is None:
            raise WrongMasterKey(f"the key of {subject!r} was wrapped under another master key")
        try:
            return master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _WRAP_AAD + subject.encode("utf-8"))
        except InvalidTag as exc:
            raise WrongMasterKey(f"the key of {subject!r} does not unwrap under this master key") from exc

    def _wrap(self, subject: str, key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, key, _WRAP_AAD + subject.encode("utf-8"))
