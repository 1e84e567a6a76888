"""Portal sessions: one row per browser in `portal.sessions`, the bearer token encrypted at rest (AES-GCM)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DDL = """
CREATE SCHEMA IF NOT EXISTS portal;
CREATE TABLE IF NOT EXISTS portal.sessions (
    id_hash     text PRIMARY KEY,
    csrf_token  text NOT NULL,
    token       bytea,
    account     jsonb,
    language    text,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON portal.sessions (expires_at);
"""

ACCOUNT_FIELDS = ("id", "tenant", "roles", "language", "email_verified")
"""What a session row keeps of the gateway's account: who (an id) and what they may do, never a name or email.
Pages that show the name or email read them from the gateway per request (`web/profile.py`), so once the gateway
deletes an erased person's account, what is left in their session row identifies nobody."""
DATA_KEYS = ("notices",)
"""What `data` may hold: message ids of notices shown once (`PortalSession.flash`). Never form input."""


def _keep_only(column: str, keys: tuple[str, ...]) -> str:
    """An idempotent UPDATE leaving in the jsonb `column` only `keys` (rows already minimal are not touched)."""
    allowed = ", ".join(f"'{key}'" for key in keys)
    return (f"UPDATE portal.sessions SET {column} = (SELECT coalesce(jsonb_object_agg(key, value), '{{}}'::jsonb)"
            f" FROM jsonb_each({column}) WHERE key IN ({allowed}))"
            f" WHERE CASE WHEN jsonb_typeof({column}) = 'object' THEN EXISTS"
            f" (SELECT 1 FROM jsonb_object_keys({column}) AS k WHERE k NOT IN ({allowed})) ELSE false END;\n")


MINIMISE = (_keep_only("account", ACCOUNT_FIELDS) + _keep_only("data", DATA_KEYS)
            + "UPDATE portal.sessions SET account = NULL WHERE account = '{}'::jsonb"
            " OR jsonb_typeof(account) <> 'object';\n")
"""Rows written before sessions were minimal (their account held the name and email; their flash messages could
hold a name): stripped at start-up, with the DDL. Idempotent."""


def _hash(session_id: str) -> str:
    """Rows are keyed by a hash of the cookie value, so a read of the table gives no usable session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class PortalSession:
    """One browser's session. Changes are saved by the session middleware when the response is ready."""

    id: str
    csrf_token: str
    expires_at: datetime
    access_token: str | None = None
    account: dict[str, Any] | None = None
    language: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    is_new: bool = False
    dirty: bool = False

    @property
    def signed_in(self) -> bool:
        return self.access_token is not None and self.account is not None

    def sign_in(self, token: str, account: dict[str, Any]) -> None:
        self.access_token, self.account, self.dirty = token, kept_account(account), True

    def set_account(self, account: dict[str, Any]) -> None:
        """Keep the account's non-personal fields (ACCOUNT_FIELDS); the row is saved only if they changed."""
        kept = kept_account(account)
        if kept != self.account:
            self.account, self.dirty = kept, True

    def set_language(self, language: str) -> None:
        self.language, self.dirty = language, True

    def flash(self, message_id: str, kind: str = "success") -> None:
        """A notice shown once, on the next page rendered: an English msgid (`N_("…")`), translated when shown.

        Fixed text only, never text with a person's data in it (a name, an email, a file name): the session row
        is stored, and nothing erases it when the person is erased. `tests/unit/test_session_minimal.py` checks
        that every call passes a literal."""
        self.data.setdefault("notices", []).append({"message": message_id, "kind": kind})
        self.dirty = True

    def pop_flashes(self) -> list[dict[str, str]]:
        """The notices to show now (msgids, untranslated), removed from the session."""
        messages: list[dict[str, str]] = self.data.pop("notices", [])
        if messages:
            self.dirty = True
        return messages


def kept_account(account: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a gateway account a session row may hold (ACCOUNT_FIELDS)."""
    if not isinstance(account, dict):
        return None
    return {key: account[key] for key in ACCOUNT_FIELDS if key in account}


def new_session(ttl: timedelta) -> PortalSession:
    return PortalSession(id=secrets.token_urlsafe(32), csrf_token=secrets.token_urlsafe(32),
                         expires_at=datetime.now(UTC) + ttl, is_new=True, dirty=True)


class SessionStore(Protocol):
    async def load(self, session_id: str) -> PortalSession | None: ...
    async def save(self, session: PortalSession) -> None: ...
    async def delete(self, session_id: str) -> None: ...
    async def purge_expired(self) -> int: ...


class TokenBox:
    """AES-256-GCM with a key derived from PORTAL_SESSION_KEY; the row's id hash is the associated data."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(hashlib.sha256(b"portal-session-token\x00" + secret.encode()).digest())

    def seal(self, token: str, id_hash: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, token.encode(), id_hash.encode())

    def open(self, sealed: bytes, id_hash: str) -> str | None:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], id_hash.encode()).decode()
        except (InvalidTag, ValueError):  # a rotated key or a tampered row: the person signs in again
            return None


class PostgresSessionStore:
    def __init__(self, pool: asyncpg.Pool, secret: str) -> None:
        self._pool = pool
        self._box = TokenBox(secret)

    @staticmethod
    async def create_schema(pool: asyncpg.Pool) -> None:
        async with pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtext('portal.sessions ddl'))")
            try:
                await conn.execute(DDL)
                await conn.execute(MINIMISE)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('portal.sessions ddl'))")

    async def load(self, session_id: str) -> PortalSession | None:
        id_hash = _hash(session_id)
        row = await self._pool.fetchrow(
            "SELECT csrf_token, token, account, language, data, expires_at FROM portal.sessions"
            " WHERE id_hash = $1 AND expires_at > now()", id_hash)
        if row is None:
            return None
        token = self._box.open(bytes(row["token"]), id_hash) if row["token"] is not None else None
        account = kept_account(json.loads(row["account"])) if row["account"] is not None else None
        return PortalSession(id=session_id, csrf_token=row["csrf_token"], expires_at=row["expires_at"],
                             access_token=token, account=account if token else None, language=row["language"],
                             data=json.loads(row["data"]))

    async def save(self, session: PortalSession) -> None:
        id_hash = _hash(session.id)
        sealed = self._box.seal(session.access_token, id_hash) if session.access_token else None
        await self._pool.execute(
            "INSERT INTO portal.sessions (id_hash, csrf_token, token, account, language, data, expires_at)"
            " VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7)"
            " ON CONFLICT (id_hash) DO UPDATE SET csrf_token = EXCLUDED.csrf_token, token = EXCLUDED.token,"
            " account = EXCLUDED.account, language = EXCLUDED.language, data = EXCLUDED.data,"
            " expires_at = EXCLUDED.expires_at",
            id_hash, session.csrf_token, sealed, json.dumps(session.account) if session.account else None,
            session.language, json.dumps(session.data), session.expires_at)
        session.is_new = session.dirty = False

    async def delete(self, session_id: str) -> None:
        await self._pool.execute("DELETE FROM portal.sessions WHERE id_hash = $1", _hash(session_id))

    async def purge_expired(self) -> int:
        result = await self._pool.execute("DELETE FROM portal.sessions WHERE expires_at <= now()")
        return int(result.split()[-1])


class MemorySessionStore:
    """Keeps sessions in a dict (tests, and pages that need no database)."""

    def __init__(self) -> None:
        self.rows: dict[str, PortalSession] = {}

    async def load(self, session_id: str) -> PortalSession | None:
        row = self.rows.get(_hash(session_id))
        if row is None or row.expires_at <= datetime.now(UTC):
            return None
        return PortalSession(id=session_id, csrf_token=row.csrf_token, expires_at=row.expires_at,
                             access_token=row.access_token, account=row.account, language=row.language,
                             data=json.loads(json.dumps(row.data)))

    async def save(self, session: PortalSession) -> None:
        self.rows[_hash(session.id)] = PortalSession(
            id="", csrf_token=session.csrf_token, expires_at=session.expires_at, access_token=session.access_token,
            account=session.account, language=session.language, data=json.loads(json.dumps(session.data)))
        session.is_new = session.dirty = False

    async def delete(self, session_id: str) -> None:
        self.rows.pop(_hash(session_id), None)

    async def purge_expired(self) -> int:
        now = datetime.now(UTC)
        gone = [key for key, row in self.rows.items() if row.expires_at <= now]
        for key in gone:
            del self.rows[key]
        return len(gone)
