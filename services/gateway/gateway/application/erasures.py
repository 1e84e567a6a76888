"""Erasure requests, legal holds, and running an erasure: the gateway's own deletions, the subject's key destroyed,
the gateway's and portal's answers and `PersonErased` in the outbox, all in one transaction with the ledger.

The ledger holds ids only. An account's email is read here to find its throttle rows, and never logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

import asyncpg
from endorsement_contracts.events.erasures import ERASING_SERVICES
from servicekit.clock import Clock

from ..adapters import (
    accounts_table,
    erasures_table,
    holds_table,
    idempotency_table,
    subject_keys_table,
)
from ..adapters.passwords import Passwords
from ..domain.accounts import Account
from ..domain.erasures import SYSTEM, Erasure, ErasureState, Hold, check_may_manage_erasures, requester
from ..domain.errors import (
    ErasureNotFound,
    HoldAlreadyLifted,
    HoldNotFound,
    InvalidSession,
    PersonNotFound,
    WrongPassword,
)
from ..domain.retention import RetentionRule
from ..domain.sessions import ActiveSession
from ..domain.subjects import account_subject, rater_subject
from ..domain.throttle import AttemptKey, LoginThrottle
from . import erasure_events
from .login_throttling import LoginAttempts
from .outbox import Outbox

Connection = accounts_table.Connection
ACCOUNT_PREFIX = "account:"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """Whom a coordinator names: an account of their tenant, or a rater by email (exactly one)."""

    account_id: UUID | None = None
    rater_email: str | None = None


@dataclass(frozen=True)
class Filed:
    erasure: Erasure
    new: bool
    """False when the subject already had a request (held, erasing or done): that one is answered instead."""


@dataclass(frozen=True)
class Progress:
    erasure: Erasure
    answers: dict[str, datetime | None]
    """Every erasing service, with when it answered (None: not yet)."""


class ErasureService:
    def __init__(self, pool: asyncpg.Pool, *, passwords: Passwords, clock: Clock, throttle: LoginThrottle,
                 rater_index_key: bytes, outbox: Outbox,
                 outbox_written: Callable[[], None] = lambda: None) -> None:
        self._pool = pool
        self._outbox = outbox
        self._passwords = passwords
        self._clock = clock
        self._attempts = LoginAttempts(throttle, clock)
        self._rater_index_key = rater_index_key
        self._outbox_written = outbox_written

    async def request_own(self, session: ActiveSession, password: str, client: str) -> Filed:
        """The person, signed in and proving it again with their password (counted like a log-in attempt)."""
        account = session.account
        key = AttemptKey(account.tenant, account.email, client)
        async with self._pool.acquire() as conn:
            await self._attempts.admit(conn, key)
            found = await accounts_table.get_with_hash_by_id(conn, account.id)
        if found is None:
            raise InvalidSession("the session is unknown, expired or ended; log in again")
        if not await self._passwords.verify(found[1], password):
            raise WrongPassword("the password is not correct")
        async with self._pool.acquire() as conn:
            await self._attempts.succeeded(conn, key, clear_account=False)
        return await self._file(account.tenant, account_subject(account.id), requester(account), None)

    async def request_for(self, staff: Account, target: Target, reason: str) -> Filed:
        """A coordinator's request about one of their tenant's people, with an audited reason."""
        check_may_manage_erasures(staff, staff.tenant)
        subject = await self._subject(staff.tenant, target, already_erased_ok=True)
        return await self._file(staff.tenant, subject, requester(staff), reason)

    async def get(self, staff: Account, erasure_id: UUID) -> Progress:
        check_may_manage_erasures(staff, staff.tenant)
        async with self._pool.acquire() as conn:
            erasure = await erasures_table.get(conn, erasure_id)
            if erasure is None or erasure.tenant != staff.tenant:
                raise ErasureNotFound(f"there is no erasure request {erasure_id} in this association")
            answered = await erasures_table.answers(conn, erasure_id)
        return Progress(erasure, {service: answered.get(service) for service in ERASING_SERVICES})

    async def get_all(self, staff: Account, *, state: ErasureState | None, limit: int, offset: int) -> list[Erasure]:
        check_may_manage_erasures(staff, staff.tenant)
        async with self._pool.acquire() as conn:
            return await erasures_table.page(conn, staff.tenant, state=state, limit=limit, offset=offset)

    async def place_hold(self, staff: Account, target: Target, reason: str) -> Hold:
        """Erasures of the subject wait while the hold is active (those already running are not stopped)."""
        check_may_manage_erasures(staff, staff.tenant)
        subject = await self._subject(staff.tenant, target, already_erased_ok=False)
        hold = Hold(id=uuid.uuid4(), tenant=staff.tenant, subject=subject, reason=reason,
                    placed_by=requester(staff), placed_at=self._clock())
        async with self._pool.acquire() as conn, conn.transaction():
            await _lock_subject(conn, staff.tenant, subject)
            await holds_table.insert(conn, hold)
        log.info("hold %s on %s placed by %s", hold.id, subject, hold.placed_by)
        return hold

    async def get_holds(self, staff: Account, *, active_only: bool, limit: int, offset: int) -> list[Hold]:
        check_may_manage_erasures(staff, staff.tenant)
        async with self._pool.acquire() as conn:
            return await holds_table.page(conn, staff.tenant, active_only=active_only, limit=limit, offset=offset)

    async def lift_hold(self, staff: Account, hold_id: UUID, reason: str) -> tuple[Hold, list[Erasure]]:
        """Lift the hold; the subject's held erasures run now, unless another active hold still covers it."""
        check_may_manage_erasures(staff, staff.tenant)
        now = self._clock()
        started: list[Erasure] = []
        async with self._pool.acquire() as conn, conn.transaction():
            hold = await holds_table.get(conn, staff.tenant, hold_id)
            if hold is None:
                raise HoldNotFound(f"there is no hold {hold_id} in this association")
            await _lock_subject(conn, hold.tenant, hold.subject)
            hold = await holds_table.get(conn, staff.tenant, hold_id, for_update=True)
            assert hold is not None
            if not hold.active:
                raise HoldAlreadyLifted("this hold was already lifted")
            await holds_table.lift(conn, hold.id, requester(staff), now, reason)
            still = await holds_table.first_active(conn, hold.tenant, hold.subject)
            for erasure in await erasures_table.held_for_update(conn, hold.tenant, hold.subject):
                covering = await _other_active_hold(conn, erasure, hold) or still
                started += await self._hold_on_or_start(conn, erasure, covering)
            started += await self._release_linked(conn, hold, still)
        if started:
            self._outbox_written()
        log.info("hold %s lifted by %s; erasures started: %s", hold.id, requester(staff),
                 ", ".join(str(e.id) for e in started) or "none")
        lifted = replace(hold, lifted_by=requester(staff), lifted_at=now, lift_reason=reason)
        return lifted, started

    async def _release_linked(self, conn: Connection, lifted: Hold, still: Hold | None) -> list[Erasure]:
        """After a lift, the requests of other subjects that waited on the lifted hold (an account's address
        request waits on the account's hold): still held while another hold covers the account or the address,
        otherwise started."""
        started: list[Erasure] = []
        for waiting in await erasures_table.held_by(conn, lifted.id):
            await _lock_subject(conn, waiting.tenant, waiting.subject)  # before its row, as every request does
            erasure = await erasures_table.get(conn, waiting.id, for_update=True)
            if erasure is None or erasure.state is not ErasureState.HELD or erasure.hold_id != lifted.id:
                continue
            covering = await holds_table.first_active(conn, erasure.tenant, erasure.subject) or still
            started += await self._hold_on_or_start(conn, erasure, covering)
        return started

    async def _hold_on_or_start(self, conn: Connection, erasure: Erasure, covering: Hold | None) -> list[Erasure]:
        """A held request after a lift: still held on `covering`, or started now (returned)."""
        if covering is not None:
            await erasures_table.hold_on(conn, erasure.id, covering.id)
            return []
        now = self._clock()
        await erasures_table.start(conn, erasure.id, now)
        running = replace(erasure, state=ErasureState.ERASING, hold_id=None, started_at=now)
        await self._erase(conn, running)
        return [running]

    async def _subject(self, tenant: str, target: Target, *, already_erased_ok: bool) -> str:
        if target.rater_email is not None:
            return rater_subject(tenant, target.rater_email, self._rater_index_key)
        assert target.account_id is not None
        subject = account_subject(target.account_id)
        async with self._pool.acquire() as conn:
            if already_erased_ok and await erasures_table.get_for_subject(conn, tenant, subject) is not None:
                return subject  # its account row may be gone: the existing request is the answer
            account = await accounts_table.get(conn, target.account_id)
        if account is None or account.tenant != tenant:
            raise PersonNotFound(f"there is no account {target.account_id} in this association")
        return subject

    async def _file(self, tenant: str, subject: str, requested_by: str, reason: str | None) -> Filed:
        """One request per subject and tenant: a repeat gets the existing one. Held while a hold covers the
        subject; otherwise it runs at once."""
        async with self._pool.acquire() as conn, conn.transaction():
            await _lock_subject(conn, tenant, subject)
            existing = await erasures_table.get_for_subject(conn, tenant, subject)
            if existing is not None:
                return Filed(existing, new=False)
            address = await self._address_subject(conn, tenant, subject)  # before the account row is deleted
            inserted = await self._insert(conn, tenant, subject, requested_by, reason)
            linked = await self._insert_address(conn, inserted, address)
        self._filed_linked(linked)
        return Filed(self._filed(inserted), new=True)

    async def file_for_retention(self, rule: RetentionRule, account_id: UUID) -> Erasure | None:
        """A retention rule's request (`requested_by` system: the inactivity job's, or reviews' `ErasureDue`), held
        like anyone's under a hold; None when the account is not due (gone, of another tenant, active again, not an
        applicant's) or already has a request."""
        subject = account_subject(account_id)
        async with self._pool.acquire() as conn, conn.transaction():
            await _lock_subject(conn, rule.tenant, subject)
            if await erasures_table.get_for_subject(conn, rule.tenant, subject) is not None:
                return None
            found = await accounts_table.get_activity(conn, account_id)
            now = self._clock()
            if found is None or found[0].tenant != rule.tenant or not rule.is_due(
                    roles=found[0].roles, seeded=found[0].seeded, last_active_at=found[1], now=now):
                return None
            address = await self._address_subject(conn, rule.tenant, subject)
            inserted = await self._insert(conn, rule.tenant, subject, SYSTEM, rule.reason)
            linked = await self._insert_address(conn, inserted, address)
        self._filed_linked(linked)
        return self._filed(inserted)

    async def _address_subject(self, conn: Connection, tenant: str, subject: str) -> str | None:
        """An account's address subject (`rater:<tenant>:<HMAC of its email>`): the services hold data about the
        same person under it (as a rater, reviewer, scorer or staff address), so erasing the account erases it
        too. None for any other subject, or when the account is gone or of another tenant."""
        account_id = _account_id(subject)
        if account_id is None:
            return None
        account = await accounts_table.get(conn, account_id)
        if account is None or account.tenant != tenant:
            return None
        return rater_subject(tenant, account.email, self._rater_index_key)

    async def _insert_address(self, conn: Connection, account_erasure: Erasure, address: str | None) -> Erasure | None:
        """The address subject's request, filed with the account's (same transaction and requester, a reason naming
        the account's request) and held while a hold covers either subject; None when there is no address or it
        already has a request (that one stands)."""
        if address is None:
            return None
        tenant = account_erasure.tenant
        await _lock_subject(conn, tenant, address)  # always after the account's lock, so the order is one way
        if await erasures_table.get_for_subject(conn, tenant, address) is not None:
            return None
        reason = f"part of erasure {account_erasure.id} of {account_erasure.subject}"
        return await self._insert(conn, tenant, address, account_erasure.requested_by, reason,
                                  held_by=account_erasure.hold_id)

    async def _insert(self, conn: Connection, tenant: str, subject: str, requested_by: str,
                      reason: str | None, *, held_by: UUID | None = None) -> Erasure:
        """In the caller's transaction, under the subject's lock, with no request yet: held while a hold covers the
        subject (or `held_by`, the account's hold of an address request, is given); otherwise the gateway's part
        runs at once."""
        now = self._clock()
        hold = await holds_table.first_active(conn, tenant, subject)
        hold_id = hold.id if hold is not None else held_by
        erasure = Erasure(id=uuid.uuid4(), tenant=tenant, subject=subject, requested_by=requested_by,
                          reason=reason, requested_at=now,
                          state=ErasureState.HELD if hold_id else ErasureState.ERASING,
                          hold_id=hold_id, started_at=None if hold_id else now, done_at=None)
        inserted = await erasures_table.insert_unless_asked(conn, erasure)
        assert inserted is not None, "the subject's lock is held"
        if hold_id is None:
            await self._erase(conn, inserted)
        return inserted

    def _filed_linked(self, linked: Erasure | None) -> None:
        if linked is not None:
            self._filed(linked)

    def _filed(self, erasure: Erasure) -> Erasure:
        """After the commit: wake the relay when the request ran, and log it (ids only)."""
        if erasure.state is not ErasureState.HELD:
            self._outbox_written()
        log.info("erasure %s of %s requested by %s: %s", erasure.id, erasure.subject, erasure.requested_by,
                 erasure.state.value)
        return erasure

    async def _erase(self, conn: Connection, erasure: Erasure) -> None:
        """The gateway's part, in the caller's transaction: the account row (sessions and links cascade), its
        throttle and Idempotency-Key rows, the subject's key; then the answers and the request to the services."""
        now = self._clock()
        account_id = _account_id(erasure.subject)
        if account_id is not None:
            account = await accounts_table.get(conn, account_id)
            if account is not None:
                await self._attempts.unlock_account(conn, account.tenant, account.email)
                await accounts_table.delete(conn, account_id)
            await idempotency_table.delete_of_account(conn, account_id)
        await subject_keys_table.destroy(conn, erasure.subject)
        request = await self._outbox.add(conn, erasure_events.person_erased(erasure))
        await erasures_table.note_request_record(conn, erasure.id, request)  # its ce_id, for any later copy
        for service in erasure_events.GATEWAY_ANSWERS:
            await erasures_table.record_answer(conn, erasure.id, service, now)
            await self._outbox.add(conn, erasure_events.completed(erasure, service, now))
        await erasures_table.finish_if_answered(conn, erasure.id, ERASING_SERVICES, now)


async def _lock_subject(conn: Connection, tenant: str, subject: str) -> None:
    """Requests, holds and lifts for one subject take turns (a hold placed meanwhile is either seen or later)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"erasure\n{tenant}\n{subject}")


async def _other_active_hold(conn: Connection, erasure: Erasure, lifted: Hold) -> Hold | None:
    """The hold a request waits on when it is not the lifted one and still active (an address request waiting on its
    account's hold is not released by lifting a hold on the address)."""
    if erasure.hold_id is None or erasure.hold_id == lifted.id:
        return None
    other = await holds_table.get(conn, erasure.tenant, erasure.hold_id)
    return other if other is not None and other.active else None


def _account_id(subject: str) -> UUID | None:
    return UUID(subject.removeprefix(ACCOUNT_PREFIX)) if subject.startswith(ACCOUNT_PREFIX) else None
