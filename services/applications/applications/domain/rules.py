"""An association's rules for one category, as data: effective-dated versions of every requirement.

Loaded from `config/rulesets/<tenant>/<category>.yaml` (see `applications.rulesets`); nothing here knows
about files. Amounts of money are in cents; hours are Decimals.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from .entries import AgeBand, AttestationKind, DegreeLevel, RscFormat, WorkActivity
from .errors import NoRuleSetInForce
from .spans import months_to_days, years_to_days


class EducationOptionKind(StrEnum):
    DEGREE = "degree"
    CDA = "cda"
    LICENCE = "licence"
    WORK = "work"
    """Years of work instead of a qualification (e.g. IFA: 2 years of paid work)."""


@dataclass(frozen=True)
class VolunteerRule:
    """Whether unpaid work counts, and on which conditions."""

    counts: bool = False
    requires_supervision: bool = True
    requires_specialized_training: bool = True


@dataclass(frozen=True)
class WorkRequirement:
    activity: WorkActivity
    min_years: Decimal
    supervised_required: bool = False
    min_families: int = 0
    age_band: AgeBand | None = None
    volunteer: VolunteerRule = VolunteerRule()

    @property
    def code(self) -> str:
        return f"WORK_{self.activity.value.upper()}"

    @property
    def min_days(self) -> int:
        return years_to_days(self.min_years)


@dataclass(frozen=True)
class EducationOption:
    kind: EducationOptionKind
    min_level: DegreeLevel | None = None
    related_field_required: bool = False
    work: WorkRequirement | None = None


@dataclass(frozen=True)
class EducationRule:
    options: tuple[EducationOption, ...] = ()
    """Any one option meets the requirement; none means no education is required."""


@dataclass(frozen=True)
class TrainingRule:
    min_hours: Decimal
    min_dei_hours: Decimal = Decimal(0)
    min_rsc_provision_hours: Decimal = Decimal(0)
    competency_tagging_required: bool = True
    """A training counts only if it is tagged with at least one competency."""


@dataclass(frozen=True)
class ProviderRule:
    """Who may provide the RSC an applicant receives."""

    category: str
    requires_addon: str | None = None
    emerging_accepted: bool = False


@dataclass(frozen=True)
class RscRule:
    min_hours: Decimal
    window_min_months: int
    window_max_months: int
    eligible_providers: tuple[ProviderRule, ...]
    formats: tuple[RscFormat, ...] = (RscFormat.INDIVIDUAL, RscFormat.GROUP)
    min_hours_about_providing_rsc: Decimal = Decimal(0)

    @property
    def window_min_days(self) -> int:
        return months_to_days(self.window_min_months)

    @property
    def window_max_days(self) -> int:
        return months_to_days(self.window_max_months)


class RaterRole(StrEnum):
    """Who may rate an applicant in a reference slot."""

    SUPERVISOR = "supervisor"
    TEACHER = "teacher"
    CDA_MENTOR = "cda_mentor"
    INSTRUCTOR = "instructor"
    TRAINER = "trainer"
    CONSULTANT = "consultant"
    COLLEAGUE = "colleague"
    RSC_PROVIDER = "rsc_provider"
    SUPERVISEE = "supervisee"
    RSC_RECIPIENT = "rsc_recipient"
    """Someone who receives RSC from the applicant."""
    SERVICE_RECIPIENT = "service_recipient"
    """A parent or other recipient of the applicant's services."""
    ENDORSED_OR_VETTED = "endorsed_or_vetted"
    """Anyone endorsed at the slot's level, or vetted by the coordinator."""


@dataclass(frozen=True)
class ReferenceSlot:
    raters: tuple[RaterRole, ...]
    endorsed_at_or_above: str | None = None
    vetting_allowed: bool = False


@dataclass(frozen=True)
class RatingOption:
    """One answer of the reference form's rating scale (`not_enough_information` is always offered too)."""

    value: str
    label: str
    translations: tuple[tuple[str, str], ...] = ()
    """(language, label) pairs; English (`label`) is the fallback."""

    def label_in(self, language: str) -> str:
        return dict(self.translations).get(language, self.label)


NOT_ENOUGH_INFORMATION = RatingOption("not_enough_information", "I do not have enough information to rate this",
                                      (("es", "No tengo suficiente información para calificar esto"),))
"""The answer the void rule counts (domain §3.4): the same on every form, so it is not scale data."""
DEFAULT_RATED_DOMAINS = ("working_with_others", "thinking", "reflection")
"""Reference ratings are the primary source for these domains (domain §3.3, MI-AIMH tips)."""
DEFAULT_RATING_SCALE = (RatingOption("strongly_agree", "Strongly agree", (("es", "Totalmente de acuerdo"),)),
                        RatingOption("agree", "Agree", (("es", "De acuerdo"),)),
                        RatingOption("disagree", "Disagree", (("es", "En desacuerdo"),)),
                        RatingOption("strongly_disagree", "Strongly disagree", (("es", "Totalmente en desacuerdo"),)))


@dataclass(frozen=True)
class ReferenceRule:
    slots: tuple[ReferenceSlot, ...]
    at_least_one_endorsed_at_or_above: str | None = None
    non_endorsed_rater_requires_vetting: bool = True
    max_not_enough_information: int = 5
    valid_for_months: int = 12
    rated_domains: tuple[str, ...] = DEFAULT_RATED_DOMAINS
    """Competency domains whose knowledge/skill areas the rater rates, one item per area."""
    rating_scale: tuple[RatingOption, ...] = DEFAULT_RATING_SCALE

    @property
    def valid_for_days(self) -> int:
        """A completed reference counts on this many days, its completion day included (12 months = 365)."""
        return months_to_days(self.valid_for_months)


@dataclass(frozen=True)
class ExamRule:
    required: bool
    track: str | None = None


@dataclass(frozen=True)
class MembershipRule:
    required: bool = True
    other_association_accepted: bool = True
    proof_of_other_required: bool = False
    individual_only: bool = True


@dataclass(frozen=True)
class RegistrationRule:
    """Whether an application must be registered (registration fee paid) and the registration accepted by a
    coordinator before it can be submitted (EASy's preliminary application, domain §4.1)."""

    required: bool = False


@dataclass(frozen=True)
class FeeRule:
    currency: str
    registration_cents: int
    processing_cents: int


@dataclass(frozen=True)
class MonthDay:
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """This day in `year`; 29 February falls on the 28th in common years."""
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def on_or_after(self, day: date) -> date:
        candidate = self.in_year(day.year)
        return candidate if candidate >= day else self.in_year(day.year + 1)

    def on_or_before(self, day: date) -> date:
        candidate = self.in_year(day.year)
        return candidate if candidate <= day else self.in_year(day.year - 1)


@dataclass(frozen=True)
class RenewalRule:
    training_hours: Decimal
    dei_hours: Decimal
    rsc_provision_hours_if_providing_rsc: Decimal
    rsc_hours: Decimal
    due: MonthDay
    removal: MonthDay
    fee_cents: int
    late_fee_cents: int
    first_renewal_next_year: bool = True
    code_of_ethics_reattestation: bool = True
    opens: MonthDay | None = None
    """Renewals for a due date may be started from this day (the last one on or before the due date);
    None: at any time before the removal date."""
    late_fee_is_surcharge: bool = False
    """False: after the due date the renewal fee is `late_fee_cents` (ITMHCA: $35 instead of $25); True: the late
    fee is added to the renewal fee (MI-AIMH: $30 + $25)."""

    def fee_due_cents(self, late: bool) -> int:
        if not late:
            return self.fee_cents
        return self.fee_cents + self.late_fee_cents if self.late_fee_is_surcharge else self.late_fee_cents


@dataclass(frozen=True)
class ReinstatementRule:
    """What a lapsed holder needs to get the endorsement back (domain §5.3); the exam is never retaken."""

    new_references: int = 3
    """References completed after the lapse."""
    processing_fee: bool = True
    """The category's processing fee (`fees.processing`)."""
    renewal_fee: bool = False
    """The renewal fee as well (NM)."""
    renewal_minimums: bool = True
    """Training and RSC of the 12 months before the date judged are held to the renewal minimums."""


@dataclass(frozen=True)
class EmergingRule:
    """Emerging status: endorsed while some requirements are still being met."""

    waivable: tuple[str, ...]
    """Requirement codes an Emerging decision may leave unmet."""
    years_to_complete: int | None = None
    may_provide_rsc_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleVersion:
    """Every requirement of one category for one association, from `effective_from` on."""

    tenant: str
    category: str
    effective_from: date
    education: EducationRule
    work: tuple[WorkRequirement, ...]
    training: TrainingRule
    rsc: RscRule | None
    references: ReferenceRule
    exam: ExamRule
    attestations: tuple[AttestationKind, ...]
    membership: MembershipRule
    fees: FeeRule
    renewal: RenewalRule | None = None
    reinstatement: ReinstatementRule | None = None
    """None: the association takes no reinstatement applications for the category."""
    emerging: EmergingRule | None = None
    prerequisite_categories: tuple[str, ...] = ()
    """For an add-on: the endorsements it can be added to."""
    registration: RegistrationRule = RegistrationRule()
    assumptions: tuple[str, ...] = ()
    """Values that are assumptions rather than sourced facts (documentation; never evaluated)."""

    @property
    def id(self) -> str:
        """`<tenant>/<category>/<effective_from>`, e.g. `itmhca/IMHS/2025-01-01`."""
        return f"{self.tenant}/{self.category}/{self.effective_from.isoformat()}"


@dataclass(frozen=True)
class RuleSet:
    """The versions of one category's rules, oldest first."""

    tenant: str
    category: str
    versions: tuple[RuleVersion, ...]
    addon: bool = False

    def __post_init__(self) -> None:
        dates = [v.effective_from for v in self.versions]
        if not dates or dates != sorted(set(dates)):
            raise ValueError("a rule set needs versions in strictly increasing effective_from order")

    def in_force(self, on: date) -> RuleVersion:
        """The latest version whose `effective_from` is on or before `on`."""
        index = bisect_right([v.effective_from for v in self.versions], on)
        if index == 0:
            raise NoRuleSetInForce(f"no {self.category} rules of {self.tenant} are in force on {on.isoformat()}")
        return self.versions[index - 1]


@dataclass(frozen=True)
class RuleBook:
    """Every association's rule sets, by (tenant, category)."""

    rule_sets: Mapping[tuple[str, str], RuleSet] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule_sets", MappingProxyType(dict(self.rule_sets)))

    def in_force(self, tenant: str, category: str, on: date) -> RuleVersion:
        rule_set = self.rule_sets.get((tenant, category))
        if rule_set is None:
            raise NoRuleSetInForce(f"{tenant} has no rule set for {category}")
        return rule_set.in_force(on)

    def __iter__(self) -> Iterator[RuleSet]:
        return iter(self.rule_sets.values())
