"""The requirement checker: an application's evidence against the rule version in force on a date."""

from __future__ import annotations

from datetime import date

from ..renewals import ApplicationKind
from ..rules import RuleVersion
from .admin import check_attestations, check_fees, check_membership
from .education import check_education
from .evidence import Evidence
from .references import check_references
from .registration import RegistrationState, check_registration
from .reinstatement import check_reinstatement
from .renewal import check_renewal
from .report import Progress, Reason, RequirementReport, RequirementResult
from .rsc import check_rsc
from .training import check_training
from .work import check_work

__all__ = ["Evidence", "Progress", "Reason", "RegistrationState", "RequirementReport", "RequirementResult",
           "check_requirements"]


def check_requirements(evidence: Evidence, rules: RuleVersion, on: date) -> RequirementReport:
    """Every requirement of `rules`, in tab order, judged on the entries as they stand on `on`."""
    if evidence.renewal is not None:  # a renewal or reinstatement: the kind's own rules
        kind_checker = check_renewal if evidence.renewal.kind is ApplicationKind.RENEWAL else check_reinstatement
        return kind_checker(evidence, rules, on)
    results: list[RequirementResult] = []
    education = check_education(rules.education, evidence.education, evidence.work, on)
    if education is not None:
        results.append(education)
    results.extend(check_work(requirement, evidence.work, on) for requirement in rules.work)
    results.extend(check_training(rules.training, evidence.training, on))
    results.extend(check_rsc(rules.rsc, evidence.rsc, on))
    results.extend(check_references(rules.references, evidence.references, on))
    membership = check_membership(rules.membership, evidence.membership, on)
    if membership is not None:
        results.append(membership)
    results.extend(check_attestations(rules.attestations, evidence.attestations))
    results.extend(check_fees(rules.fees, evidence.fees))
    registration = check_registration(rules.registration, evidence.registration)
    if registration is not None:
        results.append(registration)
    return RequirementReport(rule_set_version=rules.id, on=on, results=tuple(results),
                             exam_required=rules.exam.required, not_checked=_not_checked(rules, evidence))


def _not_checked(rules: RuleVersion, evidence: Evidence) -> tuple[str, ...]:
    """What reviewers still check by hand until the references and documents tabs exist."""
    notes = []
    if any(o.kind.value in ("degree", "cda", "licence") for o in rules.education.options):
        notes.append("TRANSCRIPTS: official transcripts or credential proofs")
    other = evidence.membership is not None and evidence.membership.other_association
    if rules.membership.required and rules.membership.proof_of_other_required and other:
        notes.append("MEMBERSHIP_PROOF: written proof of membership of another IMH association")
    return tuple(notes)
