"""Stored domain events -> public integration events. The only place the two meet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from endorsement_contracts import ApplicationSubmitted, IntegrationEvent
from endorsement_contracts.events.applications import ApplicationKind as PublishedKind
from endorsement_contracts.events.applications import (
    ApplicationRegistered,
    ApplicationResubmitted,
    ApplicationStarted,
    ApplicationWithdrawn,
    RegistrationAccepted,
    ReinstatementSubmitted,
    RenewalSubmitted,
)
from endorsement_contracts.events.erasures import ErasureCompleted
from eventsourcing.domain import DomainEventProtocol

from ..domain import Application
from ..domain.erasure import SERVICE, Erasure
from ..domain.reference_events import ReferenceEvent
from ..domain.reference_links import ReferenceLinks
from ..domain.renewals import ApplicationKind
from .common import ERASED_NAME, LoadVersion, applicant_person, requirement_outcomes, submission_details
from .references import ReferenceTranslator
from .renewals import kind_submitted

Submission = ApplicationSubmitted | RenewalSubmitted | ReinstatementSubmitted
PUBLISHED_KINDS: dict[ApplicationKind, PublishedKind] = {
    ApplicationKind.INITIAL: "initial", ApplicationKind.RENEWAL: "renewal",
    ApplicationKind.REINSTATEMENT: "reinstatement"}


class Translator:
    """Publishes submissions (first and re-), withdrawals, references and erasures; other domain events stay
    private."""

    def __init__(self, load_version: LoadVersion, reference_links: ReferenceLinks | None = None) -> None:
        self.load_version = load_version
        self.references = ReferenceTranslator(load_version, reference_links)

    def __call__(self, domain_event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
        translations: dict[type[Any], Callable[[Any], IntegrationEvent | None]] = {
            Application.Submitted: self.submitted,
            Application.Withdrawn: self.withdrawn,
            Application.Started: self.started,
            Application.Registered: self.registered,
            Application.RegistrationAccepted: self.registration_accepted,
            Erasure.SubjectErased: self.erased,
        }
        for kind, translate in translations.items():
            if isinstance(domain_event, kind):
                return translate(domain_event)
        return self.references(domain_event) if isinstance(domain_event, ReferenceEvent) else None

    @staticmethod
    def erased(erased: Erasure.SubjectErased) -> ErasureCompleted:
        """This service's answer to a `PersonErased`, once the erasure is committed (on `endorsement.erasures.v1`)."""
        return ErasureCompleted(tenant=erased.tenant, occurred_at=erased.timestamp, erasure_id=erased.erasure_id,
                                subject=erased.subject, service=SERVICE)

    def submitted(self, submitted: Application.Submitted) -> Submission:
        """The first submission as `ApplicationSubmitted`; a later one answering a return or a deferral as
        `ApplicationResubmitted` (a subclass, so consumers of submissions take it too). Renewals and
        reinstatements as `RenewalSubmitted` / `ReinstatementSubmitted` (`renewals`)."""
        application = self.load_version(submitted.originator_id, submitted.originator_version)
        if application.kind is not ApplicationKind.INITIAL:
            return kind_submitted(submitted, application)
        resubmission: dict[str, Any] = {}
        published: type[ApplicationSubmitted] = ApplicationSubmitted
        if submitted.submission_number >= 2 and application.in_response_to is not None:
            published, resubmission = ApplicationResubmitted, {"in_response_to": application.in_response_to}
        return published(
            **resubmission,
            tenant=application.tenant,
            occurred_at=submitted.submitted_at,
            application_id=application.id,
            submission_number=submitted.submission_number,
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            rule_set_version=submitted.rule_set_version,
            details={**application.details.as_strings(), **submission_details(application)},
            requirement_report=requirement_outcomes(application) or None,
            exam_required=application.exam_required,
        )

    def withdrawn(self, withdrawn: Application.Withdrawn) -> ApplicationWithdrawn:
        application = self.load_version(withdrawn.originator_id, withdrawn.originator_version)
        return ApplicationWithdrawn(
            tenant=application.tenant,
            occurred_at=withdrawn.timestamp,
            application_id=application.id,
            applicant=applicant_person(application),
            category=application.category,
            reason=withdrawn.reason or ERASED_NAME,  # the applicant's words are gone once they are erased
            submission_number=application.submission_number,
        )

    def started(self, started: Application.Started) -> ApplicationStarted:
        """A draft was opened: an initial application, or a renewal or reinstatement of `endorsement_id`."""
        application = self.load_version(started.originator_id, started.originator_version)
        return ApplicationStarted(
            tenant=application.tenant,
            occurred_at=started.timestamp,
            application_id=application.id,
            kind=PUBLISHED_KINDS[application.kind],
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            endorsement_id=application.endorsement_id,
        )

    def registered(self, registered: Application.Registered) -> ApplicationRegistered:
        application = self.load_version(registered.originator_id, registered.originator_version)
        return ApplicationRegistered(
            tenant=application.tenant,
            occurred_at=registered.registered_at,
            application_id=application.id,
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            registered_at=registered.registered_at,
        )

    def registration_accepted(self, accepted: Application.RegistrationAccepted) -> RegistrationAccepted:
        application = self.load_version(accepted.originator_id, accepted.originator_version)
        return RegistrationAccepted(
            tenant=application.tenant,
            occurred_at=accepted.accepted_at,
            application_id=application.id,
            applicant=applicant_person(application),
            category=application.category,
            category_name=application.category_name,
            accepted_by=accepted.accepted_by,
            accepted_at=accepted.accepted_at,
        )
