"""Review outcomes from `endorsement.reviews.v1`: each one returns, defers, moves on or decides its application.

The handlers return the application to save (the servicekit consumer saves it with the record's position in one
transaction), or nothing when the outcome was already applied or arrived after a withdrawal or decision.
Records this service cannot apply go to the dead-letter topic with the reason: an unknown association, an
application this service does not know (or another association's), an outcome that does not fit the
application's status.

Seam for other modules: this module owns the `EndorsementGranted` handler (one handler per event type; the
composition root refuses two). Others add effects of a grant as `GrantHook`s passed to `handlers(on_granted=...)`;
their aggregates are saved in the same transaction as the application's `Endorsed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from endorsement_contracts.events import (
    ApplicationDeferred,
    ApprovedForExam,
    EndorsementDenied,
    ExamScored,
    InformationRequested,
)
from servicekit.consumer import Handler, RejectedMessage

from ..application import ApplicationsService
from ..domain import Application, DomainError

E = TypeVar("E", bound=IntegrationEvent)

GrantHook = Callable[[EndorsementGranted, Application], Sequence[Any]]
"""Another effect of a grant: given the event and the application (already endorsed, or unchanged when the grant
was applied before), returns aggregates to save with it; must itself return none when already done."""


def _return(application: Application, event: InformationRequested) -> None:
    application.return_for_information(
        review_case_id=event.review_case_id,
        submission_number=event.submission_number,
        stage=event.stage,
        items=event.items,
        message=event.message,
        requested_at=event.occurred_at,
    )


def _defer(application: Application, event: ApplicationDeferred) -> None:
    application.defer(
        review_case_id=event.review_case_id,
        reasons=event.reasons,
        recommendations=event.recommendations,
        earliest_rereview_on=event.earliest_rereview_on,
        deferred_at=event.occurred_at,
    )


def _approve_for_exam(application: Application, event: ApprovedForExam) -> None:
    application.approve_for_exam(review_case_id=event.review_case_id, approved_at=event.occurred_at)


def _record_exam(application: Application, event: ExamScored) -> None:
    application.record_exam_result(
        review_case_id=event.review_case_id,
        attempt=event.attempt,
        taken_on=event.taken_on,
        passed=event.passed,
        retake_eligible_on=event.retake_eligible_on,
    )


def _endorse(application: Application, event: EndorsementGranted) -> None:
    application.endorse(
        review_case_id=event.review_case_id,
        endorsement_id=event.endorsement_id,
        effective_date=event.effective_date,
        renewal_date=event.renewal_date,
        emerging_until=event.emerging_until,
        endorsed_at=event.occurred_at,
    )


def _deny(application: Application, event: EndorsementDenied) -> None:
    application.deny(review_case_id=event.review_case_id, reasons=event.reasons, denied_at=event.occurred_at)


def handlers(
    app: ApplicationsService, *, on_granted: Sequence[GrantHook] = ()
) -> dict[type[IntegrationEvent], Handler]:
    """The consumer's handlers for the reviews service's outcomes."""
    return {
        InformationRequested: _outcome(app, InformationRequested, _return),
        ApplicationDeferred: _outcome(app, ApplicationDeferred, _defer),
        ApprovedForExam: _outcome(app, ApprovedForExam, _approve_for_exam),
        ExamScored: _outcome(app, ExamScored, _record_exam),
        EndorsementGranted: _outcome(app, EndorsementGranted, _endorse, also=on_granted),
        EndorsementDenied: _outcome(app, EndorsementDenied, _deny),
    }


def _outcome(
    app: ApplicationsService,
    kind: type[E],
    apply: Callable[[Application, E], None],
    also: Sequence[Callable[[E, Application], Sequence[Any]]] = (),
) -> Handler:
    def handle(envelope: Envelope) -> list[Any]:
        event = envelope.event
        if not isinstance(event, kind):
            raise RejectedMessage(f"expected {kind.type_name()}, got {envelope.type}")
        application = _application_of(app, event, envelope.type)
        try:
            apply(application, event)
        except DomainError as refused:
            raise RejectedMessage(f"{envelope.type} for application {application.id}: {refused.message}") from None
        effects: list[Any] = [application] if application.pending_events else []
        for hook in also:
            effects.extend(hook(event, application))
        return effects

    return handle


def _application_of(app: ApplicationsService, event: IntegrationEvent, event_type: str) -> Application:
    application_id = getattr(event, "application_id", None)
    if not isinstance(application_id, UUID):
        raise RejectedMessage(f"{event_type} names no application")
    if app.tenants.get(event.tenant) is None:
        raise RejectedMessage(f"unknown tenant {event.tenant!r}")
    try:
        return app.outcome_target(event.tenant, application_id)
    except DomainError:
        raise RejectedMessage(
            f"{event_type} names application {application_id}, which this service does not hold "
            f"for association {event.tenant!r}"
        ) from None
