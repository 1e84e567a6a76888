"""eventsourcing wiring: an Application whose recorder also records tracking, for exactly-once effects."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    ProcessRecorder,
    Recording,
    StoredEvent,
    Tracking,
    Transcoding,
)

from .postgres import DEFAULT_DATABASE_WAIT_SECONDS, ensure_schema, eventsourcing_env
from .shredding import key_batch
from .telemetry import TraceContext, current_trace

__all__ = ["IntegrityError", "TracingMapper", "TrackedApplication", "Tracking", "open_application"]

A = TypeVar("A", bound="TrackedApplication")


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


TRACEPARENT_KEY = "__traceparent__"
TRACESTATE_KEY = "__tracestate__"


class TracingMapper(Mapper[UUID]):
    """Stores the trace context active when an event is saved with the event's state (two extra keys, stripped
    again on decode), so the relay publishes the event's integration events in the trace that caused them.

    Event classes are unchanged, and events stored before (without the keys) decode as they always did."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        context = current_trace()
        if context is None:
            return super().to_stored_event(domain_event)
        state = {**vars(domain_event), TRACEPARENT_KEY: context.traceparent}
        if context.tracestate:
            state[TRACESTATE_KEY] = context.tracestate
        carrier = object.__new__(type(domain_event))  # the same event with two more attributes, for encoding only
        object.__setattr__(carrier, "__dict__", state)
        return super().to_stored_event(carrier)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self.to_domain_event_and_trace(stored_event)[0]

    def to_domain_event_and_trace(
        self, stored_event: StoredEvent
    ) -> tuple[DomainEventProtocol[UUID], TraceContext | None]:
        """The domain event, and the trace context it was saved in (None for untraced and older events)."""
        domain_event = super().to_domain_event(stored_event)
        state = vars(domain_event)
        traceparent = state.pop(TRACEPARENT_KEY, None)
        tracestate = state.pop(TRACESTATE_KEY, None)
        if not isinstance(traceparent, str):
            return domain_event, None
        return domain_event, TraceContext(traceparent, tracestate if isinstance(tracestate, str) else None)


class TrackedApplication(Application[UUID]):
    """An eventsourcing Application that saves new events atomically with a position in some upstream log."""

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=TracingMapper)

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    def construct_repository(self) -> Repository[UUID]:
        """Each aggregate loads in one `key_batch`: its sealed values (servicekit.shredding) read each subject's key
        row once, not once per value."""
        repository = super().construct_repository()
        get = repository.get

        def get_in_one_key_batch(*args: Any, **kwargs: Any) -> Any:
            with key_batch():
                return get(*args, **kwargs)

        repository.get = get_in_one_key_batch  # type: ignore[method-assign]
        return repository

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Every save seals its new events in one `key_batch`."""
        with key_batch():
            return super()._record(processing_event)

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


def open_application(cls: type[A], database_url: str, schema: str, *,
                     wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS) -> A:
    """Construct a service's application on PostgreSQL in its own schema (created if missing); a call meets
    an unavailable database for at most about `wait_seconds` before raising (servicekit.postgres)."""
    ensure_schema(database_url, schema)
    return cls(env=eventsourcing_env(database_url, schema, wait_seconds=wait_seconds))
