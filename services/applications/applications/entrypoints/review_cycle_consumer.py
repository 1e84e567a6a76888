"""`ReviewOpened` on `endorsement.reviews.v1` -> the application's review case and cycle (`domain/review_cycles.py`).

`ReviewOpened` records the case opened for a submission, with its review cycle (none on rolling intake). The handler
returns the application to save with the record's position (one transaction), or nothing when the opening was
applied before (a redelivered or republished copy), is an earlier submission's, or reaches a withdrawn or decided
application. An unknown association, or an application this service does not hold (or another association's), goes
to the dead-letter topic.
"""

from __future__ import annotations

from typing import Any

from endorsement_contracts import Envelope, IntegrationEvent
from endorsement_contracts.events import ReviewOpened
from servicekit.consumer import Handler, RejectedMessage

from ..application import ApplicationsService
from ..domain import DomainError


def handlers(app: ApplicationsService) -> dict[type[IntegrationEvent], Handler]:
    def handle(envelope: Envelope) -> list[Any]:
        event = envelope.event
        if not isinstance(event, ReviewOpened):
            raise RejectedMessage(f"expected {ReviewOpened.type_name()}, got {envelope.type}")
        if app.tenants.get(event.tenant) is None:
            raise RejectedMessage(f"unknown tenant {event.tenant!r}")
        try:
            application = app.outcome_target(event.tenant, event.application_id)
        except DomainError:
            raise RejectedMessage(
                f"{envelope.type} names application {event.application_id}, which this service does not hold "
                f"for association {event.tenant!r}"
            ) from None
        changed = application.record_review_opened(
            review_case_id=event.review_case_id,
            submission_number=event.submission_number,
            opened_at=event.received_at,
            cycle_id=event.cycle,
            cycle_opens_at=event.cycle_opens_at,
            cycle_deadline=event.cycle_deadline,
        )
        return [application] if changed else []

    return {ReviewOpened: handle}
