"""Idempotent Kafka consumption: each record's effects are saved atomically with its position.

A record's position is the tracking record `(group/topic/partition, offset + 1)` in the consuming
service's own database, written in the same transaction as the events the record caused. A redelivered
record is recognised by its position and skipped; a republished copy (same `ce_id`, new offset) is
recognised by the handler, which derives aggregate ids from the event and finds them already there.
Records no handler can accept go to the dead-letter topic with the reason, and the partition moves on.

Positions are scoped to the broker epoch (`servicekit.broker_epoch`): after the broker lost its data, offsets
start again at 0 and must not be mistaken for the old ones. A record that looks processed by position is only
skipped once a fresh read of the epoch confirms it is still the same broker; `servicekit.replay` rewinds the
partitions when the epoch changes, and the handlers recognise the republished copies by content.

Sealed fields (docs/erasure.md, slice 4): a consumer given an `unsealer` opens the tokens of a record's `Sealed`
fields at the record's producer before anything else, outside any transaction, and handlers read the text with
`servicekit.unseal.plaintext(token)` (a context variable set around the handler: their signature is unchanged).
A producer that cannot answer leaves the record unprocessed and unrecorded: it is redelivered until the producer
is back (`ConsumerStats.producers_away`, the `unseal_producer_unavailable` gauge, `/readyz`). A producer that
refuses the tokens (a forged record) gets the record dead-lettered, `unseal refused: <problem code>`.

`servicekit.subscription` attaches a consumer to the broker and hands it records in batches. Services build the
`handlers` with `servicekit.handlers.EventHandlers` (typed registration, unknown tenants refused before a handler).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from endorsement_contracts import Envelope, IntegrationEvent, UndeliverableMessage
from eventsourcing.persistence import IntegrityError, Tracking

from .epoch_scope import EpochScope
from .eventstore import TrackedApplication
from .shredding import key_batch
from .unseal import PRODUCER_AWAY, ProducerUnavailable, producer_of_topic, sealed_tokens, unsealed

log = logging.getLogger(__name__)

Handler = Callable[[Envelope], Sequence[Any]]
"""Returns the aggregates whose pending events are the record's effects (none when already applied)."""

MAX_CONFLICT_RETRIES = 5
EPOCH_CHANGED = "epoch changed"
"""`process_record`'s answer for a record read before its partition was positioned in the broker epoch now known."""
Opened = Mapping[str, str | None]


class Unsealer(Protocol):
    """What the consumer needs of `servicekit.unseal.UnsealClient`."""

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]: ...


class RejectedMessage(UndeliverableMessage):
    """A well-formed event this service cannot accept (e.g. unknown tenant); it goes to the dead-letter topic."""


@dataclass
class ConsumerStats:
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    ignored: int = 0
    last_error: str | None = None
    started: bool = False
    by_type: dict[str, int] = field(default_factory=dict)
    producers_away: dict[str, str] = field(default_factory=dict)
    """Producers whose `/internal/unseal` did not answer the last time, with why (never a token)."""


class IdempotentConsumer:
    """Routes decoded events to handlers and records positions with their effects."""

    def __init__(
        self,
        app: TrackedApplication,
        *,
        group_id: str,
        handlers: dict[type[IntegrationEvent], Handler],
        unsealer: Unsealer | None = None,
        producer_of: Callable[[str], str] = producer_of_topic,
    ) -> None:
        self.app = app
        self.group_id = group_id
        self.handlers = handlers
        self.unsealer = unsealer
        """None (today's services): records are handled as they come, sealed fields unopened."""
        self.producer_of = producer_of
        """The service whose `/internal/unseal` opens a topic's tokens (default: `producer_of_topic`)."""
        self.stats = ConsumerStats()
        self.epoch: EpochScope | None = None
        """When set (the runtime sets it), positions are kept per broker epoch."""

    def topics(self) -> list[str]:
        return sorted({event.topic for event in self.handlers})

    def tracking_for(self, topic: str, partition: int, offset: int) -> Tracking:
        """The position after `offset`, in the broker epoch last read (no broker call: safe in the event loop)."""
        name = f"{self.group_id}/{topic}/{partition}"
        return Tracking(self.epoch.name_last_known(name) if self.epoch is not None else name, offset + 1)

    async def unseal(self, envelope: Envelope, topic: str) -> Opened | None:
        """The texts of the record's sealed fields, opened at the topic's producer (None without an unsealer or
        for an event no handler takes). Raises ProducerUnavailable (redelivered) or UnsealRefused (dead letter)."""
        tokens = self.tokens_to_open(envelope)
        if not tokens:
            return None if tokens is None else {}
        return await self.open_tokens(self.producer_of(topic), tokens)

    def tokens_to_open(self, envelope: Envelope) -> list[str] | None:
        """The tokens of the record's sealed fields; None when nothing is opened for it (no unsealer, or no
        handler takes its event)."""
        if self.unsealer is None or type(envelope.event) not in self.handlers:
            return None
        return sealed_tokens(envelope.event)

    async def open_tokens(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]:
        """Open tokens at their producer (any number: the client sends them in batches), keeping the producer's
        availability in the stats and the gauge."""
        assert self.unsealer is not None
        try:
            opened = await self.unsealer.open_many(producer, tokens)
        except ProducerUnavailable as exc:
            self.stats.producers_away[producer] = exc.why
            PRODUCER_AWAY.labels(producer).set(1)
            raise
        if self.stats.producers_away.pop(producer, None) is not None:
            PRODUCER_AWAY.labels(producer).set(0)
        return opened

    def process_record(self, envelope: Envelope, topic: str, partition: int, offset: int,
                       opened: Opened | None = None) -> str:
        """`process` at the record's position; one that looks processed is checked against a fresh epoch first,
        so a record of a broker that lost its data is never skipped for an old record's position."""
        tracking = self.tracking_for(topic, partition, offset)
        if self.epoch is not None and self.app.has_processed(tracking):
            self.epoch.refresh()
            if self.tracking_for(topic, partition, offset) != tracking:
                return EPOCH_CHANGED  # handled only once the partition is positioned in the new epoch
        with key_batch():  # the record's loads and save read each subject's key row once (servicekit.shredding)
            return self.process(envelope, tracking, opened)

    def process(self, envelope: Envelope, tracking: Tracking, opened: Opened | None = None) -> str:
        """Apply one decoded record exactly once; returns what happened (processed/duplicate/ignored). `opened`:
        the texts of its sealed fields, which the handler reads with `servicekit.unseal.plaintext`."""
        if self.app.has_processed(tracking):
            self.stats.duplicates += 1
            return "duplicate"
        handler = self.handlers.get(type(envelope.event))
        if handler is None:
            self._record_position(tracking)
            self.stats.ignored += 1
            return "ignored"
        for attempt in range(MAX_CONFLICT_RETRIES):
            if opened is None:
                aggregates = handler(envelope)
            else:
                with unsealed(opened):
                    aggregates = handler(envelope)
            try:
                if aggregates:
                    self.app.save_tracked(tracking, *aggregates)
                else:
                    self._record_position(tracking)
            except IntegrityError:
                if self.app.has_processed(tracking):
                    self.stats.duplicates += 1
                    return "duplicate"
                log.warning("conflict saving effects of %s (attempt %d); retrying", envelope.id, attempt + 1)
                continue
            if aggregates:
                self.stats.processed += 1
                self.stats.by_type[envelope.type] = self.stats.by_type.get(envelope.type, 0) + 1
                return "processed"
            self.stats.duplicates += 1
            return "duplicate"
        raise RuntimeError(f"could not save the effects of {envelope.id} after {MAX_CONFLICT_RETRIES} attempts")

    def record_rejection(self, tracking: Tracking) -> None:
        self._record_position(tracking)
        self.stats.dead_lettered += 1

    def _record_position(self, tracking: Tracking) -> None:
        with contextlib.suppress(IntegrityError):  # a redelivery raced us to it: recorded either way
            self.app.record_position(tracking)
