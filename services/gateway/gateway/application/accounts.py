"""What a person does with their own account: confirm the email, reset or change the password, edit the profile.

Every change and the events it causes (gateway.outbox) are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from servicekit.clock import Clock

from ..adapters import accounts_table, links_table, sessions_table
from ..adapters.passwords import Passwords
from ..domain.accounts import Account, check_password_policy, normalise_email
from ..domain.errors import (
    EmailAlreadyVerified,
    LinkInvalid,
    TooManyAttempts,
    UnknownTenant,
    UnsupportedLanguage,
    WrongPassword,
)
from ..domain.links import INVALID_DETAIL, REQUEST_WINDOW, Purpose, StoredLink, issue_link, retry_after_seconds
from ..domain.sessions import ActiveSession, token_digest
from ..domain.throttle import AttemptKey, LoginThrottle
from ..tenants import TenantDirectory
from . import account_events
from .login_throttling import LoginAttempts
from .outbox import Outbox

Connection = accounts_table.Connection


class AccountService:
    def __init__(self, pool: asyncpg.Pool, *, tenants: TenantDirectory, passwords: Passwords, clock: Clock,
                 throttle: LoginThrottle, public_base_url: str, outbox: Outbox,
                 outbox_written: Callable[[], None] = lambda: None) -> None:
        self._pool = pool
        self._outbox = outbox
        self._tenants = tenants
        self._passwords = passwords
        self._clock = clock
        self._attempts = LoginAttempts(throttle, clock)
        self._base_url = public_base_url.rstrip("/")
        self._outbox_written = outbox_written

    async def verify_email(self, secret: str) -> Account:
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            link, account = await self._usable_link(conn, secret, Purpose.VERIFY_EMAIL)
            await links_table.mark_used(conn, link.id, now)
            await accounts_table.mark_email_verified(conn, account.id, now)
            return await self._reload(conn, account)

    async def resend_verification(self, session: ActiveSession) -> None:
        account = session.account
        if account.email_verified:
            raise EmailAlreadyVerified("this email address is already confirmed")
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            earlier = await links_table.requested_since(conn, account.id, Purpose.VERIFY_EMAIL, now - REQUEST_WINDOW)
            retry_after = retry_after_seconds(earlier, now)
            if retry_after is not None:
                raise TooManyAttempts("several links were sent in the last hour; try again later", retry_after)
            link = issue_link(Purpose.VERIFY_EMAIL, now)
            await links_table.insert_superseding(conn, account.id, link)
            await self._outbox.add(conn, account_events.verification_requested(account, link, self._base_url))
        self._outbox_written()

    async def request_password_reset(self, tenant: str, email: str) -> None:
        """Email a reset link if an enabled account has this address; the caller cannot tell either way."""
        if self._tenants.get(tenant) is None:
            raise UnknownTenant(f"there is no tenant {tenant!r}")
        now = self._clock()
        link = issue_link(Purpose.RESET_PASSWORD, now)  # made either way: both answers cost the same
        async with self._pool.acquire() as conn, conn.transaction():
            found = await accounts_table.get_with_hash(conn, tenant, normalise_email(email))
            account = None if found is None or found[0].disabled else found[0]
            earlier = [] if account is None else await links_table.requested_since(
                conn, account.id, Purpose.RESET_PASSWORD, now - REQUEST_WINDOW)
            if account is None or retry_after_seconds(earlier, now) is not None:
                return
            await links_table.insert_superseding(conn, account.id, link)
            await self._outbox.add(conn, account_events.reset_requested(account, link, self._base_url))
        self._outbox_written()

    async def reset_password(self, secret: str, new_password: str) -> Account:
        """Choose a new password through an emailed link: every session ends, and the email counts as confirmed."""
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            link, account = await self._usable_link(conn, secret, Purpose.RESET_PASSWORD)
            check_password_policy(new_password, account.email)
            await accounts_table.update_password_hash(conn, account.id, await self._passwords.hash(new_password), now)
            await links_table.mark_used(conn, link.id, now)
            await links_table.supersede(conn, account.id, Purpose.RESET_PASSWORD, now)
            await accounts_table.mark_email_verified(conn, account.id, now)
            await sessions_table.revoke_all_of(conn, account.id, now)
            await self._attempts.unlock_account(conn, account.tenant, account.email)  # they proved the email is theirs
            await self._outbox.add(conn, account_events.password_changed(account, "reset", now))
            updated = await self._reload(conn, account)
        self._outbox_written()
        return updated

    async def change_password(self, session: ActiveSession, current: str, new_password: str, client: str) -> Account:
        """Change a known password: the other sessions end, this one stays."""
        check_password_policy(new_password, session.account.email)  # first: a weak choice is no failed attempt
        key = AttemptKey(session.account.tenant, session.account.email, client)
        async with self._pool.acquire() as conn:
            await self._attempts.admit(conn, key)  # counted like a failed log-in until it proves right
            found = await accounts_table.get_with_hash_by_id(conn, session.account.id)
        assert found is not None, "an active session has an account"
        account, password_hash = found
        if not await self._passwords.verify(password_hash, current):
            raise WrongPassword("the current password is not correct")
        now = self._clock()
        new_hash = await self._passwords.hash(new_password)
        async with self._pool.acquire() as conn, conn.transaction():
            await accounts_table.update_password_hash(conn, account.id, new_hash, now)
            await self._attempts.succeeded(conn, key, clear_account=False)
            await sessions_table.revoke_all_but(conn, account.id, session.digest, now)
            await self._outbox.add(conn, account_events.password_changed(account, "changed", now))
        self._outbox_written()
        return account

    async def update_profile(self, session: ActiveSession, *, name: str | None, language: str | None) -> Account:
        account = session.account
        tenant = self._tenants.get(account.tenant)
        if language is not None and tenant is not None and language not in tenant.languages:
            raise UnsupportedLanguage(f"{account.tenant} offers {', '.join(tenant.languages)}, not {language!r}")
        new_name = account.name if name is None else name.strip()
        new_language = account.language if language is None else language
        if (new_name, new_language) == (account.name, account.language):
            return account
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            await accounts_table.set_name_and_language(conn, account.id, new_name, new_language, now)
            updated = await self._reload(conn, account)
            await self._outbox.add(conn, account_events.profile_changed(updated, now))
        self._outbox_written()
        return updated

    async def _usable_link(self, conn: Connection, secret: str, purpose: Purpose) -> tuple[StoredLink, Account]:
        link = await links_table.get_for_update(conn, token_digest(secret))
        if link is None:
            raise LinkInvalid(INVALID_DETAIL)
        link.check_usable(purpose, self._clock())
        account = await accounts_table.get(conn, link.account_id)
        if account is None or account.disabled:
            raise LinkInvalid(INVALID_DETAIL)
        return link, account

    @staticmethod
    async def _reload(conn: Connection, account: Account) -> Account:
        reloaded = await accounts_table.get(conn, account.id)
        assert reloaded is not None
        return reloaded
