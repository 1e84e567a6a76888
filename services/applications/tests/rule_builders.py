"""Test data derived from rule data: the least evidence that meets a rule version, and how to break each rule.

`satisfying(rules, on)` builds entries that meet every requirement of `rules` exactly at its minimum (so a
rule change in the YAML changes the test data with it). `BREAKERS[code]` turns that evidence into the
smallest failing variant for one requirement, e.g. 23.5 of 24 RSC hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from uuid import UUID, uuid4

from applications.domain import (
    AgeBand,
    Application,
    Attestation,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    EntryContext,
    Evidence,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    RuleVersion,
    TrainingEntry,
    WorkEntry,
)
from applications.domain.checks.registration import RegistrationState
from applications.domain.rules import EducationOption, EducationOptionKind, WorkRequirement
from applications.rulesets import file_name, load_rule_set
from applications.rulesets.competencies import load_competencies
from reference_builders import enter_references, one_reference_a_day_too_old, satisfying_references

HALF = Decimal("0.5")
TAG = "theoretical_foundations"
COORDINATOR_ID = UUID("00000000-0000-4000-8000-00000000c00d")
"""The coordinator who accepts registrations in `fill`."""
RULESETS = Path(__file__).resolve().parents[3] / "config" / "rulesets"


def shipped(category: str, on: date, tenant: str = "itmhca") -> RuleVersion:
    """The shipped rule version of `tenant` for `category` in force on `on`."""
    return load_rule_set(RULESETS / tenant / file_name(category), tenant).in_force(on)


@cache
def competency_ids() -> frozenset[str]:
    return load_competencies(RULESETS / "competencies.yaml", ValueError).ids


def context(today: date) -> EntryContext:
    return EntryContext(today=today, competency_ids=competency_ids())


def satisfying(rules: RuleVersion, on: date) -> Evidence:
    work = [work_entry(req, on) for req in rules.work]
    education: list[EducationEntry] = []
    if rules.education.options:
        option = rules.education.options[0]
        if option.kind is EducationOptionKind.WORK and option.work is not None:
            work.append(work_entry(option.work, on))
        else:
            education.append(education_entry(option, on))
    return Evidence(
        education=tuple(education),
        work=tuple(work),
        training=(TrainingEntry("Foundations of infant mental health", "ITMHCA", on - timedelta(days=30),
                                max(rules.training.min_hours, Decimal(1)), (TAG,), rules.training.min_dei_hours,
                                rules.training.min_rsc_provision_hours),),
        rsc=(rsc_entry(rules, on),) if rules.rsc else (),
        membership=Membership("ITMHCA", on + timedelta(days=365), "M-1"),
        attestations={kind: Attestation(kind, datetime.combine(on, datetime.min.time(), UTC))
                      for kind in rules.attestations},
        fees={FeeKind.REGISTRATION: FeePayment(FeeKind.REGISTRATION, rules.fees.registration_cents, "R-1", on),
              FeeKind.PROCESSING: FeePayment(FeeKind.PROCESSING, rules.fees.processing_cents, "P-1", on)},
        registration=RegistrationState.ACCEPTED if rules.registration.required else RegistrationState.NOT_REQUIRED,
        references=satisfying_references(rules, on),
    )


def work_entry(requirement: WorkRequirement, on: date, days: int | None = None) -> WorkEntry:
    """Paid, supervised work of exactly `days` (default: the minimum) days ending the day before `on`."""
    days = requirement.min_days if days is None else days
    end = on - timedelta(days=1)
    return WorkEntry("Early Head Start", requirement.activity.value, end - timedelta(days=days - 1), end, paid=True,
                     supervised=True, families_served=requirement.min_families,
                     age_band=requirement.age_band or AgeBand.BOTH, activities=(requirement.activity,))


def education_entry(option: EducationOption, on: date) -> EducationEntry:
    if option.kind is EducationOptionKind.CDA:
        return EducationEntry(EducationKind.CDA, "Council for Professional Recognition", on.year - 5)
    if option.kind is EducationOptionKind.LICENCE:
        return EducationEntry(EducationKind.LICENCE, "AZ Board of Behavioral Health", on.year - 5, field="LPC")
    return EducationEntry(EducationKind.DEGREE, "Arizona State University", on.year - 5,
                          option.min_level or DegreeLevel.ASSOCIATE, "Early childhood", related_field=True)


def rsc_entry(rules: RuleVersion, on: date, days: int | None = None, hours: Decimal | None = None) -> RscEntry:
    """One eligible provider's RSC ending 10 days before `on`, spanning the minimum window (at least 30 days)."""
    assert rules.rsc is not None
    provider = rules.rsc.eligible_providers[0]
    days = max(rules.rsc.window_min_days, 30) if days is None else days
    end = on - timedelta(days=10)
    addons = (provider.requires_addon,) if provider.requires_addon else ()
    return RscEntry("Rita Moreno", provider.category, rules.rsc.min_hours if hours is None else hours,
                    end - timedelta(days=days - 1), end, RscFormat.INDIVIDUAL, provider_addons=addons,
                    hours_about_providing_rsc=rules.rsc.min_hours_about_providing_rsc)


Breaker = Callable[[Evidence, RuleVersion, date], Evidence]


def _short_work(code: str) -> Breaker:
    def broken(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
        requirement = next(r for r in rules.work if r.code == code)
        others = tuple(w for w in evidence.work if requirement.activity not in w.activities)
        return replace(evidence, work=(*others, work_entry(requirement, on, requirement.min_days - 1)))

    return broken


def _no_education(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
    work_options = {o.work.activity for o in rules.education.options if o.work is not None}
    return replace(evidence, education=(), work=tuple(w for w in evidence.work if not work_options & set(w.activities)))


def _training(field: str) -> Breaker:
    def broken(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
        entry = evidence.training[0]
        less = getattr(entry, field) - HALF
        if field == "hours":
            parts = {"dei_hours": min(entry.dei_hours, less),
                     "rsc_provision_hours": min(entry.rsc_provision_hours, less)}
            return replace(evidence, training=(replace(entry, hours=less, **parts),))
        return replace(evidence, training=(replace(entry, **{field: less}),))

    return broken


def _rsc_hours(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
    entry = evidence.rsc[0]
    less = entry.hours - HALF
    return replace(evidence, rsc=(replace(entry, hours=less,
                                          hours_about_providing_rsc=min(entry.hours_about_providing_rsc, less)),))


def _rsc_about(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
    entry = evidence.rsc[0]
    return replace(evidence, rsc=(replace(entry, hours_about_providing_rsc=entry.hours_about_providing_rsc - HALF),))


def _without_attestation(kind: str) -> Breaker:
    def broken(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
        return replace(evidence, attestations={k: v for k, v in evidence.attestations.items() if k.value != kind})

    return broken


def _fee_short(kind: FeeKind) -> Breaker:
    def broken(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
        fee = evidence.fees[kind]
        return replace(evidence, fees={**evidence.fees, kind: replace(fee, amount_cents=fee.amount_cents - 1)})

    return broken


def _membership_expired(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
    assert evidence.membership is not None
    return replace(evidence, membership=replace(evidence.membership, expires_on=on - timedelta(days=1)))


BREAKERS: dict[str, Breaker] = {
    "EDUCATION": _no_education,
    "TRAINING_HOURS": _training("hours"),
    "TRAINING_DEI_HOURS": _training("dei_hours"),
    "TRAINING_RSC_PROVISION_HOURS": _training("rsc_provision_hours"),
    "RSC_HOURS": _rsc_hours,
    "RSC_ABOUT_PROVIDING_HOURS": _rsc_about,
    "MEMBERSHIP": _membership_expired,
    "ATTESTATION_CODE_OF_ETHICS": _without_attestation("code_of_ethics"),
    "ATTESTATION_ENDORSEMENT_AGREEMENT": _without_attestation("endorsement_agreement"),
    "FEE_REGISTRATION": _fee_short(FeeKind.REGISTRATION),
    "FEE_PROCESSING": _fee_short(FeeKind.PROCESSING),
    "REGISTRATION_ACCEPTED": lambda evidence, rules, on: replace(evidence, registration=RegistrationState.REGISTERED),
    "REFERENCES": one_reference_a_day_too_old,
}


def breaker(code: str) -> Breaker:
    return _short_work(code) if code.startswith("WORK_") else BREAKERS[code]


def fill(application: Application, evidence: Evidence, context: EntryContext, at: datetime,
         rules: RuleVersion | None = None) -> None:
    """Enter `evidence` on an application's tabs through its commands, as an applicant would; with the `rules`,
    also the references (raters named and answering) and registration (a coordinator accepting) they require."""
    for entry in (*evidence.education, *evidence.work, *evidence.training, *evidence.rsc):
        application.add_entry(uuid4(), entry, context)
    if evidence.membership is not None:
        application.record_membership(evidence.membership)
    for kind in evidence.attestations:
        application.attest(kind, at)
    for fee in evidence.fees.values():
        if fee.amount_cents > 0:
            application.record_fee(fee, context.today)
    enter_references(application, evidence.references, rules.references if rules else None)
    if rules is not None and evidence.registration is RegistrationState.ACCEPTED:
        application.register(rules, at)
        application.accept_registration(COORDINATOR_ID, at)
