"""A validated version of the file format -> the domain's `RuleVersion`."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from ..domain.rules import (
    EducationOption,
    EducationRule,
    EmergingRule,
    ExamRule,
    FeeRule,
    MembershipRule,
    MonthDay,
    ProviderRule,
    RatingOption,
    ReferenceRule,
    ReferenceSlot,
    RegistrationRule,
    ReinstatementRule,
    RenewalRule,
    RscRule,
    RuleVersion,
    TrainingRule,
    VolunteerRule,
    WorkRequirement,
)
from .schema import (
    EducationOptionFile,
    FeesFile,
    ReferencesFile,
    ReinstatementFile,
    RenewalFile,
    RscFile,
    VersionFile,
    WorkFile,
)


def to_rule_version(version: VersionFile, tenant: str, category: str) -> RuleVersion:
    return RuleVersion(
        tenant=tenant,
        category=category,
        effective_from=version.effective_from,
        education=EducationRule(tuple(_option(o) for o in version.education.options)),
        work=tuple(_work(w) for w in version.work),
        training=TrainingRule(version.training.min_hours, version.training.min_dei_hours,
                              version.training.min_rsc_provision_hours, version.training.competency_tagging_required),
        rsc=_rsc(version.rsc) if version.rsc else None,
        references=_references(version.references),
        exam=ExamRule(version.exam.required, version.exam.track),
        attestations=tuple(version.attestations),
        membership=MembershipRule(version.membership.required, version.membership.other_association_accepted,
                                  version.membership.proof_of_other_required, version.membership.individual_only),
        fees=_fees(version.fees),
        renewal=_renewal(version.renewal) if version.renewal else None,
        reinstatement=_reinstatement(version.reinstatement) if version.reinstatement else None,
        emerging=EmergingRule(tuple(version.emerging.waivable), version.emerging.years_to_complete,
                              tuple(version.emerging.may_provide_rsc_to)) if version.emerging else None,
        prerequisite_categories=tuple(version.prerequisite_categories),
        registration=RegistrationRule(version.registration.required),
        assumptions=tuple(version.assumptions) + tuple(_section_assumptions(version)),
    )


def _work(work: WorkFile) -> WorkRequirement:
    v = work.volunteer
    return WorkRequirement(activity=work.activity, min_years=work.min_years, supervised_required=work.supervised,
                           min_families=work.min_families, age_band=work.age_band,
                           volunteer=VolunteerRule(v.counts, v.requires_supervision, v.requires_specialized_training))


def _option(option: EducationOptionFile) -> EducationOption:
    return EducationOption(kind=option.kind, min_level=option.min_level,
                           related_field_required=option.related_field_required,
                           work=_work(option.work) if option.work else None)


def _rsc(rsc: RscFile) -> RscRule:
    providers = tuple(ProviderRule(p.category, p.requires_addon, p.emerging_accepted) for p in rsc.eligible_providers)
    return RscRule(min_hours=rsc.min_hours, window_min_months=rsc.window_min_months,
                   window_max_months=rsc.window_max_months, eligible_providers=providers,
                   formats=tuple(rsc.formats), min_hours_about_providing_rsc=rsc.min_hours_about_providing_rsc)


def _references(references: ReferencesFile) -> ReferenceRule:
    slots = tuple(ReferenceSlot(tuple(s.raters), s.endorsed_at_or_above, s.vetting_allowed) for s in references.slots)
    return ReferenceRule(slots, references.at_least_one_endorsed_at_or_above,
                         references.non_endorsed_rater_requires_vetting, references.max_not_enough_information,
                         references.valid_for_months, tuple(references.rated_domains),
                         tuple(RatingOption(r.value, r.label, tuple(sorted(r.labels.items())))
                               for r in references.rating_scale))


def _fees(fees: FeesFile) -> FeeRule:
    return FeeRule(fees.currency, _cents(fees.registration), _cents(fees.processing))


def _renewal(renewal: RenewalFile) -> RenewalRule:
    return RenewalRule(
        training_hours=renewal.training_hours, dei_hours=renewal.dei_hours,
        rsc_provision_hours_if_providing_rsc=renewal.rsc_provision_hours_if_providing_rsc,
        rsc_hours=renewal.rsc_hours, due=_month_day(renewal.due), removal=_month_day(renewal.removal),
        fee_cents=_cents(renewal.fee), late_fee_cents=_cents(renewal.late_fee),
        first_renewal_next_year=renewal.first_renewal == "next_year",
        code_of_ethics_reattestation=renewal.code_of_ethics_reattestation,
        opens=_month_day(renewal.opens) if renewal.opens else None,
        late_fee_is_surcharge=renewal.late_fee_is == "surcharge",
    )


def _reinstatement(reinstatement: ReinstatementFile) -> ReinstatementRule:
    return ReinstatementRule(new_references=reinstatement.new_references,
                             processing_fee=reinstatement.processing_fee, renewal_fee=reinstatement.renewal_fee,
                             renewal_minimums=reinstatement.renewal_minimums)


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def _month_day(text: str) -> MonthDay:
    month, day = text.split("-")
    return MonthDay(int(month), int(day))


def _section_assumptions(node: BaseModel, path: str = "") -> list[str]:
    """Every `assumption` note in the version, prefixed with where it sits (e.g. `rsc: …`)."""
    notes: list[str] = []
    for name in type(node).model_fields:
        value = getattr(node, name)
        where = f"{path}.{name}" if path else name
        if name == "assumption" and value:
            notes.append(f"{path or 'version'}: {value}")
        elif isinstance(value, BaseModel):
            notes.extend(_section_assumptions(value, where))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    notes.extend(_section_assumptions(item, f"{where}[{index}]"))
    return notes
