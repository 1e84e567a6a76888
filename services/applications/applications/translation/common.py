"""What every translator shares: how an application's past is loaded, and the parts every event publishes alike."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from endorsement_contracts import Person
from endorsement_contracts.events import RequirementOutcome

from ..domain import Application

LoadVersion = Callable[[UUID, int], Application]
"""Loads an application as it was right after a given event (an aggregate's past never changes)."""


ERASED_NAME = "erased"
ERASED_EMAIL = "erased@erased.example"
"""What a v1 event says of an erased person, whose values no longer open (the v1 contracts require a name and an
address): `.example` is reserved (RFC 2606), so nothing is ever delivered to it. Such events are the withdrawal of
an erased applicant's open application, and any event the relay publishes again after an erasure. The v2 topics
carry sealed tokens instead, which open to null."""


def applicant_person(application: Application) -> Person:
    """The applicant as every applications event publishes them."""
    applicant = application.applicant
    return Person(account_id=applicant.account_id, name=applicant.name or ERASED_NAME,
                  email=applicant.email or ERASED_EMAIL)


def requirement_outcomes(application: Application) -> list[RequirementOutcome]:
    """The requirement report recorded at submission, as submissions publish it."""
    return [RequirementOutcome(code=line["code"], met=line["met"], detail=line["detail"] or ERASED_NAME)
            for line in application.requirement_report]


def submission_details(application: Application) -> dict[str, str]:
    """`rater_emails` for `ApplicationSubmitted.details`: reviews checks its reviewers against them."""
    emails = application.rater_emails()
    return {"rater_emails": ",".join(emails)} if emails else {}
