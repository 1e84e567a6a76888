"""A renewal's or reinstatement's `Submitted` -> `RenewalSubmitted` / `ReinstatementSubmitted` (see `translator`).

They replace `ApplicationSubmitted` for those kinds: reviews opens a renewal or reinstatement case, not a new
endorsement's. `details` carries the profile fields, the raters' emails and, once declared, `provides_rsc`.
"""

from __future__ import annotations

from endorsement_contracts.events.applications import ReinstatementSubmitted, RenewalSubmitted

from ..domain import Application
from ..domain.renewals import ApplicationKind
from .common import applicant_person, requirement_outcomes, submission_details


def kind_submitted(
    submitted: Application.Submitted, application: Application
) -> RenewalSubmitted | ReinstatementSubmitted:
    """`application` as it was right after `submitted`; a renewal or a reinstatement."""
    if application.endorsement_id is None:
        raise ValueError(f"application {application.id} is a {application.kind} without an endorsement")
    details = {**application.details.as_strings(), **submission_details(application)}
    if application.provides_rsc is not None:
        details["provides_rsc"] = "true" if application.provides_rsc else "false"
    report = requirement_outcomes(application)
    person = applicant_person(application)
    if application.kind is ApplicationKind.RENEWAL:
        if application.renewal_year is None:
            raise ValueError(f"renewal {application.id} names no renewal year")
        return RenewalSubmitted(
            tenant=application.tenant,
            occurred_at=submitted.submitted_at,
            application_id=application.id,
            endorsement_id=application.endorsement_id,
            submission_number=submitted.submission_number,
            applicant=person,
            category=application.category,
            category_name=application.category_name,
            renewal_year=application.renewal_year,
            rule_set_version=submitted.rule_set_version,
            requirement_report=report,
            details=details,
        )
    return ReinstatementSubmitted(
        tenant=application.tenant,
        occurred_at=submitted.submitted_at,
        application_id=application.id,
        endorsement_id=application.endorsement_id,
        submission_number=submitted.submission_number,
        applicant=person,
        category=application.category,
        category_name=application.category_name,
        rule_set_version=submitted.rule_set_version,
        requirement_report=report,
        details=details,
    )
