"""The services' `ErasureCompleted` answers, noted in the ledger; a request is done once every erasing service has
answered. Idempotent by construction: a replayed answer is noted once (ON CONFLICT DO NOTHING), and `done` is set
only on the way from `erasing`."""

from __future__ import annotations

import logging
from enum import StrEnum

import asyncpg
from endorsement_contracts import ERASURES, Envelope, UndeliverableMessage
from endorsement_contracts.events.erasures import ERASING_SERVICES, ErasureCompleted, PersonErased
from servicekit.clock import Clock

from ..adapters import erasures_table

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    NOTED = "noted"
    REPLAYED = "replayed"
    IGNORED = "ignored"
    FILED = "filed"
    """An `ErasureDue` filed a new request (application/erasure_records.py)."""


class ErasureAnswers:
    def __init__(self, pool: asyncpg.Pool, clock: Clock) -> None:
        self._pool = pool
        self._clock = clock

    async def apply(self, envelope: Envelope) -> Outcome:
        """Note one record of the erasures topic; UndeliverableMessage when it does not belong there."""
        event = envelope.event
        if isinstance(event, PersonErased):
            return Outcome.IGNORED  # the gateway's own request, on its way to the services
        if not isinstance(event, ErasureCompleted):
            raise UndeliverableMessage(f"{envelope.type} does not belong on {ERASURES.name}")
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            erasure = await erasures_table.get(conn, event.erasure_id, for_update=True)
            if erasure is None:
                # Not in this ledger (another environment's broker, or a ledger restored from before the request):
                # nothing to note, and nothing a retry would change.
                log.info("erasure answer for unknown request %s from %s ignored", event.erasure_id, event.service)
                return Outcome.IGNORED
            if (erasure.tenant, erasure.subject) != (event.tenant, event.subject):
                raise UndeliverableMessage(f"the answer for erasure {event.erasure_id} names another subject")
            noted = await erasures_table.record_answer(conn, erasure.id, event.service, now)
            if await erasures_table.finish_if_answered(conn, erasure.id, ERASING_SERVICES, now):
                log.info("erasure %s done: every service has answered", erasure.id)
        return Outcome.NOTED if noted else Outcome.REPLAYED
