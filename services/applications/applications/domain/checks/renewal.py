"""A renewal against the `renewal` rules of the version in force (domain §5.1, §5.2).

Within the renewal period (the day after the previous year's due date up to the date judged): `training_hours`
of training tagged with a competency, `dei_hours` of them on DEI, and, when the holder declares they provide
RSC, `rsc_provision_hours_if_providing_rsc` about providing it; `rsc_hours` of RSC received from providers the
category's `rsc` rule accepts (any provider when the category has none), entries counted whole when they lie
inside the period. Current membership, the attestations signed again within the period, and the renewal fee
(the late fee when judged after the due date).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from ..entries import Attestation, AttestationKind, FeeKind, FeePayment, RscEntry, TrainingEntry
from ..renewals import RenewalContext, RenewalDates
from ..rules import RenewalRule, RscRule, RuleVersion
from .admin import check_attestations, check_membership
from .evidence import Evidence
from .report import Progress, Reason, RequirementReport, RequirementResult
from .rsc import eligible, eligible_list, entry_params


def check_renewal(evidence: Evidence, rules: RuleVersion, on: date) -> RequirementReport:
    context = evidence.renewal
    if context is None or context.renewal_year is None:
        raise ValueError("a renewal is judged with its renewal context")
    rule = rules.renewal
    if rule is None:
        missing = RequirementResult(
            "RENEWAL_RULES",
            "renewal",
            False,
            f"{rules.id} has no renewal rules",
            reasons=(
                Reason(
                    "NO_RENEWAL_RULES",
                    "the association takes no renewals for this category under the rules in force",
                    {"rule_set_version": rules.id},
                ),
            ),
        )
        return RequirementReport(rules.id, on, (missing,), exam_required=False)
    dates = RenewalDates.of(rule, context.renewal_year)
    results = renewal_hours(rule, rules.rsc, evidence, context, dates.period_start, on)
    membership = check_membership(rules.membership, evidence.membership, on)
    if membership is not None:
        results.append(membership)
    if rule.code_of_ethics_reattestation:
        results.extend(attestations_since(rules.attestations, evidence.attestations, dates.period_start))
    late = dates.is_late_on(on)
    when = f" (late: after the due date {dates.due.isoformat()})" if late else ""
    results.append(
        fee_result(
            "FEE_RENEWAL",
            FeeKind.RENEWAL,
            rule.fee_due_cents(late),
            evidence.fees,
            rules.fees.currency,
            when,
            late_after=dates.due if late else None,
        )
    )
    return RequirementReport(rules.id, on, tuple(results), exam_required=False)


def renewal_hours(
    rule: RenewalRule, rsc_rule: RscRule | None, evidence: Evidence, context: RenewalContext, since: date, on: date
) -> list[RequirementResult]:
    """The yearly training and RSC minimums, counting what lies between `since` and `on` (both included)."""
    results = _training(rule, evidence.training, context.provides_rsc, since, on)
    if rule.rsc_provision_hours_if_providing_rsc > 0:
        results.append(_declaration(context.provides_rsc))
    if rule.rsc_hours > 0:
        results.append(_rsc(rule.rsc_hours, rsc_rule, evidence.rsc, since, on))
    return results


def attestations_since(
    required: tuple[AttestationKind, ...], given: Mapping[AttestationKind, Attestation], since: date
) -> list[RequirementResult]:
    """The attestations, each signed on or after `since` (a signature from an earlier year does not count)."""
    results = []
    for kind in required:
        [result] = check_attestations((kind,), given)
        signed = given.get(kind)
        if signed is not None and signed.attested_at.date() < since:
            reason = Reason(
                "ATTESTED_BEFORE_PERIOD",
                f"signed before {since.isoformat()}; sign it again",
                {
                    "document": kind.value,
                    "since": since.isoformat(),
                    "signed_on": signed.attested_at.date().isoformat(),
                },
            )
            result = RequirementResult(result.code, result.tab, False, result.detail, reasons=(reason,))
        results.append(result)
    return results


def fee_result(
    code: str,
    kind: FeeKind,
    due: int,
    fees: Mapping[FeeKind, FeePayment],
    currency: str,
    when: str = "",
    late_after: date | None = None,
) -> RequirementResult:
    """`late_after`: the due date, when the late fee is due (it is then in the reasons' params as `late_after`)."""
    paid = fees.get(kind)
    have = paid.amount_cents if paid else 0
    progress = Progress(Decimal(have), Decimal(due), "cents")
    detail = f"{kind.value} fee{when}: {_money(have, currency)} recorded of {_money(due, currency)}"
    params: dict[str, str | int | float] = {"fee": kind.value, "need_cents": due, "currency": currency}
    if late_after is not None:
        params["late_after"] = late_after.isoformat()
    reasons: tuple[Reason, ...] = ()
    if paid is None:
        reasons = (Reason("FEE_NOT_RECORDED", f"record the {kind.value} fee of {_money(due, currency)}{when}", params),)
    elif have < due:
        reasons = (Reason("FEE_AMOUNT_SHORT", detail, {**params, "have_cents": have}),)
    return RequirementResult(code, "fees", not reasons, detail, progress, reasons)


def _training(
    rule: RenewalRule, entries: Sequence[TrainingEntry], provides_rsc: bool | None, since: date, on: date
) -> list[RequirementResult]:
    inside = [e for e in entries if since <= e.completed_on <= on]
    counted = [e for e in inside if e.competencies]
    outside = [e for e in entries if not since <= e.completed_on <= on]
    untagged = [e for e in inside if not e.competencies]
    parts: list[tuple[str, str, str, Decimal, Callable[[TrainingEntry], Decimal]]] = [
        (
            "RENEWAL_TRAINING_HOURS",
            "RENEWAL_TRAINING_HOURS_SHORT",
            "of training",
            rule.training_hours,
            lambda e: e.hours,
        )
    ]
    if rule.dei_hours > 0:
        parts.append(
            (
                "RENEWAL_DEI_HOURS",
                "RENEWAL_DEI_HOURS_SHORT",
                "of training on diversity, equity and inclusion",
                rule.dei_hours,
                lambda e: e.dei_hours,
            )
        )
    if provides_rsc and rule.rsc_provision_hours_if_providing_rsc > 0:
        parts.append(
            (
                "RENEWAL_RSC_PROVISION_HOURS",
                "RENEWAL_RSC_PROVISION_HOURS_SHORT",
                "of training on providing RSC",
                rule.rsc_provision_hours_if_providing_rsc,
                lambda e: e.rsc_provision_hours,
            )
        )
    period = f"from {since.isoformat()} to {on.isoformat()}"
    results = []
    window: dict[str, str | int | float] = {"since": since.isoformat(), "until": on.isoformat()}
    for code, short, what, need, hours_of in parts:
        progress = Progress(sum((hours_of(e) for e in counted), Decimal(0)), need, "hours")
        reasons: list[Reason] = []
        if progress.have < need:
            reasons.append(
                Reason(
                    short, f"{progress} {what} {period}", {"have": float(progress.have), "need": float(need), **window}
                )
            )
            if outside:
                reasons.append(
                    Reason(
                        "TRAINING_OUTSIDE_PERIOD",
                        f"{len(outside)} training(s) completed outside the renewal period do not count",
                        {"count": len(outside), **window},
                    )
                )
            if untagged:
                reasons.append(
                    Reason(
                        "TRAINING_UNTAGGED",
                        f"{len(untagged)} training(s) are not tagged with a competency and do not count",
                        {"count": len(untagged), "hours": float(sum((hours_of(e) for e in untagged), Decimal(0)))},
                    )
                )
        results.append(
            RequirementResult(code, "training", not reasons, f"{progress} {what} {period}", progress, tuple(reasons))
        )
    return results


def _declaration(provides_rsc: bool | None) -> RequirementResult:
    if provides_rsc is None:
        return RequirementResult(
            "RSC_PROVISION_DECLARED",
            "renewal",
            False,
            "not yet declared",
            reasons=(
                Reason(
                    "RSC_PROVISION_NOT_DECLARED",
                    "say whether you provide reflective supervision/consultation to others",
                ),
            ),
        )
    said = "provides" if provides_rsc else "does not provide"
    return RequirementResult("RSC_PROVISION_DECLARED", "renewal", True, f"the holder {said} RSC")


def _rsc(
    need: Decimal, rsc_rule: RscRule | None, entries: Sequence[RscEntry], since: date, on: date
) -> RequirementResult:
    counted: list[RscEntry] = []
    excluded: list[Reason] = []
    for entry in entries:
        label = f"RSC from {entry.provider_name} ({entry.start.isoformat()} to {entry.end.isoformat()})"
        about = entry_params(entry)
        if entry.start < since or entry.end > on:
            excluded.append(
                Reason(
                    "RSC_OUTSIDE_PERIOD",
                    f"{label} is not within {since.isoformat()} to {on.isoformat()}",
                    {**about, "since": since.isoformat(), "until": on.isoformat()},
                )
            )
        elif rsc_rule is not None and eligible(rsc_rule, entry) is None:
            excluded.append(
                Reason(
                    "RSC_PROVIDER_NOT_ELIGIBLE",
                    f"{label}: a {entry.provider_category} provider is not eligible",
                    {**about, "eligible": eligible_list(rsc_rule)},
                )
            )
        elif rsc_rule is not None and entry.format not in rsc_rule.formats:
            excluded.append(
                Reason("RSC_FORMAT_NOT_ALLOWED", f"{label}: {entry.format.value} RSC does not count", about)
            )
        else:
            counted.append(entry)
    progress = Progress(sum((e.hours for e in counted), Decimal(0)), need, "hours")
    detail = f"{progress} of RSC received from {since.isoformat()} to {on.isoformat()}"
    params: dict[str, str | int | float] = {
        "have": float(progress.have),
        "need": float(need),
        "since": since.isoformat(),
        "until": on.isoformat(),
    }
    reasons = [] if progress.have >= need else [Reason("RENEWAL_RSC_HOURS_SHORT", detail, params), *excluded]
    return RequirementResult("RENEWAL_RSC_HOURS", "rsc", not reasons, detail, progress, tuple(reasons))


def _money(cents: int, currency: str) -> str:
    return f"{currency} {cents // 100}.{cents % 100:02d}"
