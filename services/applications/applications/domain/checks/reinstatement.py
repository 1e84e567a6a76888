"""A reinstatement after lapse against the `reinstatement` rules of the version in force (domain §5.3).

Current membership; the category's reference slots filled as on any application (`check_references`), with at
least `new_references` of them completed after the lapse; the processing fee (and the renewal fee where the
association asks for it); the attestations. Where `renewal_minimums` is set, the training and RSC of the 12
months before the date judged are held to one year's renewal minimums. The exam is never retaken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from ..entries import FeeKind
from ..reference_data import Reference, ReferenceStatus
from ..rules import RuleVersion
from ..spans import months_to_days
from .admin import check_attestations, check_membership
from .evidence import Evidence
from .references import check_references
from .renewal import fee_result, renewal_hours
from .report import Progress, Reason, RequirementReport, RequirementResult

RENEWAL_MINIMUMS_MONTHS = 12


def check_reinstatement(evidence: Evidence, rules: RuleVersion, on: date) -> RequirementReport:
    context = evidence.renewal
    if context is None or context.lapsed_on is None:
        raise ValueError("a reinstatement is judged with its renewal context")
    rule = rules.reinstatement
    if rule is None:
        missing = RequirementResult(
            "REINSTATEMENT_RULES",
            "renewal",
            False,
            f"{rules.id} has no reinstatement rules",
            reasons=(
                Reason(
                    "NO_REINSTATEMENT_RULES",
                    "the association takes no reinstatements for this category under the rules in force",
                    {"rule_set_version": rules.id},
                ),
            ),
        )
        return RequirementReport(rules.id, on, (missing,), exam_required=False)
    results: list[RequirementResult] = []
    if rule.renewal_minimums and rules.renewal is not None:
        since = on - timedelta(days=months_to_days(RENEWAL_MINIMUMS_MONTHS) - 1)
        results.extend(renewal_hours(rules.renewal, rules.rsc, evidence, context, since, on))
    results.extend(check_references(rules.references, evidence.references, on))
    if rule.new_references > 0:
        results.append(_new_references(rule.new_references, evidence.references, context.lapsed_on, on))
    membership = check_membership(rules.membership, evidence.membership, on)
    if membership is not None:
        results.append(membership)
    results.extend(check_attestations(rules.attestations, evidence.attestations))
    if rule.processing_fee:
        results.append(
            fee_result(
                "FEE_PROCESSING", FeeKind.PROCESSING, rules.fees.processing_cents, evidence.fees, rules.fees.currency
            )
        )
    if rule.renewal_fee and rules.renewal is not None:
        results.append(
            fee_result("FEE_RENEWAL", FeeKind.RENEWAL, rules.renewal.fee_cents, evidence.fees, rules.fees.currency)
        )
    return RequirementReport(rules.id, on, tuple(results), exam_required=False)


def _new_references(need: int, references: Sequence[Reference], lapsed_on: date, on: date) -> RequirementResult:
    """References completed after the lapse (and by `on`); earlier ones are not 'updated' ratings (§5.3)."""
    completed = [
        r
        for r in references
        if r.status is ReferenceStatus.COMPLETED and r.answer is not None and r.answer.completed_on <= on
    ]
    new = [r for r in completed if r.answer is not None and r.answer.completed_on > lapsed_on]
    progress = Progress(Decimal(len(new)), Decimal(need), "references")
    detail = f"{progress} completed after the lapse on {lapsed_on.isoformat()}"
    reasons: list[Reason] = []
    if len(new) < need:
        reasons.append(
            Reason(
                "REFERENCES_BEFORE_LAPSE" if len(completed) > len(new) else "NEW_REFERENCES_SHORT",
                detail,
                {"have": len(new), "need": need, "lapsed_on": lapsed_on.isoformat()},
            )
        )
    return RequirementResult(
        "REINSTATEMENT_NEW_REFERENCES", "references", not reasons, detail, progress, tuple(reasons)
    )
