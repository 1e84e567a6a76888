"""Given/when/then at the edges of the renewal and reinstatement rules (domain §5): 14.5 vs 15 training hours,
DEI 0 vs 1, RSC 11.5 vs 12, RSC-provision 2.5 vs 3 for RSC providers, the renewal period's first day, the late
fee from the day after the due date, references completed after the lapse, and no exam on a reinstatement.

ITMHCA IFS in 2026: 15 hours incl. 1 DEI (3 about providing RSC for providers), 12 RSC hours, due Dec 15,
$25 (then $35), window from Oct 1, removal Feb 1; the 2026 renewal period starts on 2025-12-16.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from applications.domain import (
    Attestation,
    AttestationKind,
    Evidence,
    FeeKind,
    FeePayment,
    Membership,
    RequirementResult,
    RscEntry,
    RscFormat,
    RuleVersion,
    TrainingEntry,
    check_requirements,
)
from applications.domain.renewals import ApplicationKind, RenewalContext, RenewalDates
from applications.rulesets import load_rule_set
from reference_builders import satisfying_references
from rule_builders import RULESETS, TAG, shipped

ON = date(2026, 11, 2)
IFS = shipped("IFS", ON)
IFA = shipped("IFA", ON)
IMHM_C = shipped("IMHM-C", ON)


def renewal_evidence(
    on: date = ON,
    *,
    hours: str = "15",
    dei: str = "1",
    provision: str = "3",
    rsc: str = "12",
    provides_rsc: bool | None = True,
    fee_cents: int = 2500,
    year: int = 2026,
) -> Evidence:
    """Exactly the 2026 minimums, entered within the renewal period before `on`."""
    noon = datetime.combine(on - timedelta(days=1), time(12), UTC)
    return Evidence(
        training=(
            TrainingEntry(
                "Relationship-based practice",
                "ITMHCA",
                on - timedelta(days=30),
                Decimal(hours),
                (TAG,),
                Decimal(dei),
                Decimal(provision),
            ),
        ),
        rsc=(
            RscEntry(
                "Rita Moreno",
                "IMHM-C",
                Decimal(rsc),
                on - timedelta(days=200),
                on - timedelta(days=10),
                RscFormat.INDIVIDUAL,
            ),
        ),
        membership=Membership("ITMHCA", on + timedelta(days=365), "M-1"),
        attestations={kind: Attestation(kind, noon) for kind in AttestationKind},
        fees={FeeKind.RENEWAL: FeePayment(FeeKind.RENEWAL, fee_cents, "RN-1", on)},
        renewal=RenewalContext(ApplicationKind.RENEWAL, uuid4(), renewal_year=year, provides_rsc=provides_rsc),
    )


def result(evidence: Evidence, rules: RuleVersion, code: str, on: date = ON) -> RequirementResult:
    return next(r for r in check_requirements(evidence, rules, on).results if r.code == code)


def reasons(found: RequirementResult) -> list[str]:
    return [r.code for r in found.reasons]


def test_the_minimum_renewal_meets_every_renewal_requirement_and_no_initial_one() -> None:
    report = check_requirements(renewal_evidence(), IFS, ON)

    assert report.all_met, report.unmet
    assert [r.code for r in report.results] == [
        "RENEWAL_TRAINING_HOURS",
        "RENEWAL_DEI_HOURS",
        "RENEWAL_RSC_PROVISION_HOURS",
        "RSC_PROVISION_DECLARED",
        "RENEWAL_RSC_HOURS",
        "MEMBERSHIP",
        "ATTESTATION_CODE_OF_ETHICS",
        "ATTESTATION_ENDORSEMENT_AGREEMENT",
        "FEE_RENEWAL",
    ]
    assert report.exam_required is False
    assert report.rule_set_version == "itmhca/IFS/2025-01-01"


@pytest.mark.parametrize(("hours", "met"), [("14.5", False), ("15", True)])
def test_a_renewal_needs_15_training_hours(hours: str, met: bool) -> None:
    found = result(renewal_evidence(hours=hours), IFS, "RENEWAL_TRAINING_HOURS")

    assert found.met is met
    assert found.progress is not None and (found.progress.have, found.progress.need) == (Decimal(hours), 15)
    assert reasons(found) == ([] if met else ["RENEWAL_TRAINING_HOURS_SHORT"])


@pytest.mark.parametrize(("dei", "met"), [("0", False), ("1", True)])
def test_one_of_the_hours_must_be_on_dei(dei: str, met: bool) -> None:
    assert result(renewal_evidence(dei=dei), IFS, "RENEWAL_DEI_HOURS").met is met


@pytest.mark.parametrize(("rsc", "met"), [("11.5", False), ("12", True)])
def test_an_ifs_renewal_needs_12_rsc_hours(rsc: str, met: bool) -> None:
    found = result(renewal_evidence(rsc=rsc), IFS, "RENEWAL_RSC_HOURS")

    assert found.met is met
    assert reasons(found) == ([] if met else ["RENEWAL_RSC_HOURS_SHORT"])


def test_an_ifa_renewal_asks_for_no_rsc_hours() -> None:
    report = check_requirements(renewal_evidence(rsc="0"), IFA, ON)

    assert "RENEWAL_RSC_HOURS" not in {r.code for r in report.results}
    assert report.all_met


@pytest.mark.parametrize(("provision", "met"), [("2.5", False), ("3", True)])
def test_an_rsc_provider_needs_3_hours_about_providing_rsc(provision: str, met: bool) -> None:
    assert result(renewal_evidence(provision=provision), IFS, "RENEWAL_RSC_PROVISION_HOURS").met is met


def test_a_holder_who_provides_no_rsc_needs_no_provision_hours() -> None:
    report = check_requirements(renewal_evidence(provision="0", provides_rsc=False), IFS, ON)

    assert report.all_met
    assert "RENEWAL_RSC_PROVISION_HOURS" not in {r.code for r in report.results}


def test_the_holder_must_say_whether_they_provide_rsc() -> None:
    found = result(renewal_evidence(provides_rsc=None), IFS, "RSC_PROVISION_DECLARED")

    assert (found.met, reasons(found)) == (False, ["RSC_PROVISION_NOT_DECLARED"])


@pytest.mark.parametrize(("completed_on", "met"), [(date(2025, 12, 15), False), (date(2025, 12, 16), True)])
def test_training_counts_from_the_day_after_the_previous_due_date(completed_on: date, met: bool) -> None:
    evidence = renewal_evidence()
    evidence = replace(evidence, training=(replace(evidence.training[0], completed_on=completed_on),))

    found = result(evidence, IFS, "RENEWAL_TRAINING_HOURS")

    assert found.met is met
    assert reasons(found) == ([] if met else ["RENEWAL_TRAINING_HOURS_SHORT", "TRAINING_OUTSIDE_PERIOD"])


def test_rsc_received_before_the_period_does_not_count() -> None:
    evidence = renewal_evidence()
    early = replace(evidence.rsc[0], start=date(2025, 12, 15))

    found = result(replace(evidence, rsc=(early,)), IFS, "RENEWAL_RSC_HOURS")

    assert reasons(found) == ["RENEWAL_RSC_HOURS_SHORT", "RSC_OUTSIDE_PERIOD"]


def test_the_renewal_period_follows_the_rule_versions_due_date() -> None:
    dates = RenewalDates.of(IFS.renewal, 2026)  # type: ignore[arg-type]

    assert (dates.opens, dates.due, dates.removal, dates.period_start) == (
        date(2026, 10, 1),
        date(2026, 12, 15),
        date(2027, 2, 1),
        date(2025, 12, 16),
    )


@pytest.mark.parametrize(
    ("on", "cents", "met"),
    [
        (date(2026, 12, 15), 2500, True),  # on the due date: $25
        (date(2026, 12, 16), 2500, False),  # the day after: the late fee, $35
        (date(2026, 12, 16), 3500, True),
        (date(2027, 2, 1), 3500, True),
    ],
)
def test_the_late_fee_is_due_after_the_due_date(on: date, cents: int, met: bool) -> None:
    found = result(renewal_evidence(on, fee_cents=cents), shipped("IFS", on), "FEE_RENEWAL", on)

    assert found.met is met
    assert reasons(found) == ([] if met else ["FEE_AMOUNT_SHORT"])
    if not met:
        assert "late" in found.detail and "USD 35.00" in found.detail


def test_an_association_may_add_the_late_fee_to_the_renewal_fee() -> None:
    template = load_rule_set(RULESETS / "_alliance" / "ECFA.yaml", "lakes-aimh").in_force(ON)  # MI: $30 + $25
    late = date(2027, 1, 2)

    assert result(renewal_evidence(late, fee_cents=3000), template, "FEE_RENEWAL", late).met is False
    assert result(renewal_evidence(late, fee_cents=5500), template, "FEE_RENEWAL", late).met is True


def test_an_attestation_signed_before_the_renewal_period_must_be_signed_again() -> None:
    evidence = renewal_evidence()
    old = Attestation(AttestationKind.CODE_OF_ETHICS, datetime(2025, 12, 15, 12, tzinfo=UTC))
    evidence = replace(evidence, attestations={**evidence.attestations, AttestationKind.CODE_OF_ETHICS: old})

    found = result(evidence, IFS, "ATTESTATION_CODE_OF_ETHICS")

    assert (found.met, reasons(found)) == (False, ["ATTESTED_BEFORE_PERIOD"])
    assert result(evidence, IFS, "ATTESTATION_ENDORSEMENT_AGREEMENT").met


def test_an_expired_membership_fails_the_renewal() -> None:
    evidence = replace(renewal_evidence(), membership=Membership("ITMHCA", ON - timedelta(days=1), "M-1"))

    assert reasons(result(evidence, IFS, "MEMBERSHIP")) == ["MEMBERSHIP_EXPIRED"]


# Reinstatement -------------------------------------------------------------------------------------------------


def reinstatement_evidence(rules: RuleVersion, lapsed_on: date, on: date = ON) -> Evidence:
    """One year's renewal minimums in the last 12 months, references of each slot, the processing fee."""
    renewal = renewal_evidence(on)
    return replace(
        renewal,
        references=satisfying_references(rules, on),
        fees={FeeKind.PROCESSING: FeePayment(FeeKind.PROCESSING, rules.fees.processing_cents, "P-1", on)},
        renewal=RenewalContext(ApplicationKind.REINSTATEMENT, uuid4(), lapsed_on=lapsed_on, provides_rsc=True),
    )


def completed_on(evidence: Evidence) -> date:
    [day] = {r.answer.completed_on for r in evidence.references if r.answer is not None}
    return day


def lapsed(evidence: Evidence, lapsed_on: date) -> Evidence:
    assert evidence.renewal is not None
    return replace(evidence, renewal=replace(evidence.renewal, lapsed_on=lapsed_on))


def test_a_reinstatement_never_asks_for_the_exam_again() -> None:
    assert IMHM_C.exam.required is True
    evidence = reinstatement_evidence(IMHM_C, date(2020, 1, 1))

    report = check_requirements(lapsed(evidence, completed_on(evidence) - timedelta(days=1)), IMHM_C, ON)

    assert report.all_met, report.unmet
    assert report.exam_required is False
    assert {
        "REFERENCES",
        "REINSTATEMENT_NEW_REFERENCES",
        "FEE_PROCESSING",
        "MEMBERSHIP",
        "RENEWAL_TRAINING_HOURS",
        "RENEWAL_RSC_HOURS",
    } <= {r.code for r in report.results}
    assert "FEE_RENEWAL" not in {r.code for r in report.results}


@pytest.mark.parametrize(("lapsed_days_before_completion", "met"), [(1, True), (0, False)])
def test_a_reinstatement_needs_three_references_completed_after_the_lapse(
    lapsed_days_before_completion: int, met: bool
) -> None:
    evidence = reinstatement_evidence(IFS, date(2020, 1, 1))
    lapsed_on = completed_on(evidence) - timedelta(days=lapsed_days_before_completion)

    found = result(lapsed(evidence, lapsed_on), IFS, "REINSTATEMENT_NEW_REFERENCES")

    assert found.met is met
    assert found.progress is not None and found.progress.have == (3 if met else 0)
    assert reasons(found) == ([] if met else ["REFERENCES_BEFORE_LAPSE"])


def test_a_reinstatement_needs_the_processing_fee() -> None:
    evidence = replace(reinstatement_evidence(IFS, date(2025, 2, 2)), fees={})

    assert reasons(result(evidence, IFS, "FEE_PROCESSING")) == ["FEE_NOT_RECORDED"]


@pytest.mark.parametrize(("days_ago", "met"), [(365, False), (364, True)])
def test_a_reinstatements_hours_count_within_the_last_12_months(days_ago: int, met: bool) -> None:
    evidence = reinstatement_evidence(IFS, date(2025, 2, 2))
    evidence = replace(evidence, training=(replace(evidence.training[0], completed_on=ON - timedelta(days=days_ago)),))

    assert result(evidence, IFS, "RENEWAL_TRAINING_HOURS").met is met
