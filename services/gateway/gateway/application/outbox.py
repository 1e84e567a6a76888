"""gateway.outbox as the use cases write it: each event stored in the form it travels in, personal data sealed.

Personal data never rests in plaintext (docs/erasure.md): an account event is stored as its sealed
`endorsement.accounts.v2` twin, made in the transaction that writes the account change, its email, name and link
sealed under `account:<account_id>` with the gateway's `SubjectKeys` (`servicekit.sealed_twins.TwinSealer`). The
tokens are stable for the row's `ce_id` and field (`seal_stable`), so the relay publishes the stored bytes as they
are, on every republication. An erasure destroys the subject's key, so a row it finds still pending becomes
unreadable with everything else; an account already erased when its event is written gets `erased_token`s. Events
without a twin (the erasure ledger's, ids only) are stored as they are.

While `PUBLISH_V1_EVENTS` publishes the plaintext v1 topic as well, the relay opens a stored twin back into its v1
event at publication (`original`), in memory only; an erased account's v1 record is not published at all.

Sealing reads the subject's key on SubjectKeys' own (synchronous) connections, in a worker thread, while the
caller's transaction waits. Every account change locks its account row before writing its event (an update, or
the foreign key of a new link), and an erasure deletes that row before it destroys the key: a key read never waits
for an erasure that waits for the caller's transaction.
"""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events import twin_of
from servicekit.sealed_twins import TwinSealer, opened_twin
from servicekit.shredding import SubjectKeys, key_batch

from ..adapters import accounts_table, outbox_table
from . import account_events

Connection = accounts_table.Connection


def has_sealed_twin(event_type: type[IntegrationEvent]) -> bool:
    """A v1 event of a sealed topic: it carries personal data in plaintext, and its v2 twin carries tokens."""
    twin = twin_of(event_type)
    return twin is not None and twin.version > event_type.version


def is_sealed_twin(event_type: type[IntegrationEvent]) -> bool:
    """A v2 event of a sealed topic: the stored form of an account event."""
    original = twin_of(event_type)
    return original is not None and original.version < event_type.version


class Outbox:
    """The use cases' way into gateway.outbox, and the relay's way back to what a row says (`Sealing`)."""

    def __init__(self, keys: SubjectKeys) -> None:
        self.keys = keys
        self._twin = TwinSealer(keys, account_events.sealing_subject)

    async def add(self, conn: Connection, event: IntegrationEvent) -> UUID:
        """Write `event` in the caller's transaction, sealed; returns its record's `ce_id`."""
        record_id = uuid.uuid4()
        stored = await asyncio.to_thread(self.stored_form, event, record_id) if has_sealed_twin(type(event)) else event
        await outbox_table.add(conn, stored, record_id)
        return record_id

    def stored_form(self, event: IntegrationEvent, record_id: UUID) -> IntegrationEvent:
        """What a row keeps for `event`: its sealed twin, or the event itself when it has none. Blocking (keys)."""
        with key_batch():  # one key read for all the event's fields
            return self._twin(event, record_id) or event

    def twin(self, event: IntegrationEvent, record_id: UUID) -> IntegrationEvent | None:
        """The sealed twin of a plaintext v1 row that an older gateway wrote. Blocking (keys)."""
        return self._twin(event, record_id)

    def original(self, twin: IntegrationEvent) -> IntegrationEvent | None:
        """The v1 event a stored twin was sealed from, its tokens opened; None once the account is erased (nothing
        readable is left to publish). Blocking (keys)."""
        original = twin_of(type(twin))
        assert original is not None, f"{twin.type_name()} is no sealed twin"
        erased = False

        def opened(token: str) -> str | None:
            nonlocal erased
            text = self.keys.open(token)
            erased = erased or text is None
            return text

        event = opened_twin(twin, original, opened)
        return None if erased else event
