"""Typed registration of a consumer's handlers, with the unknown-tenant refusal built in.

A consuming service registers one function per integration event type, typed by it:

    handlers = EventHandlers(serves_tenant=lambda slug: tenants.get(slug) is not None)

    @handlers.on(ApplicationSubmitted)
    def submitted(event: ApplicationSubmitted, envelope: Envelope) -> Effects: ...

    @handlers.on(PersonErased, any_tenant=True)
    def erased(event: PersonErased, envelope: Envelope) -> Effects: ...

`handlers.table()` is the mapping `servicekit.consumer.IdempotentConsumer` and `servicekit.sealed_twins.
opened_handlers` take. Each of its entries refuses a record whose event's `tenant` this service does not serve
(`RejectedMessage`, reason `unknown tenant '<slug>'`: the record is dead-lettered) before the function runs, then
calls it with the event as its registered type (the consumer routes records by exact type, so no `isinstance`).

- mypy checks each function's event parameter against the type it is registered for.
- A type registered twice is refused when it is registered (at start-up): `ValueError`.
- The tenant is the `tenant` field every integration event has (`endorsement_contracts.base`). `any_tenant=True` is
  the one way to skip the check, said at the registration: for events that must be handled whatever association
  they name (the erasure ledger's `PersonErased`: a subject of an association this deployment does not serve is
  still answered).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from endorsement_contracts import Envelope, IntegrationEvent

from .consumer import Handler, RejectedMessage

__all__ = ["Effects", "EventHandlers"]

E = TypeVar("E", bound=IntegrationEvent)
R = TypeVar("R", bound=Sequence[Any])

Effects = Sequence[Any]
"""What a handler returns: the aggregates whose pending events are the record's effects (none when already applied)."""


class EventHandlers:
    """A consumer's handlers by event type, each behind the refusal of tenants this service does not serve."""

    def __init__(self, *, serves_tenant: Callable[[str], bool]) -> None:
        self.serves_tenant = serves_tenant
        """Whether this deployment serves the association (tenant slug) an event names."""
        self._table: dict[type[IntegrationEvent], Handler] = {}

    def on(self, event_type: type[E], *, any_tenant: bool = False
           ) -> Callable[[Callable[[E, Envelope], R]], Callable[[E, Envelope], R]]:
        """Register the decorated function for records of `event_type` (returned unchanged, so it can be called
        directly); `any_tenant=True`: no tenant check for it."""

        def register(handle: Callable[[E, Envelope], R]) -> Callable[[E, Envelope], R]:
            self._add(event_type, handle, any_tenant=any_tenant)
            return handle

        return register

    def table(self) -> dict[type[IntegrationEvent], Handler]:
        """The handlers as the consumer takes them (a new dict each time)."""
        return dict(self._table)

    def _add(self, event_type: type[E], handle: Callable[[E, Envelope], Effects], *, any_tenant: bool) -> None:
        if event_type in self._table:
            raise ValueError(f"two handlers for {event_type.type_name()}")
        self._table[event_type] = _untenanted(handle) if any_tenant else self._tenanted(handle)

    def _tenanted(self, handle: Callable[[E, Envelope], Effects]) -> Handler:
        serves_tenant = self.serves_tenant

        def handle_record(envelope: Envelope) -> Effects:
            event = cast(E, envelope.event)  # routed by exact type: the registered one
            if not serves_tenant(event.tenant):
                raise RejectedMessage(f"unknown tenant {event.tenant!r}")
            return handle(event, envelope)

        return handle_record


def _untenanted(handle: Callable[[E, Envelope], Effects]) -> Handler:
    def handle_record(envelope: Envelope) -> Effects:
        return handle(cast(E, envelope.event), envelope)

    return handle_record
