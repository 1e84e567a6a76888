"""The store's answers to the upcasters of events stored before sealing (`domain/legacy.py`), and the mapper that
makes them current while it decodes.

An aggregate's subject and association are read from its first event: an application's `Started` names its
applicant, a holding's `Granted` its holder; a rater's draft names its application (drafts started before sealing
name only their reference, whose application is found once among the stored `RaterNamed` events). Each answer is
remembered: what an aggregate's first event says never changes. Whether a subject is erased is asked of the key
store every time (an erasure may come at any moment).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from eventsourcing.utils import get_topic
from servicekit.eventstore import TracingMapper
from servicekit.subjects import rater_subject
from servicekit.telemetry import TraceContext

from ..domain import Application
from ..domain.holdings import Holding
from ..domain.legacy import StoredSubjects, resolving_with
from ..domain.reference_drafts import ReferenceDraft
from ..domain.reference_events import RaterNamed

REMEMBERED = 65536
"""Aggregates whose subject is remembered (about 200 bytes each)."""
SCAN_BATCH = 500


@dataclass(frozen=True)
class Origin:
    """What an aggregate's first event says: its association, and whose personal values it holds."""

    tenant: str | None
    subject: str | None


class KnowsErasures(Protocol):
    def is_erased(self, subject: str) -> bool: ...


class EventStore(Protocol):
    """What is read of the applications store (`ApplicationsService`)."""

    rater_index_key: bytes

    @property
    def keys(self) -> KnowsErasures: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...

    @property
    def process_recorder(self) -> ApplicationRecorder: ...


class StoreSubjects:
    """`StoredSubjects` over the applications event store and its keys."""

    def __init__(self, app: EventStore) -> None:
        self._app = app
        self._origin = functools.lru_cache(maxsize=REMEMBERED)(self._read_origin)
        self._applications_by_reference: dict[UUID, UUID] | None = None
        self._scan_lock = threading.Lock()

    def applicant_of(self, aggregate_id: UUID) -> str | None:
        return self._origin(aggregate_id).subject

    def address_in(self, aggregate_id: UUID, email: str) -> str:
        tenant = self._origin(aggregate_id).tenant
        if tenant is None:
            raise LookupError(f"aggregate {aggregate_id} names no association")
        return rater_subject(tenant, email, self._app.rater_index_key)

    def is_erased(self, subject: str) -> bool:
        return self._app.keys.is_erased(subject)

    def _read_origin(self, aggregate_id: UUID) -> Origin:
        first = self._app.process_recorder.select_events(aggregate_id, lte=1)
        if not first:
            return Origin(None, None)
        event: Any = self._app.mapper.to_domain_event(first[0])
        if isinstance(event, Application.Started):
            return Origin(event.tenant, event.applicant.subject)
        if isinstance(event, Holding.Granted):
            return Origin(event.tenant, event.holder.subject)
        if isinstance(event, ReferenceDraft.Started):
            application_id = getattr(event, "application_id", None) or self._application_of(event.reference_id)
            return Origin(event.tenant, None if application_id is None else self.applicant_of(application_id))
        return Origin(getattr(event, "tenant", None), None)

    def _application_of(self, reference_id: UUID) -> UUID | None:
        """The application that named the reference: every stored `RaterNamed` read once (only drafts started
        before sealing need it, and all their references were named before)."""
        with self._scan_lock:
            if self._applications_by_reference is None:
                self._applications_by_reference = self._scan_named_references()
            return self._applications_by_reference.get(reference_id)

    def _scan_named_references(self) -> dict[UUID, UUID]:
        found: dict[UUID, UUID] = {}
        recorder, position = self._app.process_recorder, 0
        while notifications := recorder.select_notifications(position + 1, SCAN_BATCH, topics=[get_topic(RaterNamed)]):
            for notification in notifications:
                state = self._app.mapper.transcoder.decode(notification.state)
                found[state["reference_id"]] = UUID(str(notification.originator_id))
            position = notifications[-1].id
        return found


class SubjectResolvingMapper(TracingMapper):
    """The store's mapper: decodes each event with `subjects` current for its upcasters (`domain/legacy.py`), so
    that a value stored in plaintext before sealing comes back under its subject, and is sealed when stored again
    (`python -m applications reseal`)."""

    subjects: StoredSubjects | None = None

    def to_domain_event_and_trace(
        self, stored_event: StoredEvent
    ) -> tuple[DomainEventProtocol[UUID], TraceContext | None]:
        with resolving_with(self.subjects):
            return super().to_domain_event_and_trace(stored_event)
