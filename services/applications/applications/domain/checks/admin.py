"""Membership, attestations and fees: the administrative requirements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ..entries import Attestation, AttestationKind, FeeKind, FeePayment, Membership
from ..rules import FeeRule, MembershipRule
from .report import Progress, Reason, RequirementResult


def check_membership(rule: MembershipRule, membership: Membership | None, on: date) -> RequirementResult | None:
    if not rule.required:
        return None
    if membership is None:
        return _unmet("MEMBERSHIP", "membership", "no membership recorded",
                      Reason("MEMBERSHIP_MISSING", "record your membership of the association or of another IMH "
                             "association" if rule.other_association_accepted else
                             "record your membership of the association",
                             {"other_association_accepted": int(rule.other_association_accepted)}))
    reasons = []
    if membership.expires_on < on:
        reasons.append(Reason("MEMBERSHIP_EXPIRED", f"the membership expired on {membership.expires_on.isoformat()}",
                              {"expired_on": membership.expires_on.isoformat()}))
    if rule.individual_only and not membership.individual:
        reasons.append(Reason("MEMBERSHIP_NOT_INDIVIDUAL", "endorsement needs an individual membership, "
                              "not an organisational one", {"association": membership.association}))
    if membership.other_association and not rule.other_association_accepted:
        reasons.append(Reason("MEMBERSHIP_OTHER_NOT_ACCEPTED", "only membership of this association counts",
                              {"association": membership.association}))
    detail = f"member of {membership.association} until {membership.expires_on.isoformat()}"
    return RequirementResult("MEMBERSHIP", "membership", not reasons, detail, reasons=tuple(reasons))


def check_attestations(required: tuple[AttestationKind, ...],
                       given: Mapping[AttestationKind, Attestation]) -> list[RequirementResult]:
    results = []
    for kind in required:
        label = kind.value.replace("_", " ")
        code = f"ATTESTATION_{kind.value.upper()}"
        attestation = given.get(kind)
        if attestation is None:
            results.append(_unmet(code, "attestations", f"the {label} is not yet signed",
                                  Reason("NOT_ATTESTED", f"sign the {label}", {"document": kind.value})))
        else:
            results.append(RequirementResult(code, "attestations", True,
                                             f"the {label} was signed at {attestation.attested_at.isoformat()}"))
    return results


def check_fees(rule: FeeRule, fees: Mapping[FeeKind, FeePayment]) -> list[RequirementResult]:
    results = []
    for kind, due in ((FeeKind.REGISTRATION, rule.registration_cents), (FeeKind.PROCESSING, rule.processing_cents)):
        if due <= 0:
            continue
        code = f"FEE_{kind.value.upper()}"
        paid = fees.get(kind)
        have = paid.amount_cents if paid else 0
        progress = Progress(Decimal(have), Decimal(due), "cents")
        detail = f"{kind.value} fee: {_money(have, rule.currency)} recorded of {_money(due, rule.currency)}"
        reasons: tuple[Reason, ...] = ()
        if paid is None:
            reasons = (Reason("FEE_NOT_RECORDED", f"record the {kind.value} fee of {_money(due, rule.currency)}",
                              {"fee": kind.value, "need_cents": due, "currency": rule.currency}),)
        elif have < due:
            reasons = (Reason("FEE_AMOUNT_SHORT", detail, {"fee": kind.value, "have_cents": have, "need_cents": due,
                                                           "currency": rule.currency}),)
        results.append(RequirementResult(code, "fees", not reasons, detail, progress, reasons))
    return results


def _unmet(code: str, tab: str, detail: str, reason: Reason) -> RequirementResult:
    return RequirementResult(code, tab, False, detail, reasons=(reason,))


def _money(cents: int, currency: str) -> str:
    return f"{currency} {cents // 100}.{cents % 100:02d}"
