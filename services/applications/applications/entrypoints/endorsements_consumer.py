"""Endorsement events from `endorsement.reviews.v1` -> the `Holding` of each endorsement (who holds what).

`EndorsementGranted` is handled by `review_outcomes_consumer` (it endorses the application); the holding is one
more effect of it, added there as the `grant_hook` below and saved in the same transaction. This module owns the
handlers of `RenewalApproved`, `EndorsementLapsed`, `EndorsementReinstated` and `EndorsementRevoked`. Every
handler returns nothing when the event was applied before (the holding's id is the endorsement id; renewals and
reinstatements carry their own ids), so a republished copy changes nothing. An unknown association, or an
endorsement this service never saw granted, goes to the dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from endorsement_contracts.events import EndorsementLapsed, EndorsementReinstated, EndorsementRevoked, RenewalApproved
from servicekit.consumer import Handler, RejectedMessage

from ..application import ApplicationsService
from ..domain import Applicant, Application, DomainError

E = TypeVar("E", bound=IntegrationEvent)


def on_endorsement_granted(app: ApplicationsService, event: EndorsementGranted) -> list[Any]:
    """The holding (and the holder's portfolio) a grant creates; none when it exists already."""
    _known_tenant(app, event)
    holder = Applicant(
        account_id=event.applicant.account_id, name=event.applicant.name, email=str(event.applicant.email)
    )
    return app.holding_granted(
        event.tenant,
        event.endorsement_id,
        holder,
        event.category,
        event.category_name,
        event.application_id,
        event.effective_date,
        event.renewal_date,
        event.emerging,
        event.designation,
    )


def grant_hook(app: ApplicationsService) -> Callable[[EndorsementGranted, Application], Sequence[Any]]:
    """`on_endorsement_granted` in the shape `review_outcomes_consumer.handlers(on_granted=...)` takes."""

    def hook(event: EndorsementGranted, _application: Application) -> list[Any]:
        return on_endorsement_granted(app, event)

    return hook


def handlers(app: ApplicationsService) -> dict[type[IntegrationEvent], Handler]:
    return {
        RenewalApproved: _handler(
            RenewalApproved,
            lambda e: app.holding_renewed(e.tenant, e.endorsement_id, e.renewal_id, e.renewed_on, e.renewal_date),
            app,
        ),
        EndorsementLapsed: _handler(
            EndorsementLapsed, lambda e: app.holding_lapsed(e.tenant, e.endorsement_id, e.lapsed_on, e.reason), app
        ),
        EndorsementReinstated: _handler(
            EndorsementReinstated,
            lambda e: app.holding_reinstated(
                e.tenant, e.endorsement_id, e.reinstatement_id, e.reinstated_on, e.renewal_date
            ),
            app,
        ),
        EndorsementRevoked: _handler(
            EndorsementRevoked, lambda e: app.holding_revoked(e.tenant, e.endorsement_id, e.revoked_on, e.reason), app
        ),
    }


def _handler(kind: type[E], apply: Callable[[E], list[Any]], app: ApplicationsService) -> Handler:
    def handle(envelope: Envelope) -> list[Any]:
        event = envelope.event
        if not isinstance(event, kind):
            raise RejectedMessage(f"expected {kind.type_name()}, got {envelope.type}")
        _known_tenant(app, event)
        try:
            return apply(event)
        except DomainError as refused:
            raise RejectedMessage(f"{envelope.type}: {refused.message}") from None

    return handle


def _known_tenant(app: ApplicationsService, event: IntegrationEvent) -> None:
    if app.tenants.get(event.tenant) is None:
        raise RejectedMessage(f"unknown tenant {event.tenant!r}")
