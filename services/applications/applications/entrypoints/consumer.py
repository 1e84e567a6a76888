"""Integration events from `endorsement.reviews.v2` -> this service's aggregates, exactly once.

The reviews events arrive sealed (docs/erasure.md, slice 7b): the consumer's `unsealer` opens each record's tokens
at the reviews service (`/internal/unseal`) before the transaction, and `servicekit.sealed_twins.opened_handlers`
gives the handlers below the event in its v1 shape with the texts put back. A value whose subject was erased opens
to None even where v1 types it `str`: an erased applicant's grant makes a holding with no name or email, erased
items and reasons are left out, an erased reviewer is given no access (nobody can sign in as them), an erased
revocation reason reads `erased`. Each v2 record carries its v1 twin's `ce_id` and the same ids, so a v2 record
whose v1 twin this service applied before its move to v2 changes nothing (the handlers below recognise it).

Every handler returns the aggregates to save with the record's position (the servicekit consumer saves them in one
transaction), or nothing when the event was applied before (a redelivered or republished copy) or arrives too late
to matter (after a withdrawal or a decision). Records this service cannot apply go to the dead-letter topic with
the reason: an unknown association, an application (or endorsement) this service does not hold for it, an outcome
that does not fit the application's status. The consumer routes each record by its exact type, so a handler
receives only the event type it is registered for.

- Review outcomes (`InformationRequested` ... `EndorsementGranted`, `EndorsementDenied`): the application is
  returned, deferred, approved for the exam, scored, endorsed or denied.
- `ReviewOpened`: the application's review case and cycle (`domain/review_cycles.py`).
- `ReviewerAssigned` / `ReviewerReleased`: who may read the application (`domain/reviewer_access.py`).
- Endorsement events: the `Holding` of each endorsement (who holds what), through `HoldingCases`. A grant's
  holding is one more effect of `EndorsementGranted`, a `GrantHook` saved with the application's `Endorsed`.
- `PersonErased` (`endorsement.erasures.v1`, the gateway's erasure ledger): `ErasureCases.erase` (an applicant's
  open applications withdrawn, the key destroyed, their documents deleted, the erasure recorded once); the relay
  answers `ErasureCompleted`.

One handler per event type, each registered with `servicekit.handlers.EventHandlers` (which dead-letters a record of
an association this deployment does not serve, `unknown tenant '<slug>'`, before the handler runs; `PersonErased`
is registered for any tenant). `handlers()` merges the tables and `merge_handlers` refuses a clash;
`review_handlers()` is the reviews part in the v1 shape (what `opened_handlers` wraps, and what unit tests drive
directly).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from endorsement_contracts.events import (
    ApplicationDeferred,
    ApprovedForExam,
    EndorsementDenied,
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    ExamScored,
    InformationRequested,
    RenewalApproved,
    ReviewerAssigned,
    ReviewerReleased,
    ReviewOpened,
)
from endorsement_contracts.events.erasures import PersonErased
from servicekit.consumer import Handler, RejectedMessage
from servicekit.handlers import EventHandlers
from servicekit.sealed_twins import opened_handlers

from ..application import ApplicationsService
from ..documents.store import DocumentStore
from ..domain import Applicant, Application, DomainError
from ..domain.reference_data import ERASED
from ..use_cases.erasure import ErasureCases
from ..use_cases.holdings import HoldingCases

E = TypeVar("E", bound=IntegrationEvent)
Table = dict[type[IntegrationEvent], Handler]

GrantHook = Callable[[EndorsementGranted, Application], Sequence[Any]]
"""Another effect of a grant: given the event and the application (already endorsed, or unchanged when the grant
was applied before), returns aggregates to save with it; must itself return none when already done."""


def handlers(app: ApplicationsService, documents: DocumentStore | None = None) -> Table:
    """The whole consumer's table (group `APPLICATIONS_CONSUMER_GROUP`): the reviews events of
    `endorsement.reviews.v2` (the consumer needs an `unsealer` for them) and the erasures; `documents`: where an
    erasure deletes the person's documents."""
    return merge_handlers(opened_handlers(review_handlers(app)), erasure_handlers(app, documents))


def review_handlers(app: ApplicationsService) -> Table:
    """Every reviews event this service follows, in its v1 shape (`handlers` subscribes to their v2 twins)."""
    holdings = HoldingCases(app)
    return merge_handlers(
        outcome_handlers(app, on_granted=[grant_hook(holdings)]),
        holding_handlers(holdings),
        reviewer_access_handlers(app),
        review_cycle_handlers(app),
    )


def erasure_handlers(app: ApplicationsService, documents: DocumentStore | None = None) -> Table:
    """`PersonErased`: erase the person here (idempotent), saved with the record's position. A subject whose
    association this deployment does not serve has nothing here, but is still answered (any tenant)."""
    erasures = ErasureCases(app, documents)
    registry = _registry(app)

    @registry.on(PersonErased, any_tenant=True)
    def erase(event: PersonErased, envelope: Envelope) -> list[Any]:
        return erasures.erase(event.erasure_id, event.tenant, event.subject)

    return registry.table()


def merge_handlers(*tables: Mapping[type[IntegrationEvent], Handler]) -> Table:
    merged: Table = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:
            raise ValueError(f"two handlers for {', '.join(sorted(e.type_name() for e in clash))}")
        merged.update(table)
    return merged


def _registry(app: ApplicationsService) -> EventHandlers:
    """Handlers behind the refusal of associations this deployment does not serve."""
    return EventHandlers(serves_tenant=lambda slug: app.tenants.get(slug) is not None)


# Review outcomes -----------------------------------------------------------------------------------------------


def outcome_handlers(app: ApplicationsService, *, on_granted: Sequence[GrantHook] = ()) -> Table:
    """The reviews service's outcomes; `EndorsementGranted` also runs the `on_granted` hooks."""
    registry = _registry(app)
    registry.on(InformationRequested)(_on_application(app, _return))
    registry.on(ApplicationDeferred)(_on_application(app, _defer))
    registry.on(ApprovedForExam)(_on_application(app, _approve_for_exam))
    registry.on(ExamScored)(_on_application(app, _record_exam))
    registry.on(EndorsementGranted)(_on_application(app, _endorse, also=on_granted))
    registry.on(EndorsementDenied)(_on_application(app, _deny))
    return registry.table()


def _return(application: Application, event: InformationRequested) -> None:
    application.return_for_information(
        review_case_id=event.review_case_id,
        submission_number=event.submission_number,
        stage=event.stage,
        items=_texts(event.items),
        message=event.message,
        requested_at=event.occurred_at,
    )


def _defer(application: Application, event: ApplicationDeferred) -> None:
    application.defer(
        review_case_id=event.review_case_id,
        reasons=_texts(event.reasons),
        recommendations=_texts(event.recommendations),
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
    application.deny(review_case_id=event.review_case_id, reasons=_texts(event.reasons), denied_at=event.occurred_at)


def _texts(values: Sequence[str | None]) -> list[str]:
    """Texts as they opened: an erased one (None) is left out."""
    return [value for value in values if value is not None]


def _on_application(
    app: ApplicationsService,
    apply: Callable[[Application, E], None],
    also: Sequence[Callable[[E, Application], Sequence[Any]]] = (),
) -> Callable[[E, Envelope], list[Any]]:
    def handle(event: E, envelope: Envelope) -> list[Any]:
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


# The review case and its reviewers ------------------------------------------------------------------------------


def review_cycle_handlers(app: ApplicationsService) -> Table:
    """`ReviewOpened`: the case opened for a submission, with its review cycle (none on rolling intake); nothing
    when it is an earlier submission's or reaches a withdrawn or decided application."""
    registry = _registry(app)

    @registry.on(ReviewOpened)
    def opened(event: ReviewOpened, envelope: Envelope) -> list[Any]:
        application = _application_of(app, event, envelope.type)
        changed = application.record_review_opened(
            review_case_id=event.review_case_id,
            submission_number=event.submission_number,
            opened_at=event.received_at,
            cycle_id=event.cycle,
            cycle_opens_at=event.cycle_opens_at,
            cycle_deadline=event.cycle_deadline,
        )
        return [application] if changed else []

    return registry.table()


def reviewer_access_handlers(app: ApplicationsService) -> Table:
    """`ReviewerAssigned` grants the reviewer read access to the application, `ReviewerReleased` ends it; nothing
    for a grant reaching a withdrawn or decided application, or a release of a grant no longer held."""
    registry = _registry(app)

    @registry.on(ReviewerAssigned)
    def assigned(event: ReviewerAssigned, envelope: Envelope) -> list[Any]:
        application = _application_of(app, event, envelope.type)
        return [application] if _grant_access(app, application, event) else []

    @registry.on(ReviewerReleased)
    def released(event: ReviewerReleased, envelope: Envelope) -> list[Any]:
        application = _application_of(app, event, envelope.type)
        return [application] if _end_access(app, application, event) else []

    return registry.table()


def _grant_access(app: ApplicationsService, application: Application, event: ReviewerAssigned) -> bool:
    """Stored under the subject of the reviewer's address, never the address."""
    if event.reviewer_email is None:  # an erased reviewer: nobody can sign in as them
        return False
    return application.grant_reviewer_access(
        review_case_id=event.review_case_id,
        reviewer=app.rater_subject(event.tenant, str(event.reviewer_email)),
        slot=event.slot,
        assigned_at=event.occurred_at,
    )


def _end_access(app: ApplicationsService, application: Application, event: ReviewerReleased) -> bool:
    if event.reviewer_email is None:  # an erased reviewer, whose address no longer says which grant ends
        return False
    return application.end_reviewer_access(
        review_case_id=event.review_case_id,
        reviewer=app.rater_subject(event.tenant, str(event.reviewer_email)),
        reason=event.reason,
        released_at=event.occurred_at,
    )


# Holdings -------------------------------------------------------------------------------------------------------


def holding_handlers(holdings: HoldingCases) -> Table:
    """Renewals, lapses, reinstatements and revocations of endorsements this service saw granted; nothing when
    applied before (the holding's id is the endorsement id; renewals and reinstatements carry their own ids)."""
    registry = _registry(holdings.store)

    @registry.on(RenewalApproved)
    def renewed(event: RenewalApproved, envelope: Envelope) -> list[Any]:
        return _holding_change(envelope, lambda: holdings.holding_renewed(
            event.tenant, event.endorsement_id, event.renewal_id, event.renewed_on, event.renewal_date))

    @registry.on(EndorsementLapsed)
    def lapsed(event: EndorsementLapsed, envelope: Envelope) -> list[Any]:
        return _holding_change(envelope, lambda: holdings.holding_lapsed(
            event.tenant, event.endorsement_id, event.lapsed_on, event.reason))

    @registry.on(EndorsementReinstated)
    def reinstated(event: EndorsementReinstated, envelope: Envelope) -> list[Any]:
        return _holding_change(envelope, lambda: holdings.holding_reinstated(
            event.tenant, event.endorsement_id, event.reinstatement_id, event.reinstated_on, event.renewal_date))

    @registry.on(EndorsementRevoked)
    def revoked(event: EndorsementRevoked, envelope: Envelope) -> list[Any]:
        return _holding_change(envelope, lambda: holdings.holding_revoked(
            event.tenant, event.endorsement_id, event.revoked_on, ERASED if event.reason is None else event.reason))

    return registry.table()


def on_endorsement_granted(holdings: HoldingCases, event: EndorsementGranted) -> list[Any]:
    """The holding (and the holder's portfolio) a grant creates; none when it exists already. Reached through the
    `EndorsementGranted` handler (`grant_hook`), after its tenant check."""
    person = event.applicant  # name and email are None once the holder is erased
    holder = Applicant(account_id=person.account_id, name=person.name,
                       email=None if person.email is None else str(person.email))
    return holdings.holding_granted(
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


def grant_hook(holdings: HoldingCases) -> GrantHook:
    """`on_endorsement_granted` in the shape `outcome_handlers(on_granted=...)` takes."""

    def hook(event: EndorsementGranted, _application: Application) -> list[Any]:
        return on_endorsement_granted(holdings, event)

    return hook


def _holding_change(envelope: Envelope, change: Callable[[], list[Any]]) -> list[Any]:
    try:
        return change()
    except DomainError as refused:
        raise RejectedMessage(f"{envelope.type}: {refused.message}") from None


# Shared -----------------------------------------------------------------------------------------------------------


def _application_of(app: ApplicationsService, event: IntegrationEvent, event_type: str) -> Application:
    """The association's application the event names; the dead-letter topic otherwise."""
    application_id: UUID = getattr(event, "application_id")  # noqa: B009 (every event routed here names one)
    try:
        return app.outcome_target(event.tenant, application_id)
    except DomainError:
        raise RejectedMessage(
            f"{event_type} names application {application_id}, which this service does not hold "
            f"for association {event.tenant!r}"
        ) from None
