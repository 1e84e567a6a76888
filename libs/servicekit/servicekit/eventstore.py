"""eventsourcing wiring: an Application whose recorder also records tracking, for exactly-once effects."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Tracking,
    Transcoding,
)

from .postgres import ensure_schema, eventsourcing_env

__all__ = ["IntegrityError", "TrackedApplication", "Tracking", "open_application"]

A = TypeVar("A", bound="TrackedApplication")


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TrackedApplication(Application[UUID]):
    """An eventsourcing Application that saves new events atomically with a position in some upstream log."""

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    @property
    def process_recorder(self) -> ProcessRecorder:
        recorder = self.recorder
        assert isinstance(recorder, ProcessRecorder)
        return recorder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save_tracked(self, tracking: Tracking, *aggregates: Any) -> None:
        """Save the aggregates' pending events and the tracking record in one transaction.

        Raises IntegrityError if the tracking position was already recorded or an aggregate
        was changed concurrently; nothing is written in either case.
        """
        processing_event: ProcessingEvent[UUID] = ProcessingEvent(tracking=tracking)
        processing_event.collect_events(*aggregates)
        recordings = self._record(processing_event)
        self._notify(recordings)

    def has_processed(self, tracking: Tracking) -> bool:
        return self.process_recorder.has_tracking_id(tracking.application_name, tracking.notification_id)

    def record_position(self, tracking: Tracking) -> None:
        """Record that an upstream position was handled with no events to save."""
        self.process_recorder.insert_tracking(tracking)

    def position(self, name: str) -> int:
        """The last upstream position recorded under `name`, 0 when none."""
        return self.process_recorder.max_tracking_id(name) or 0


def open_application(cls: type[A], database_url: str, schema: str) -> A:
    """Construct a service's application on PostgreSQL in its own schema (created if missing)."""
    ensure_schema(database_url, schema)
    return cls(env=eventsourcing_env(database_url, schema))
