"""Given/when/then at the edges of ITMHCA's rules: hour 23.5 vs 24, window day 730 vs 731, 364 vs 365 days of
RSC, 729 vs 730 days of work, 9 vs 10 families, the membership's last day, one cent, eligible providers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from applications.domain import (
    AgeBand,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    Evidence,
    FeeKind,
    RequirementResult,
    RscEntry,
    RscFormat,
    RuleVersion,
    TrainingEntry,
    WorkActivity,
    check_requirements,
)
from applications.rulesets import load_rule_set
from rule_builders import rsc_entry, satisfying, work_entry

RULESETS = Path(__file__).resolve().parents[4] / "config" / "rulesets" / "itmhca"
ON = date(2026, 3, 1)


def rules(category: str, on: date = ON) -> RuleVersion:
    return load_rule_set(RULESETS / f"{category.replace('/', '_')}.yaml", "itmhca").in_force(on)


def result(evidence: Evidence, version: RuleVersion, code: str, on: date = ON) -> RequirementResult:
    return next(r for r in check_requirements(evidence, version, on).results if r.code == code)


def reasons(found: RequirementResult) -> list[str]:
    return [r.code for r in found.reasons]


IFS = rules("IFS")


def with_rsc(*entries: RscEntry, version: RuleVersion = IFS) -> Evidence:
    return replace(satisfying(version, ON), rsc=entries)


# RSC hours --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours", "met"), [(Decimal("23.5"), False), (Decimal("24"), True), (Decimal("24.25"), True)])
def test_ifs_needs_24_rsc_hours(hours: Decimal, met: bool) -> None:
    evidence = with_rsc(rsc_entry(IFS, ON, hours=hours))

    found = result(evidence, IFS, "RSC_HOURS")

    assert found.met is met
    assert found.progress is not None
    assert (found.progress.have, found.progress.need, found.progress.unit) == (hours, 24, "hours")
    assert reasons(found) == ([] if met else ["RSC_HOURS_SHORT"])
    if not met:
        assert found.reasons[0].message.startswith("23.5 of 24 hours")


def test_hours_from_several_providers_add_up() -> None:
    first = rsc_entry(IFS, ON, days=200, hours=Decimal(12))
    second = replace(first, start=first.start - timedelta(days=300), end=first.start - timedelta(days=101))

    assert result(with_rsc(first, second), IFS, "RSC_HOURS").met


# RSC window: a month is 365/12 days, a window counts both its first and last day --------------------

@pytest.mark.parametrize(("span", "met"), [(730, True), (731, False)])
def test_two_periods_count_together_only_within_730_days(span: int, met: bool) -> None:
    last = ON - timedelta(days=10)
    first_start = last - timedelta(days=span - 1)
    early = RscEntry("Rita Moreno", "IFRS", Decimal(12), first_start, first_start + timedelta(days=30),
                     RscFormat.INDIVIDUAL)
    late = replace(early, start=last - timedelta(days=30), end=last)

    found = result(with_rsc(early, late), IFS, "RSC_HOURS")

    assert found.met is met
    assert found.progress is not None and found.progress.have == (24 if met else 12)


@pytest.mark.parametrize(("span", "met"), [(730, True), (731, False)])
def test_one_period_longer_than_the_window_does_not_count(span: int, met: bool) -> None:
    found = result(with_rsc(rsc_entry(IFS, ON, days=span)), IFS, "RSC_HOURS")

    assert found.met is met
    assert reasons(found) == ([] if met else ["RSC_HOURS_SHORT", "RSC_ENTRY_LONGER_THAN_WINDOW"])


@pytest.mark.parametrize(("span", "met"), [(364, False), (365, True)])
def test_the_rsc_must_extend_over_at_least_12_months(span: int, met: bool) -> None:
    found = result(with_rsc(rsc_entry(IFS, ON, days=span)), IFS, "RSC_HOURS")

    assert found.met is met
    assert reasons(found) == ([] if met else ["RSC_WINDOW_TOO_SHORT"])


def test_rsc_ending_after_the_date_judged_does_not_count() -> None:
    later = replace(rsc_entry(IFS, ON), end=ON + timedelta(days=1))

    assert reasons(result(with_rsc(later), IFS, "RSC_HOURS")) == ["RSC_HOURS_SHORT", "RSC_ENTRY_AFTER_DATE"]


# RSC providers --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("category", "addons", "emerging", "met"), [
    ("IFRS", (), False, True),
    ("IFRS", (), True, True),            # an Emerging IFRS already gives qualifying RSC
    ("IMHS", ("ERS",), False, True),
    ("IMHS", (), False, False),          # ITMHCA: from 2025 only with the ERS add-on
    ("IFS", (), False, False),
    ("IFS", ("ERS",), True, True),       # an Emerging ERS keeps giving qualifying RSC
    ("IMHM-C", (), False, True),
    ("IFA", (), False, False),
])
def test_ifs_rsc_providers_from_2025(category: str, addons: tuple[str, ...], emerging: bool, met: bool) -> None:
    entry = replace(rsc_entry(IFS, ON), provider_category=category, provider_addons=addons, provider_emerging=emerging)

    found = result(with_rsc(entry), IFS, "RSC_HOURS")

    assert found.met is met
    assert reasons(found) == ([] if met else ["RSC_HOURS_SHORT", "RSC_PROVIDER_NOT_ELIGIBLE"])


def test_an_imhs_provider_without_ers_counted_before_2025() -> None:
    before = rules("IFS", date(2024, 12, 31))
    entry = replace(rsc_entry(before, date(2024, 12, 31)), provider_category="IMHS", provider_addons=())

    evidence = replace(satisfying(before, date(2024, 12, 31)), rsc=(entry,))

    assert result(evidence, before, "RSC_HOURS", date(2024, 12, 31)).met


def test_group_rsc_counts() -> None:
    assert result(with_rsc(replace(rsc_entry(IFS, ON), format=RscFormat.GROUP)), IFS, "RSC_HOURS").met


@pytest.mark.parametrize(("about", "met"), [(Decimal("24.5"), False), (Decimal(25), True)])
def test_a_clinical_mentor_needs_25_rsc_hours_about_the_rsc_they_provide(about: Decimal, met: bool) -> None:
    mentor = rules("IMHM-C")
    evidence = satisfying(mentor, ON)
    evidence = replace(evidence, rsc=(replace(evidence.rsc[0], hours_about_providing_rsc=about),))

    assert result(evidence, mentor, "RSC_ABOUT_PROVIDING_HOURS").met is met
    assert result(evidence, mentor, "RSC_HOURS").met


# Work -----------------------------------------------------------------------------------------------

WORK = IFS.work[0]


@pytest.mark.parametrize(("days", "met"), [(729, False), (730, True)])
def test_ifs_needs_two_years_of_work(days: int, met: bool) -> None:
    evidence = replace(satisfying(IFS, ON), work=(work_entry(WORK, ON, days),))

    found = result(evidence, IFS, "WORK_DIRECT_SERVICE")

    assert found.met is met
    assert found.progress is not None and found.progress.have == days
    assert reasons(found) == ([] if met else ["WORK_YEARS_SHORT"])


def test_overlapping_jobs_count_once_and_a_current_job_counts_until_the_date_judged() -> None:
    one = work_entry(WORK, ON, 400)
    overlapping = replace(one, employer="Second job", families_served=0)
    current = replace(one, start=one.end + timedelta(days=1), end=None)

    found = result(replace(satisfying(IFS, ON), work=(one, overlapping, current)), IFS, "WORK_DIRECT_SERVICE")

    assert found.progress is not None and found.progress.have == 401  # 400 days, and the current job's one day


@pytest.mark.parametrize(("families", "met"), [(9, False), (10, True)])
def test_ifs_work_must_have_served_ten_families(families: int, met: bool) -> None:
    evidence = replace(satisfying(IFS, ON), work=(replace(work_entry(WORK, ON), families_served=families),))

    found = result(evidence, IFS, "WORK_DIRECT_SERVICE")

    assert found.met is met
    assert reasons(found) == ([] if met else ["WORK_FAMILIES_SHORT"])


@pytest.mark.parametrize(("change", "met"), [
    ({"paid": False}, False),                         # IFS: only paid work counts
    ({"age_band": AgeBand.EARLY_CHILDHOOD}, False),   # 3-6 is the ECMH-E band
    ({"age_band": AgeBand.BOTH}, True),
    ({"activities": (WorkActivity.LEADERSHIP,)}, False),
])
def test_which_work_counts_for_ifs(change: dict[str, object], met: bool) -> None:
    evidence = replace(satisfying(IFS, ON), work=(replace(work_entry(WORK, ON), **change),))  # type: ignore[arg-type]

    found = result(evidence, IFS, "WORK_DIRECT_SERVICE")

    assert found.met is met
    if not met:
        assert "WORK_ENTRY_NOT_COUNTED" in reasons(found)


@pytest.mark.parametrize(("supervised", "specialized_training", "met"), [
    (True, True, True), (False, True, False), (True, False, False)])
def test_ifa_counts_volunteer_work_when_supervised_with_specialized_training(
        supervised: bool, specialized_training: bool, met: bool) -> None:
    ifa = rules("IFA")
    option = ifa.education.options[2].work
    assert option is not None
    volunteer = replace(work_entry(option, ON), paid=False, supervised=supervised,
                        specialized_training=specialized_training)

    found = result(Evidence(work=(volunteer,)), ifa, "EDUCATION")

    assert found.met is met


# Education ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("entry", "on", "met"), [
    (EducationEntry(EducationKind.CDA, "Council for Professional Recognition", 2015), ON, False),
    (EducationEntry(EducationKind.LICENCE, "AZBBHE", 2015, field="LPC"), date(2024, 12, 31), False),
    (EducationEntry(EducationKind.LICENCE, "AZBBHE", 2015, field="LPC"), ON, True),   # from 2025
])
def test_imhs_education(entry: EducationEntry, on: date, met: bool) -> None:
    version = rules("IMHS", on)

    assert result(Evidence(education=(entry,)), version, "EDUCATION", on).met is met


@pytest.mark.parametrize(("level", "met"), [(DegreeLevel.BACHELOR, False), (DegreeLevel.MASTER, True),
                                             (DegreeLevel.DOCTORATE, True)])
def test_imhs_needs_a_masters_or_higher(level: DegreeLevel, met: bool) -> None:
    entry = EducationEntry(EducationKind.DEGREE, "ASU", 2015, level, "Social work")

    assert result(Evidence(education=(entry,)), rules("IMHS"), "EDUCATION").met is met


# Training -------------------------------------------------------------------------------------------

def test_untagged_training_does_not_count_and_says_so() -> None:
    tagged = TrainingEntry("Attachment", "ITMHCA", ON - timedelta(days=5), Decimal(20), ("reflection",))
    untagged = replace(tagged, title="Conference", competencies=())

    found = result(replace(satisfying(IFS, ON), training=(tagged, untagged)), IFS, "TRAINING_HOURS")

    assert not found.met
    assert reasons(found) == ["TRAINING_HOURS_SHORT", "TRAINING_UNTAGGED"]
    assert found.progress is not None and found.progress.have == 20


@pytest.mark.parametrize(("dei", "met"), [(Decimal("2.5"), False), (Decimal(3), True)])
def test_imhs_from_2025_needs_three_dei_hours(dei: Decimal, met: bool) -> None:
    imhs = rules("IMHS")
    evidence = satisfying(imhs, ON)
    evidence = replace(evidence, training=(replace(evidence.training[0], dei_hours=dei),))

    assert result(evidence, imhs, "TRAINING_DEI_HOURS").met is met


# Membership and fees --------------------------------------------------------------------------------

@pytest.mark.parametrize(("expires", "individual", "codes"), [
    (ON, True, []),
    (ON - timedelta(days=1), True, ["MEMBERSHIP_EXPIRED"]),
    (ON, False, ["MEMBERSHIP_NOT_INDIVIDUAL"]),
])
def test_membership_must_be_individual_and_current(expires: date, individual: bool, codes: list[str]) -> None:
    evidence = satisfying(IFS, ON)
    assert evidence.membership is not None
    membership = replace(evidence.membership, expires_on=expires, individual=individual)

    assert reasons(result(replace(evidence, membership=membership), IFS, "MEMBERSHIP")) == codes


def test_no_membership_is_missing() -> None:
    assert reasons(result(replace(satisfying(IFS, ON), membership=None), IFS, "MEMBERSHIP")) == ["MEMBERSHIP_MISSING"]


@pytest.mark.parametrize(("cents", "codes"), [(9999, ["FEE_AMOUNT_SHORT"]), (10000, []), (None, ["FEE_NOT_RECORDED"])])
def test_the_ifs_processing_fee_is_100_dollars(cents: int | None, codes: list[str]) -> None:
    evidence = satisfying(IFS, ON)
    fee = evidence.fees[FeeKind.PROCESSING]
    fees = {FeeKind.REGISTRATION: evidence.fees[FeeKind.REGISTRATION]}
    if cents is not None:
        fees[FeeKind.PROCESSING] = replace(fee, amount_cents=cents)

    assert reasons(result(replace(evidence, fees=fees), IFS, "FEE_PROCESSING")) == codes
