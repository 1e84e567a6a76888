"""The rule-set file format (`config/rulesets/<tenant>/<category>.yaml`), as pydantic models.

Every section and list item may carry `assumption: "…"` (the value is not sourced) and `source: "…"`.
Unknown keys are refused, so a typo fails at start-up instead of silently relaxing a rule.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..domain.entries import AgeBand, AttestationKind, DegreeLevel, RscFormat, WorkActivity
from ..domain.rules import (
    DEFAULT_RATED_DOMAINS,
    DEFAULT_RATING_SCALE,
    NOT_ENOUGH_INFORMATION,
    EducationOptionKind,
    RaterRole,
)

CategoryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z/\-]{1,15}$")]
AddonCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z\-]{1,15}$")]
RequirementCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")]
MonthDayText = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
Hours = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)]
Money = Annotated[Decimal, Field(ge=0, le=10_000, decimal_places=2)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    assumption: Note | None = None
    source: Note | None = None


class VolunteerFile(Node):
    counts: bool = False
    requires_supervision: bool = True
    requires_specialized_training: bool = True


class WorkFile(Node):
    activity: WorkActivity
    min_years: Annotated[Decimal, Field(gt=0, le=20, decimal_places=2)]
    supervised: bool = False
    min_families: Annotated[int, Field(ge=0, le=1000)] = 0
    age_band: AgeBand | None = None
    volunteer: VolunteerFile = VolunteerFile()


class EducationOptionFile(Node):
    kind: EducationOptionKind
    min_level: DegreeLevel | None = None
    related_field_required: bool = False
    work: WorkFile | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.kind is EducationOptionKind.WORK) != (self.work is not None):
            raise ValueError("a `work` option needs `work`, and only a `work` option has it")
        if self.kind is not EducationOptionKind.DEGREE and (self.min_level or self.related_field_required):
            raise ValueError("`min_level` and `related_field_required` apply to `degree` options only")
        return self


class EducationFile(Node):
    options: list[EducationOptionFile] = Field(default_factory=list, description="Any one suffices; [] = none.")


class TrainingFile(Node):
    min_hours: Hours
    min_dei_hours: Hours = Decimal(0)
    min_rsc_provision_hours: Hours = Decimal(0)
    competency_tagging_required: bool = True

    @model_validator(mode="after")
    def _parts_fit(self) -> Self:
        if self.min_dei_hours + self.min_rsc_provision_hours > self.min_hours:
            raise ValueError("the DEI and RSC-provision minimums exceed the total minimum")
        return self


class ProviderFile(Node):
    category: CategoryCode
    requires_addon: AddonCode | None = None
    emerging_accepted: bool = False


class RscFile(Node):
    min_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)]
    window_min_months: Annotated[int, Field(ge=0, le=120)]
    window_max_months: Annotated[int, Field(ge=1, le=120)]
    eligible_providers: list[ProviderFile] = Field(min_length=1)
    formats: list[RscFormat] = Field(default_factory=lambda: list(RscFormat), min_length=1)
    min_hours_about_providing_rsc: Hours = Decimal(0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.window_min_months > self.window_max_months:
            raise ValueError("window_min_months is larger than window_max_months")
        if self.min_hours_about_providing_rsc > self.min_hours:
            raise ValueError("min_hours_about_providing_rsc exceeds min_hours")
        return self


class SlotFile(Node):
    raters: list[RaterRole] = Field(min_length=1)
    endorsed_at_or_above: CategoryCode | None = None
    vetting_allowed: bool = False


class RatingFile(Node):
    value: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    labels: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")],
                 Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]] = Field(
        default_factory=dict, description="The label in other languages (e.g. `es`); English `label` otherwise.")


class ReferencesFile(Node):
    slots: list[SlotFile] = Field(max_length=10)
    at_least_one_endorsed_at_or_above: CategoryCode | None = None
    non_endorsed_rater_requires_vetting: bool = True
    max_not_enough_information: Annotated[int, Field(ge=0, le=100)] = 5
    valid_for_months: Annotated[int, Field(ge=1, le=120)] = 12
    rated_domains: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]] = Field(
        default_factory=lambda: list(DEFAULT_RATED_DOMAINS), min_length=1, max_length=8,
        description="Competency domains (competencies.yaml ids) whose areas the rater rates.")
    rating_scale: list[RatingFile] = Field(
        default_factory=lambda: [RatingFile(value=o.value, label=o.label, labels=dict(o.translations))
                                 for o in DEFAULT_RATING_SCALE],
        min_length=2, max_length=10)

    @model_validator(mode="after")
    def _distinct_answers(self) -> Self:
        values = [r.value for r in self.rating_scale]
        if len(values) != len(set(values)) or NOT_ENOUGH_INFORMATION.value in values:
            raise ValueError(f"rating_scale values must be distinct and not {NOT_ENOUGH_INFORMATION.value!r} "
                             "(every form offers it)")
        if len(self.rated_domains) != len(set(self.rated_domains)):
            raise ValueError("rated_domains lists a domain twice")
        return self


class ExamFile(Node):
    required: bool
    track: Literal["IMH", "ECMH"] | None = None


class MembershipFile(Node):
    required: bool = True
    other_association_accepted: bool = True
    proof_of_other_required: bool = False
    individual_only: bool = True


class RegistrationFile(Node):
    required: bool = False


class FeesFile(Node):
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    registration: Money
    processing: Money


class RenewalFile(Node):
    training_hours: Hours
    dei_hours: Hours = Decimal(0)
    rsc_provision_hours_if_providing_rsc: Hours = Decimal(0)
    rsc_hours: Hours = Decimal(0)
    due: MonthDayText
    removal: MonthDayText
    fee: Money
    late_fee: Money = Decimal(0)
    first_renewal: Literal["next_year", "same_year"] = "next_year"
    code_of_ethics_reattestation: bool = True
    opens: MonthDayText | None = None
    late_fee_is: Literal["total", "surcharge"] = "total"


class ReinstatementFile(Node):
    new_references: Annotated[int, Field(ge=0, le=10)] = 3
    processing_fee: bool = True
    renewal_fee: bool = False
    renewal_minimums: bool = True


class EmergingFile(Node):
    waivable: list[RequirementCode] = Field(default_factory=list)
    years_to_complete: Annotated[int, Field(ge=1, le=10)] | None = None
    may_provide_rsc_to: list[CategoryCode] = Field(default_factory=list)


class VersionFile(BaseModel):
    """One version after inheritance: every section present (`rsc: null` = no RSC requirement)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: date
    notes: Note | None = None
    sources: list[Note] = Field(default_factory=list)
    assumptions: list[Note] = Field(default_factory=list)
    education: EducationFile
    work: list[WorkFile]
    training: TrainingFile
    rsc: RscFile | None
    references: ReferencesFile
    exam: ExamFile
    attestations: list[AttestationKind]
    membership: MembershipFile
    fees: FeesFile
    renewal: RenewalFile | None = None
    reinstatement: ReinstatementFile | None = None
    emerging: EmergingFile | None = None
    prerequisite_categories: list[CategoryCode] = Field(default_factory=list)
    registration: RegistrationFile = RegistrationFile()

    @model_validator(mode="after")
    def _unique_work_activities(self) -> Self:
        activities = [w.activity for w in self.work]
        if len(activities) != len(set(activities)):
            raise ValueError("each work activity may be required once per version")
        return self


class RuleSetFile(BaseModel):
    """The whole file. Versions are raw here: each inherits the sections it omits from the one before."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1]
    category: CategoryCode
    kind: Literal["category", "addon"] = "category"
    framework: Literal["IMH-E", "ECMH-E"]
    name: Note | None = None
    notes: Note | None = None
    versions: list[dict[str, Any]] = Field(min_length=1)


PER_VERSION_KEYS = frozenset({"effective_from", "notes", "sources", "assumptions"})
"""Keys that describe one version and are never inherited by the next."""
