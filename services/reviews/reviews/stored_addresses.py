"""The store's answers to the upcasters of events stored with a reviewer's or scorer's plain address
(`domain/legacy.py`), and the mapper that makes them current while it decodes.

An aggregate's association is named by its first event (a case's or an examination's `Opened`), read once and
remembered: what a first event says never changes. Whether a subject is erased is asked of the key store every time
(an erasure may come at any moment).
"""

from __future__ import annotations

import functools
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from servicekit.eventstore import TracingMapper
from servicekit.telemetry import TraceContext

from .domain.legacy import AddressSubjects, resolving_with


class KnowsErasures(Protocol):
    def is_erased(self, subject: str) -> bool: ...


class AddressedStore(Protocol):
    """What is read of the reviews store (`store.ReviewStore`)."""

    @property
    def keys(self) -> KnowsErasures: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...

    @property
    def recorder(self) -> ApplicationRecorder: ...

    def address_subject(self, tenant: str, email: str) -> str: ...


REMEMBERED = 65536
"""Aggregates whose association is remembered (a few hundred bytes each)."""


class StoreAddresses:
    """`domain.legacy.AddressSubjects` over the event store: an aggregate's association is named by its first event
    (a case's or an examination's `Opened`), read once and remembered; erasures are asked of the keys each time."""

    def __init__(self, store: AddressedStore) -> None:
        self._store = store
        self._tenant = functools.lru_cache(maxsize=REMEMBERED)(self._read_tenant)

    def address_in(self, aggregate_id: UUID, email: str) -> str:
        return self._store.address_subject(self.tenant_of(aggregate_id), email)

    def tenant_of(self, aggregate_id: UUID) -> str:
        tenant = self._tenant(aggregate_id)
        if tenant is None:
            raise LookupError(f"aggregate {aggregate_id} names no association")
        return tenant

    def is_erased(self, subject: str) -> bool:
        return self._store.keys.is_erased(subject)

    def _read_tenant(self, aggregate_id: UUID) -> str | None:
        first = self._store.recorder.select_events(aggregate_id, lte=1)
        if not first:
            return None
        tenant = self._store.mapper.transcoder.decode(first[0].state).get("tenant")
        return tenant if isinstance(tenant, str) else None


class AddressResolvingMapper(TracingMapper):
    """The store's mapper: decodes each event with `subjects` current for the upcasters of events stored with plain
    addresses (`domain/legacy.py`), so those come back under their subject, and are sealed when stored again
    (`python -m reviews reseal`)."""

    subjects: AddressSubjects | None = None

    def to_domain_event_and_trace(
        self, stored_event: StoredEvent
    ) -> tuple[DomainEventProtocol[UUID], TraceContext | None]:
        with resolving_with(self.subjects):
            return super().to_domain_event_and_trace(stored_event)
