"""Reviewer assignments from `endorsement.reviews.v1` -> who may read each application (`domain/reviewer_access.py`).

`ReviewerAssigned` grants the reviewer read access to the application; `ReviewerReleased` ends it. The handlers
return the application to save with the record's position (one transaction), or nothing when the event was applied
before (a redelivered or republished copy), is a grant reaching a withdrawn or decided application, or a release of
a grant the application no longer holds. An unknown association, or an application this service does not hold (or
another association's), goes to the dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from endorsement_contracts import Envelope, IntegrationEvent
from endorsement_contracts.events import ReviewerAssigned, ReviewerReleased
from servicekit.consumer import Handler, RejectedMessage

from ..application import ApplicationsService
from ..domain import Application, DomainError

E = TypeVar("E", ReviewerAssigned, ReviewerReleased)


def _grant(application: Application, event: ReviewerAssigned) -> bool:
    return application.grant_reviewer_access(
        review_case_id=event.review_case_id,
        reviewer_email=str(event.reviewer_email),
        slot=event.slot,
        assigned_at=event.occurred_at,
    )


def _end(application: Application, event: ReviewerReleased) -> bool:
    return application.end_reviewer_access(
        review_case_id=event.review_case_id,
        reviewer_email=str(event.reviewer_email),
        reason=event.reason,
        released_at=event.occurred_at,
    )


def handlers(app: ApplicationsService) -> dict[type[IntegrationEvent], Handler]:
    return {
        ReviewerAssigned: _handler(app, ReviewerAssigned, _grant),
        ReviewerReleased: _handler(app, ReviewerReleased, _end),
    }


def _handler(app: ApplicationsService, kind: type[E], apply: Callable[[Application, E], bool]) -> Handler:
    def handle(envelope: Envelope) -> list[Any]:
        event = envelope.event
        if not isinstance(event, kind):
            raise RejectedMessage(f"expected {kind.type_name()}, got {envelope.type}")
        if app.tenants.get(event.tenant) is None:
            raise RejectedMessage(f"unknown tenant {event.tenant!r}")
        try:
            application = app.outcome_target(event.tenant, event.application_id)
        except DomainError:
            raise RejectedMessage(
                f"{envelope.type} names application {event.application_id}, which this service does not hold "
                f"for association {event.tenant!r}"
            ) from None
        return [application] if apply(application, event) else []

    return handle
