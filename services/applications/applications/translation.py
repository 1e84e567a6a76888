"""Stored domain events -> public integration events. The only place the two meet."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from endorsement_contracts import ApplicationSubmitted, IntegrationEvent, Person
from endorsement_contracts.events import RequirementOutcome
from eventsourcing.domain import DomainEventProtocol

from .domain import Application

LoadVersion = Callable[[UUID, int], Application]
"""Loads an application as it was right after a given event (an aggregate's past never changes)."""


class Translator:
    """Publishes a submission as `ApplicationSubmitted`; other domain events stay private for now."""

    def __init__(self, load_version: LoadVersion) -> None:
        self.load_version = load_version

    def __call__(self, domain_event: DomainEventProtocol[UUID]) -> IntegrationEvent | None:
        if isinstance(domain_event, Application.Submitted):
            return self.submitted(domain_event)
        return None

    def submitted(self, submitted: Application.Submitted) -> ApplicationSubmitted:
        application = self.load_version(submitted.originator_id, submitted.originator_version)
        applicant = application.applicant
        return ApplicationSubmitted(
            tenant=application.tenant,
            occurred_at=submitted.submitted_at,
            application_id=application.id,
            submission_number=submitted.submission_number,
            applicant=Person(account_id=applicant.account_id, name=applicant.name, email=applicant.email),
            category=application.category,
            category_name=application.category_name,
            rule_set_version=submitted.rule_set_version,
            details=application.details.as_strings(),
            requirement_report=[RequirementOutcome(code=line["code"], met=line["met"], detail=line["detail"])
                                for line in application.requirement_report] or None,
            exam_required=application.exam_required,
        )
