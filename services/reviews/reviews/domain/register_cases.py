"""Approving a renewal or reinstatement case changes the register entry it is about, in one transaction.

The case's guards go first, then the endorsement's own (renewal window, lapsed status); a refusal from either leaves
both unchanged.
"""

from __future__ import annotations

from datetime import date, datetime

from .case import ReviewCase
from .case_kinds import CaseKind
from .endorsement import Endorsement, reinstatement_id_for, renewal_id_for
from .policy import ReviewPolicy
from .renewal import RenewalTerms
from .values import Actor


def approve_renewal_case(case: ReviewCase, endorsement: Endorsement, by: Actor, *, today: date, now: datetime,
                         terms: RenewalTerms, policy: ReviewPolicy) -> None:
    """The renewal the holder submitted is approved: `RenewalApproved` for the year the case names."""
    case.require_register_decision(CaseKind.RENEWAL, endorsement.id, policy, now)
    year = case.renewal_year or endorsement.renewal_date.year
    endorsement.approve_renewal(by, today=today, terms=terms, renewal_year=year)
    case.confirm_renewal(by, endorsement_id=endorsement.id, renewal_id=renewal_id_for(endorsement.id, year),
                         renewal_year=year, renewal_date=endorsement.renewal_date, policy=policy, now=now)


def approve_reinstatement_case(case: ReviewCase, endorsement: Endorsement, by: Actor, *, today: date,
                               now: datetime, terms: RenewalTerms, policy: ReviewPolicy) -> None:
    """The lapsed endorsement is reinstated (no exam: a passed exam is not retaken)."""
    case.require_register_decision(CaseKind.REINSTATEMENT, endorsement.id, policy, now)
    reinstatement_id = reinstatement_id_for(endorsement.id, endorsement.lapses)
    endorsement.reinstate(by, today=today, terms=terms, application_id=case.application_id)
    case.confirm_reinstatement(by, endorsement_id=endorsement.id, reinstatement_id=reinstatement_id,
                               effective_date=today, renewal_date=endorsement.renewal_date, policy=policy, now=now)
