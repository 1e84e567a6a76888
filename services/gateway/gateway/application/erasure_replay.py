"""Asking the services again after the broker lost its data (issue 10 item 10): `PersonErased` once more for every
erasure request still `erasing`.

The outbox relay drops a row's payload once it is published (`application/outbox_relay.py`), so rows are never
published again after a broker lost its data. A request the services had not all answered would then stay
`erasing` for ever: its `PersonErased` is gone with the broker, and no service answers a request it never read.
So when the relay reads a broker epoch (`servicekit.broker_epoch`) other than the one recorded in
`gateway.broker_epoch`, it calls `follow` under the relay lock, in one transaction: the new epoch is recorded and a
`PersonErased` for each running request goes to the outbox, under the `ce_id` its first record had (kept in the
ledger, `gateway.erasures.request_ce_id`), with the same content. Services that had already handled it recognise it
and answer again, which the gateway's consumer notes once (`application/erasure_answers.py`); the others erase and
answer. Held and done requests are left alone. Either all of it is written or none of it (the epoch stays
unrecorded, and the next relay to read the new epoch does it), and the relay lock with the recorded epoch makes it
once per change, however many gateways read the new epoch.

The first epoch a database ever records asks nothing again: no relay of it had published into an earlier broker
that it knew of. A request that ran before the ledger kept the `ce_id`, whose row has been published since (its
payload, which named the request, is gone), gets a `ce_id` derived from its id, kept from then on; the services
recognise it by its erasure id. Only `PersonErased` is written again: the gateway's own answers (`gateway`,
`portal`) are already in its ledger, and no other service reads them.
"""

from __future__ import annotations

import logging
from uuid import NAMESPACE_URL, UUID, uuid5

from servicekit.clock import Clock

from ..adapters import broker_epoch_table, erasures_table, outbox_table
from ..adapters.accounts_table import Connection
from . import erasure_events

log = logging.getLogger(__name__)


def derived_request_record(erasure_id: UUID) -> UUID:
    """The `ce_id` of a request filed before the ledger kept its record's: the same for every gateway."""
    return uuid5(NAMESPACE_URL, f"urn:endorsement:gateway:person-erased:{erasure_id}")


class ErasureReplay:
    """The relay's `EpochFollower`."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def follow(self, conn: Connection, epoch: str) -> int:
        """In the caller's transaction, under the relay lock: record `epoch`; when another was recorded before it,
        write `PersonErased` again for every request still erasing. Returns how many rows it wrote."""
        known = await broker_epoch_table.recorded(conn)
        if known == epoch:
            return 0
        now = self._clock()
        await broker_epoch_table.record(conn, epoch, now)
        if known is None:
            log.info("broker epoch %s recorded (the first this database has seen)", epoch)
            return 0
        written = 0
        for erasure, kept in await erasures_table.erasing_with_request_records(conn):
            ce_id = kept or await _derive_request_record(conn, erasure.id)
            if await outbox_table.add_again(conn, erasure_events.person_erased(erasure), ce_id, now):
                written += 1
        log.warning("broker epoch changed from %s to %s (the broker lost its data): PersonErased written again for %d "
                    "erasure request(s) still running", known, epoch, written)
        return written


async def _derive_request_record(conn: Connection, erasure_id: UUID) -> UUID:
    ce_id = derived_request_record(erasure_id)
    await erasures_table.note_request_record(conn, erasure_id, ce_id)
    return ce_id
