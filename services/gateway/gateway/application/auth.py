"""Accounts and sessions: sign up, log in (throttled), log out, and who a bearer token belongs to."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import asyncpg
from servicekit.clock import Clock

from ..adapters import accounts_table, links_table, sessions_table
from ..adapters.passwords import Passwords
from ..domain.accounts import APPLICANT, Account, check_password_policy, choose_language, normalise_email
from ..domain.errors import EmailTaken, InvalidCredentials, InvalidSession, UnknownTenant
from ..domain.links import Purpose, issue_link
from ..domain.sessions import ActiveSession, IssuedSession, new_session_token, token_digest
from ..domain.throttle import AttemptKey, LoginThrottle
from ..tenants import TenantDirectory
from . import account_events
from .login_throttling import LoginAttempts
from .outbox import Outbox

WRONG_CREDENTIALS = "the email or password is not correct"


class AuthService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        tenants: TenantDirectory,
        passwords: Passwords,
        clock: Clock,
        session_ttl: timedelta,
        throttle: LoginThrottle,
        outbox: Outbox,
        public_base_url: str = "http://127.0.0.1:8000",
        outbox_written: Callable[[], None] = lambda: None,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._tenants = tenants
        self._passwords = passwords
        self._clock = clock
        self._session_ttl = session_ttl
        self._attempts = LoginAttempts(throttle, clock)
        self._public_base_url = public_base_url.rstrip("/")
        self._outbox_written = outbox_written

    def require_tenant(self, slug: str) -> None:
        if self._tenants.get(slug) is None:
            raise UnknownTenant(f"there is no tenant {slug!r}")

    async def sign_up(self, tenant: str, email: str, name: str, password: str, *, language: str | None = None,
                      accept_language: str | None = None) -> Account:
        """Create an applicant account and email a link to confirm the address (both in one transaction)."""
        found = self._tenants.get(tenant)
        if found is None:
            raise UnknownTenant(f"there is no tenant {tenant!r}")
        email = normalise_email(email)
        check_password_policy(password, email)
        now = self._clock()
        account = Account(id=uuid.uuid4(), tenant=tenant, email=email, name=name.strip(),
                          roles=frozenset({APPLICANT}), created_at=now,
                          language=choose_language(language, accept_language, found.languages,
                                                   found.default_language))
        password_hash = await self._passwords.hash(password)
        link = issue_link(Purpose.VERIFY_EMAIL, now)
        async with self._pool.acquire() as conn, conn.transaction():
            if not await accounts_table.insert(conn, account, password_hash):
                raise EmailTaken(f"an account with this email already exists in {tenant}")
            await links_table.insert_superseding(conn, account.id, link)
            await self._outbox.add(conn, account_events.registered(account, now))
            await self._outbox.add(conn, account_events.verification_requested(account, link, self._public_base_url))
        self._outbox_written()
        return account

    async def log_in(self, tenant: str, email: str, password: str, client: str) -> IssuedSession:
        self.require_tenant(tenant)
        email = normalise_email(email)
        key = AttemptKey(tenant, email, client)
        async with self._pool.acquire() as conn:
            await self._attempts.admit(conn, key)  # counted as a failure until it proves right
            found = await accounts_table.get_with_hash(conn, tenant, email)
        if found is None:
            await self._passwords.verify_dummy(password)
            raise InvalidCredentials(WRONG_CREDENTIALS)
        account, password_hash = found
        if not await self._passwords.verify(password_hash, password) or account.disabled:
            raise InvalidCredentials(WRONG_CREDENTIALS)
        return await self._open_session(account, password_hash, password, key)

    async def authenticate(self, token: str) -> ActiveSession:
        async with self._pool.acquire() as conn:
            session = await sessions_table.get_active(conn, token_digest(token), self._clock())
        if session is None:
            raise InvalidSession("the session is unknown, expired or ended; log in again")
        return session

    async def log_out(self, session: ActiveSession) -> None:
        async with self._pool.acquire() as conn:
            await sessions_table.revoke(conn, session.digest, self._clock())

    async def delete_stale_records(self) -> None:
        now = self._clock()
        async with self._pool.acquire() as conn:
            await sessions_table.delete_expired(conn, now)
            await self._attempts.delete_expired(conn)

    async def _open_session(
        self, account: Account, password_hash: str, password: str, key: AttemptKey
    ) -> IssuedSession:
        new_hash = await self._passwords.hash(password) if self._passwords.needs_rehash(password_hash) else None
        token = new_session_token()
        now = self._clock()
        expires_at = now + self._session_ttl
        async with self._pool.acquire() as conn, conn.transaction():
            if new_hash is not None:
                await accounts_table.update_password_hash(conn, account.id, new_hash, now)
            await self._attempts.succeeded(conn, key, clear_account=True)
            await sessions_table.insert(conn, token_digest(token), account.id, now, expires_at)
            await accounts_table.record_sign_in(conn, account.id, now)
        return IssuedSession(token=token, expires_at=expires_at, account=account)
