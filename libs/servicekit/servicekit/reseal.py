"""Sealing in place the stored events written before a service sealed personal data (docs/erasure.md, slice 9).

A service that started sealing a value bumped its event classes' `class_version` and wrote an upcaster that reads
the older plaintext state. Those older events still hold the plaintext in the table, so an erasure could not reach
them. `reseal(app)` re-encodes each stored event whose stored version is older than its class's: it is decoded
through the upcasters (the service's own `TracingMapper`, with its sealed transcodings), encoded again at the
current version (sealed), and its `state` updated in place, one transaction per batch. The notification ids, the
order, the topics and the originator versions do not change, so nothing is republished and no consumer notices;
the events' trace context is kept. Events already at their class's version are left alone, so a second run changes
nothing. Snapshots are a cache of the same events: they are deleted, and made again when next needed.

Run it with the service stopped (`python -m <service>.entrypoints.reseal`), after a backup: an event decoded and
encoded differently than expected would be written for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, Notification, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.utils import resolve_topic
from psycopg import sql

from .eventstore import TRACEPARENT_KEY, TRACESTATE_KEY, TracingMapper, TrackedApplication
from .shredding import key_batch

__all__ = ["ResealReport", "reseal"]

log = logging.getLogger(__name__)


@dataclass
class ResealReport:
    read: int = 0
    resealed: int = 0
    snapshots_deleted: int = 0


def reseal(app: TrackedApplication, database_url: str, *, batch_size: int = 500) -> ResealReport:
    """Re-encode every stored event of `app` stored at an older class version (module docstring)."""
    mapper, recorder = app.mapper, app.process_recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        raise TypeError("reseal works on a PostgreSQL event store")
    events_table = sql.Identifier(recorder.datastore.schema or "public", recorder.events_table_name)
    report = ResealReport()
    position = 0
    with psycopg.connect(database_url) as conn:
        while True:
            notifications = recorder.select_notifications(start=position + 1, limit=batch_size)
            if not notifications:
                break
            with key_batch(), conn.transaction():
                for notification in notifications:
                    report.read += 1
                    if not _stored_before_current_version(mapper, notification):
                        continue
                    state = _encoded_again(mapper, notification).state
                    conn.execute(sql.SQL("UPDATE {} SET state = %s WHERE originator_id = %s AND originator_version = %s"
                                         ).format(events_table),
                                 (state, notification.originator_id, notification.originator_version))
                    report.resealed += 1
            position = notifications[-1].id
            log.info("resealed %d of %d stored events read so far", report.resealed, report.read)
        report.snapshots_deleted = _delete_snapshots(app, conn)
    return report


def _stored_before_current_version(mapper: Mapper[UUID], notification: Notification) -> bool:
    state = mapper.transcoder.decode(notification.state)
    stored = state.get("class_version", 1) if isinstance(state, dict) else 1
    current = getattr(resolve_topic(notification.topic), "class_version", 1)
    return bool(stored < current)


def _encoded_again(mapper: Mapper[UUID], notification: Notification) -> StoredEvent:
    """The event decoded through its upcasters and encoded at its class's version, with its trace context."""
    if isinstance(mapper, TracingMapper):
        domain_event, trace = mapper.to_domain_event_and_trace(notification)
    else:
        domain_event, trace = mapper.to_domain_event(notification), None
    if trace is None:
        return Mapper.to_stored_event(mapper, domain_event)
    state: dict[str, Any] = {**vars(domain_event), TRACEPARENT_KEY: trace.traceparent}
    if trace.tracestate:
        state[TRACESTATE_KEY] = trace.tracestate
    carrier: DomainEventProtocol[UUID] = object.__new__(type(domain_event))
    object.__setattr__(carrier, "__dict__", state)
    return Mapper.to_stored_event(mapper, carrier)


def _delete_snapshots(app: TrackedApplication, conn: psycopg.Connection[Any]) -> int:
    snapshots = app.snapshots
    recorder = snapshots.recorder if snapshots is not None else None
    if not isinstance(recorder, PostgresAggregateRecorder):
        return 0
    table = sql.Identifier(recorder.datastore.schema or "public", recorder.events_table_name)
    with conn.transaction():
        return conn.execute(sql.SQL("DELETE FROM {}").format(table)).rowcount
