"""Repeatable POSTs: claim a request's key, hand back a kept answer, keep or drop the answer once known."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import asyncpg
from cryptography.exceptions import InvalidTag
from servicekit.clock import Clock

from ..adapters import idempotency_table
from ..adapters.sealing import ResponseSeal
from ..domain.errors import IdempotencyKeyInUse
from ..domain.idempotency import (
    IdempotencyPolicy,
    Remembered,
    StoredResponse,
    answer_for_repeat,
    worth_keeping,
)

log = logging.getLogger(__name__)
CLAIM_TRIES = 3


@dataclass(frozen=True)
class Claim:
    """This request runs under the key; its answer is kept (2xx/4xx) or the key released."""

    request_key: bytes
    id: uuid.UUID


class IdempotentRequests:
    def __init__(self, pool: asyncpg.Pool, clock: Clock, policy: IdempotencyPolicy, seal: ResponseSeal) -> None:
        self._pool = pool
        self._clock = clock
        self._policy = policy
        self._seal = seal

    async def begin(self, request_key: bytes, fingerprint: bytes,
                    account_id: uuid.UUID | None = None) -> Claim | StoredResponse:
        """A claim to run the request, or the answer kept for an earlier one; IdempotencyKeyReused (another body)
        or IdempotencyKeyInUse (the earlier one still runs). `account_id`: the caller's, when signed in."""
        for _ in range(CLAIM_TRIES):
            now = self._clock()
            claim_id = uuid.uuid4()
            async with self._pool.acquire() as conn:
                if await idempotency_table.claim(conn, request_key, fingerprint, claim_id, now=now,
                                                 expires_at=self._policy.expires(now),
                                                 abandoned_before=self._policy.abandoned_before(now),
                                                 account_id=account_id):
                    return Claim(request_key, claim_id)
                row = await idempotency_table.get(conn, request_key)
                if row is None:
                    continue  # released a moment ago: claim it again
                response = None
                if row.status is not None and row.sealed is not None:
                    try:
                        response = self._seal.open(request_key, row.status, row.sealed)
                    except InvalidTag:  # sealed under an earlier GATEWAY_SIGNING_KEY: the answer is lost
                        log.warning("a kept Idempotency-Key answer cannot be opened (signing key changed); dropped")
                        await idempotency_table.forget(conn, request_key)
                        continue
            return answer_for_repeat(Remembered(row.fingerprint, row.started_at, response), fingerprint)
        raise IdempotencyKeyInUse("a request with this Idempotency-Key is still being processed; retry shortly")

    async def finish(self, claim: Claim, response: StoredResponse | None) -> None:
        """Keep a 2xx/4xx answer for repeats; otherwise (5xx, no answer) release the key so a repeat runs again."""
        async with self._pool.acquire() as conn:
            if response is not None and worth_keeping(response.status):
                await idempotency_table.complete(conn, claim.request_key, claim.id, response.status,
                                                 self._seal.seal(claim.request_key, response))
            else:
                await idempotency_table.release(conn, claim.request_key, claim.id)

    async def delete_expired(self) -> int:
        async with self._pool.acquire() as conn:
            return await idempotency_table.delete_expired(conn, self._clock())
