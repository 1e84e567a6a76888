"""Stored reference events -> `ReferenceRequested`, `ReferenceCompleted`, `ReferenceVoided` (see `translator`).

`ReferenceRequested.form_url` carries the rater's single-use token: it is derived again here from the key (the
event store never holds it), so the email the notifications service sends has a working link.
"""

from __future__ import annotations

from typing import Literal

from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events.applications import (
    Rater,
    ReferenceCompleted,
    ReferenceDeclined,
    ReferenceRequested,
    ReferenceVoided,
)

from ..domain import Application
from ..domain.reference_data import Reference, VoidReason
from ..domain.reference_events import (
    RaterNamed,
    RaterVetted,
    ReferenceAnswered,
    ReferenceEvent,
    ReferenceRequestedAgain,
    ReferenceWithdrawn,
)
from ..domain.reference_events import ReferenceDeclined as Declined
from ..domain.reference_links import ReferenceLinks
from .common import ERASED_EMAIL, ERASED_NAME, LoadVersion, applicant_person

VOID_REASONS: dict[VoidReason, Literal["not_enough_information", "withdrawn", "vetting_refused"]] = {
    VoidReason.NOT_ENOUGH_INFORMATION: "not_enough_information", VoidReason.WITHDRAWN: "withdrawn",
    VoidReason.VETTING_REFUSED: "vetting_refused"}
"""Declining is published as `ReferenceDeclined`, never as a void."""
MAX_DETAIL = 1000


class ReferenceTranslator:
    def __init__(self, load_version: LoadVersion, links: ReferenceLinks | None) -> None:
        self.load_version = load_version
        self.links = links

    def __call__(self, event: ReferenceEvent) -> IntegrationEvent | None:
        application = self.load_version(event.originator_id, event.originator_version)
        reference = application.references[event.reference_id]
        if isinstance(event, RaterNamed | ReferenceRequestedAgain):
            return self.requested(application, reference)
        if isinstance(event, ReferenceAnswered):
            return self.answered(application, reference, event)
        if isinstance(event, Declined):
            return self.declined(application, reference, event)
        if isinstance(event, ReferenceWithdrawn):
            return self.voided(application, reference, VoidReason.WITHDRAWN, event)
        if isinstance(event, RaterVetted) and not event.approved:
            return self.voided(application, reference, VoidReason.VETTING_REFUSED, event)
        return None

    def requested(self, application: Application, reference: Reference) -> ReferenceRequested:
        if self.links is None:
            raise RuntimeError("reference links are not configured: the rater's link cannot be published")
        request = reference.request
        return ReferenceRequested(
            tenant=application.tenant,
            occurred_at=request.requested_at,
            application_id=application.id,
            reference_id=reference.id,
            request_number=request.number,
            reminder=request.reminder,
            slot=reference.slot,
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            rater=_rater(reference),
            form_url=self.links.url(application.id, reference.id, request.number),
            expires_at=request.expires_at,
        )

    def answered(self, application: Application, reference: Reference,
                 event: ReferenceAnswered) -> IntegrationEvent:
        if not event.counted:
            return self.voided(application, reference, VoidReason.NOT_ENOUGH_INFORMATION, event)
        answer = reference.answer
        assert answer is not None
        return ReferenceCompleted(
            tenant=application.tenant,
            occurred_at=answer.answered_at,
            application_id=application.id,
            reference_id=reference.id,
            slot=reference.slot,
            category=application.category,
            rater=_rater(reference),
            completed_on=answer.completed_on,
            valid_until=event.valid_until,
            waived=reference.waived,
            not_enough_information=answer.not_enough_information,
            ratings=dict(answer.ratings),
        )

    def declined(self, application: Application, reference: Reference, event: Declined) -> ReferenceDeclined:
        return ReferenceDeclined(
            tenant=application.tenant,
            occurred_at=event.at,
            application_id=application.id,
            reference_id=reference.id,
            slot=reference.slot,
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            rater=_rater(reference),
            waived=reference.waived,
            reason=event.reason.text,
        )

    def voided(self, application: Application, reference: Reference, reason: VoidReason,
               event: ReferenceEvent) -> ReferenceVoided:
        detail = reference.void_detail or reason.value
        return ReferenceVoided(
            tenant=application.tenant,
            occurred_at=event.at,
            application_id=application.id,
            reference_id=reference.id,
            slot=reference.slot,
            category=application.category,
            reason=VOID_REASONS[reason],
            detail=detail[:MAX_DETAIL],
        )


def _rater(reference: Reference) -> Rater:
    rater = reference.rater
    language = rater.language if rater.language in ("en", "es") else None
    return Rater(name=rater.name or ERASED_NAME, email=rater.email or ERASED_EMAIL, role=rater.kind.value,
                 language="es" if language == "es" else "en" if language == "en" else None)
